"""The progress recompute through a real Celery worker, Redis and PostgreSQL.

Marked `worker` and run last (tests/conftest.py): it commits for real, and pytest-django
empties the database after a transactional test.
"""

import datetime
import time

import pytest

from plans.models import Progress, RecomputeSchedule, Target
from plans.tasks import recompute_all_progress
from tests.factories import OrganisationFactory, PlanFactory, TargetFactory, commune, province
from tests.workers import REQUIRED, SERVICES, wait_for

# Skipped at collection, not inside the test: a transactional test that starts still empties
# the database afterwards. In CI (REQUIRE_SERVICES=1) it never skips: it fails without them.
pytestmark = pytest.mark.skipif(
    not SERVICES and not REQUIRED, reason="needs DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis)"
)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_committed_htx_moves_its_target_within_seconds_and_the_nightly_task_runs_on_the_worker(worker):
    # One test: pytest-django empties the database after a transactional test, provinces included.
    cao_bang = province("04")
    target = TargetFactory(plan=PlanFactory(area=cao_bang), area=cao_bang, year_from=2026, year_to=2026, value=2)
    assert wait_for(lambda: Progress.objects.filter(target=target).exists()), worker.read_text()
    assert Progress.objects.get(target=target).actual is None  # no organisation there yet: no data

    committed = time.monotonic()
    OrganisationFactory(commune=commune("04"), founded_on=datetime.date(2026, 3, 1))
    assert wait_for(lambda: Progress.objects.get(target=target).actual == 1), worker.read_text()
    assert time.monotonic() - committed < 10

    assert wait_for(lambda: RecomputeSchedule.objects.get().queued_at is None)
    Progress.objects.all().delete()
    recompute_all_progress.delay()
    assert wait_for(lambda: Progress.objects.count() == Target.objects.count() > 40, seconds=30), worker.read_text()
