"""In CI (REQUIRE_SERVICES=1) the suite must run on the real PostgreSQL and broker, never skip past them."""

import os
import socket

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.skipif(os.environ.get("REQUIRE_SERVICES") != "1", reason="only CI requires the services")


@pytest.mark.django_db
def test_ci_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_ci_has_a_reachable_broker():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    host, port = settings.CELERY_BROKER_URL.split("//")[1].split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=5):
        pass
