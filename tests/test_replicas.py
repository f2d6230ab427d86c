"""Reads on a replica (coop_tracker/replicas.py): with DATABASE_REPLICA_URL set, a page's GET reads
from the "replica" alias; writes, a POST and the pages after it, transactions and work outside a
request (the recompute's tasks, commands) read from the primary, so nothing misses its own writes.

The test database has a "replica" alias, a test mirror of "default" (tests/settings.py). Inside a
test's transaction a second connection would not see the test's rows, so the mirror shares the
primary's connection here, and the router's choices are recorded as it makes them."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connections, transaction
from django.urls import reverse

from coop_tracker import replicas
from cooperatives.models import Organisation
from plans.models import Target
from plans.services import progress_recompute
from tests.factories import OrganisationFactory, commune, logged_in

pytestmark = pytest.mark.django_db(databases=["default", "replica"])


@pytest.fixture(autouse=True)
def _replica_closed():
    """The mirror's own connection, which Django opens for a test naming it and never closes."""
    yield
    connections["replica"].close()


@pytest.fixture
def reads(settings, monkeypatch):
    """The router in use, and the alias of every read it routes, in order."""
    settings.DATABASE_ROUTERS = ["coop_tracker.replicas.ReplicaRouter"]
    monkeypatch.setitem(connections._connections.__dict__, "replica", connections["default"])
    chosen = []
    route = replicas.ReplicaRouter.db_for_read

    def recorded(self, model, **hints):
        alias = route(self, model, **hints)
        chosen.append(alias)
        return alias

    monkeypatch.setattr(replicas.ReplicaRouter, "db_for_read", recorded)
    return chosen


def test_a_page_read_by_a_leader_reads_from_the_replica(client, reads):
    leader = logged_in(client, "lanhdao")
    reads.clear()
    assert leader.get(reverse("registry_list")).status_code == 200
    assert reads and set(reads) == {"replica"}


def test_a_post_reads_and_writes_on_the_primary_and_pins_the_next_pages_there(client, reads):
    staff = logged_in(client, "canbo.bacninh")
    organisation = OrganisationFactory(commune=commune("24"))
    reads.clear()
    figures = {"year": 2025, "members": 62, "workers": 20, "ocop_products": 0}
    response = staff.post(reverse("organisation_part_create", args=[organisation.pk, "figures"]), figures)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert reads and set(reads) == {"default"}
    assert response.cookies[replicas.PIN_COOKIE]["max-age"] == 10
    reads.clear()
    staff.get(response["Location"])  # the page after the save: the replica may not have it yet
    assert reads and set(reads) == {"default"}
    staff.cookies.pop(replicas.PIN_COOKIE)  # ten seconds later
    reads.clear()
    staff.get(response["Location"])
    assert set(reads) == {"replica"}


def test_inside_a_transaction_or_outside_a_request_reads_stay_on_the_primary(reads):
    token = replicas._reads.set(replicas.REPLICA)  # as in a GET request
    try:
        list(Organisation.objects.all()[:1])
        assert reads[-1] == "replica"
        with transaction.atomic():
            list(Organisation.objects.all()[:1])
        assert reads[-1] == "default"
    finally:
        replicas._reads.reset(token)
    reads.clear()
    progress_recompute(targets=Target.objects.all()[:3])  # a task or a command: no request
    assert reads and set(reads) == {"default"}


def test_writes_and_migrations_go_to_the_primary_only():
    router = replicas.ReplicaRouter()
    assert router.db_for_write(Organisation) == "default"
    assert router.allow_migrate("default", "cooperatives") and not router.allow_migrate("replica", "cooperatives")


def test_the_replica_and_its_router_come_with_database_replica_url():
    environment = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps([sorted(settings.DATABASES), settings.DATABASE_ROUTERS, "
        "settings.DATABASES['replica']['HOST'], settings.DATABASES['replica']['TEST'], "
        "settings.DATABASES['replica']['OPTIONS']]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={
            **environment,
            "DJANGO_SETTINGS_MODULE": "coop_tracker.settings",
            "DEBUG": "true",
            "DATABASE_URL": "postgres://app@primary.example:5432/coop",
            "DATABASE_REPLICA_URL": "postgres://app@replica.example:5432/coop?sslmode=require",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    aliases, routers, host, test, options = json.loads(result.stdout)
    assert options == {"options": "-c jit=off -c random_page_cost=1.1", "sslmode": "require"}
    assert aliases == ["default", "replica"] and routers == ["coop_tracker.replicas.ReplicaRouter"]
    assert host == "replica.example" and test["MIRROR"] == "default"
