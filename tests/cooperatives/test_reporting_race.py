"""A write and a round's transition of the same year do not race (PostgreSQL, migration
cooperatives 0024): a submit waits for a write already under way, and a write waits for a
transition under way (then reads its state). Each side runs on a connection of its own; the
other connection's writes are rolled back, so nothing stays behind."""

import threading
import time

import pytest
from django.db import DatabaseError, connection, connections, transaction

from accounts.models import User
from cooperatives.models import Organisation, YearlyFigures
from cooperatives.services import round_transition
from tests.factories import province

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger and its locks are PostgreSQL's"),
]
YEAR = 2026  # no demo figures that year
HELD_SECONDS = 1.5


class RolledBack(Exception):
    pass


def bac_ninh_htx():
    return Organisation.objects.filter(kind="htx", province=province("24")).order_by("pk").first()


def write_in_its_own_transaction(organisation_id, written, outcome, *, hold=0.0, lock_timeout=None, year=YEAR):
    """On this thread's own connection: write a yearly figure of `year`, keep the transaction open
    `hold` seconds, then roll it back. `outcome` gets "rolled back" or the database's refusal."""
    try:
        with transaction.atomic():
            if lock_timeout:
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL lock_timeout = '{lock_timeout}'")
            YearlyFigures.objects.create(organisation_id=organisation_id, year=year, members=20)
            written.set()
            time.sleep(hold)
            raise RolledBack
    except RolledBack:
        outcome.append("rolled back")
    except DatabaseError as refused:
        outcome.append(str(refused))
    finally:
        written.set()
        connections.close_all()


def test_a_submit_waits_for_a_write_of_its_year_under_way():
    organisation = bac_ninh_htx()
    written, outcome = threading.Event(), []
    writer = threading.Thread(
        target=write_in_its_own_transaction, args=(organisation.pk, written, outcome), kwargs={"hold": HELD_SECONDS}
    )
    writer.start()
    assert written.wait(10)
    started = time.monotonic()
    submitted = round_transition(
        province=province("24"), year=YEAR, action="submit", user=User.objects.get(username="admin")
    )
    waited = time.monotonic() - started
    writer.join(10)
    assert outcome == ["rolled back"]  # the write went through: no round was locked when it began
    assert submitted.state == "submitted"
    assert waited >= HELD_SECONDS * 0.8  # the submit waited for the write's transaction to end


def test_a_write_of_the_year_waits_while_a_transition_is_under_way():
    organisation = bac_ninh_htx()
    round_transition(province=province("24"), year=YEAR, action="submit", user=User.objects.get(username="admin"))
    # This test's transaction, with the transition in it, is still open: a write of the year on
    # another connection waits for it (and would then read the submitted state).
    written, outcome = threading.Event(), []
    writer = threading.Thread(
        target=write_in_its_own_transaction, args=(organisation.pk, written, outcome), kwargs={"lock_timeout": "1s"}
    )
    writer.start()
    writer.join(15)
    assert len(outcome) == 1 and "lock timeout" in outcome[0]
    # Another year's write does not wait.
    other = []
    writer = threading.Thread(
        target=write_in_its_own_transaction,
        args=(organisation.pk, threading.Event(), other),
        kwargs={"lock_timeout": "1s", "year": YEAR + 4},
    )
    writer.start()
    writer.join(15)
    assert other == ["rolled back"]
