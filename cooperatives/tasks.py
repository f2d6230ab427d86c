"""Celery tasks of the registry. Each takes an id, loads its row and calls one service.

The tasks that read an uploaded file have time limits: whatever a file holds, it cannot hold a
worker for long. At the soft limit the task is interrupted (SoftTimeLimitExceeded, raised inside
the service, whose transaction rolls back) and the upload ends "failed" saying so; the hard limit,
a little later, kills a worker stuck where Python cannot interrupt it. A run killed (by that limit, SIGKILL, the
machine) stops stamping its upload's heartbeat, and `end_dead_registry_imports` ends the upload
"failed", with its file kept to run again.
"""

from celery import shared_task
from django.conf import settings

from cooperatives.exports import exports_expire, registry_export_build
from cooperatives.services import (
    registry_import_check,
    registry_import_commit,
    registry_import_errors_build,
    registry_imports_end_dead,
    registry_imports_expire,
    round_reminders_send,
)

FILE_TASK_LIMITS = {
    "soft_time_limit": settings.IMPORT_TASK_SECONDS,
    "time_limit": settings.IMPORT_TASK_SECONDS + 30,
}


@shared_task(acks_late=True, **FILE_TASK_LIMITS)
def check_registry_import(upload_id):
    """Read and check an uploaded list too long to preview within the request.

    Queued after commit by the upload page (cooperatives.views.registry_import) for files over
    LARGE_UPLOAD_BYTES; writes only the upload's preview and progress. A rerun gives the same preview.
    """
    registry_import_check(upload_id=upload_id)


@shared_task(acks_late=True, **FILE_TASK_LIMITS)
def commit_registry_import(upload_id):
    """Write a previewed list in one transaction, when staff confirm a large upload.

    Claims the upload with a conditional update, so a duplicate message commits nothing twice.
    """
    registry_import_commit(upload_id=upload_id)


@shared_task(acks_late=True)
def expire_registry_imports():
    """Drop the content of uploads a week old, and end those a dead process left running.

    Run hourly by the beat schedule (settings.CELERY_BEAT_SCHEDULE). Running it twice changes nothing.
    """
    return registry_imports_expire()


@shared_task(acks_late=True)
def end_dead_registry_imports():
    """End the checks and commits whose run stopped giving signs of life (IMPORT_DEAD_AFTER_SECONDS).

    Run every minute by the beat schedule (settings.CELERY_BEAT_SCHEDULE); an upload's page asks
    too when it is read. Running it twice changes nothing.
    """
    return registry_imports_end_dead()


@shared_task(acks_late=True)
def remind_reporting_rounds():
    """E-mail the staff of provinces whose yearly report is not submitted, a week before the
    provinces' deadline (settings.REPORTING_PROVINCE_DEADLINE) and on the day; nothing on other days.

    Run daily at 08:00 by the beat schedule (settings.CELERY_BEAT_SCHEDULE)."""
    return round_reminders_send()


EXPORT_TASK_LIMITS = {
    "soft_time_limit": settings.EXPORT_TASK_SECONDS,
    "time_limit": settings.EXPORT_TASK_SECONDS + 30,
}


@shared_task(acks_late=True, **EXPORT_TASK_LIMITS)
def build_registry_export(export_id):
    """Write a registry export too large for its request (cooperatives.exports).

    Queued after commit by the registry page; claims the export with a conditional update, so a
    duplicate message writes nothing twice.
    """
    registry_export_build(export_id=export_id)


@shared_task(acks_late=True, **EXPORT_TASK_LIMITS)
def build_import_error_report(export_id):
    """Write the error report of a file too large to check again within a request
    (cooperatives.services.registry_import_errors_build), queued by the upload's page."""
    registry_import_errors_build(export_id=export_id)


@shared_task(acks_late=True)
def expire_exports():
    """Delete exports older than EXPORT_KEPT_HOURS; end those a dead process left running.

    Run hourly by the beat schedule (settings.CELERY_BEAT_SCHEDULE). Running it twice changes nothing.
    """
    return exports_expire()
