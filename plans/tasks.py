"""Celery tasks of the progress engine. Each takes no rows, loads what it needs and calls one service."""

from celery import shared_task
from django.conf import settings

from plans.exports import plan_report_build
from plans.models import Target
from plans.services import progress_recompute, progress_recompute_pending


@shared_task(acks_late=True)
def recompute_pending_progress():
    """Recompute the targets touched by recent edits.

    Queued by plans.signals a second after the first edit of a burst commits; one run drains
    every place marked since. Idempotent: a duplicate or retried run recomputes the same rows.
    """
    return progress_recompute_pending()


@shared_task(acks_late=True)
def recompute_all_progress():
    """Recompute every target. Run nightly by the beat schedule (settings.CELERY_BEAT_SCHEDULE)."""
    return progress_recompute()


@shared_task(acks_late=True)
def recompute_indicator_progress(indicator_id):
    """Recompute the targets of one indicator. Queued after an admin saves an indicator that
    targets use (its rule or parameters may have changed every one of their figures)."""
    return progress_recompute(targets=Target.objects.filter(indicator=indicator_id))


@shared_task(acks_late=True, soft_time_limit=settings.EXPORT_TASK_SECONDS, time_limit=settings.EXPORT_TASK_SECONDS + 30)
def build_plan_report(export_id):
    """Write the progress report of a plan with more than EXPORT_PLAN_REPORT_TARGETS targets
    (plans.exports), queued by its page; a duplicate message writes nothing twice."""
    plan_report_build(export_id=export_id)
