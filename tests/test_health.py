"""/health/ tells a load balancer or a monitor whether this process can work, without a login."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coop_tracker import health
from plans.models import RecomputeSchedule

pytestmark = pytest.mark.django_db


def test_it_reports_the_database_the_broker_and_the_last_recompute_without_a_login(client):
    ran = timezone.now() - datetime.timedelta(minutes=5)
    nightly = ran - datetime.timedelta(hours=3)
    RecomputeSchedule.objects.update_or_create(pk=1, defaults={"last_run_at": ran, "last_full_at": nightly})
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert body["database"] == "ok" and body["broker"] in ("ok", "eager")
    assert body["last_recompute"] == ran.isoformat() and body["last_full_recompute"] == nightly.isoformat()


def test_an_unreachable_broker_is_a_503_that_names_no_detail(client, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def refuse():
        raise ConnectionRefusedError("redis://secret-host:6379 refused")

    monkeypatch.setattr(health, "_broker", refuse)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["broker"] == "error" and "secret-host" not in response.content.decode()


def test_a_load_balancer_checks_it_over_plain_http_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("health")).status_code == 200
    assert client.get(reverse("login")).status_code == 301


def test_it_counts_the_targets_in_error_and_says_which_indicators_to_admins_only(client):
    from accounts.models import User
    from plans.models import Indicator, Target
    from plans.services import progress_recompute

    founded = Target.objects.get(wording="Thành lập mới 35 HTX")
    Indicator.objects.filter(pk=founded.indicator_id).update(rule="rule_of_tomorrow")
    progress_recompute(targets=Target.objects.filter(indicator=founded.indicator_id))
    body = client.get(reverse("health")).json()
    assert body["targets_in_error"] == Target.objects.filter(indicator=founded.indicator_id).count() >= 2
    assert "indicator_errors" not in body and "rule_of_tomorrow" not in str(body)
    client.force_login(User.objects.get(username="admin"))
    [error] = client.get(reverse("health")).json()["indicator_errors"]
    assert error["indicator"] == "htx_founded" and error["targets"] == body["targets_in_error"]
    assert "rule_of_tomorrow" in error["reasons"][0]
