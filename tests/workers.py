"""A real Celery worker on Redis and PostgreSQL for the tests marked `worker` (run last, see conftest)."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

SERVICES = connection.vendor == "postgresql" and settings.CELERY_BROKER_URL.startswith("redis://")
REQUIRED = os.environ.get("REQUIRE_SERVICES") == "1"


def require_services():
    if not SERVICES:
        pytest.fail("needs DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis)")


@pytest.fixture
def worker(tmp_path):
    process, log = start_worker(tmp_path / "worker.log")
    yield log
    process.terminate()
    process.wait(timeout=30)
    print(log.read_text())


def start_worker(log, **env_extra) -> tuple[subprocess.Popen, object]:
    """A Celery worker (one process: the solo pool) on the test database and broker, once ready;
    the queue purged first. `env_extra`: settings of its own, by environment variable."""
    from plans.models import RecomputeSchedule

    require_services()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        **env_extra,
    }
    celery = [sys.executable, "-m", "celery", "-A", "coop_tracker"]
    subprocess.run([*celery, "purge", "-f"], env=env, check=True, capture_output=True, timeout=60)
    RecomputeSchedule.objects.update_or_create(pk=1, defaults={"queued_at": None})  # its message was purged
    with log.open("w") as out:
        process = subprocess.Popen(
            [*celery, "worker", "--pool", "solo", "--without-heartbeat", "--without-mingle", "-l", "info"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    assert wait_for(lambda: "ready." in log.read_text(), seconds=60), log.read_text()
    return process, log


def wait_for(condition, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False
