"""/health/: is this web process able to do its work? For load balancers and monitoring.

Answers 200 when the database and the broker answer, 503 otherwise, with a JSON body a machine
can read. No login (a load balancer has none) and no detail of an error (the body is public;
the log has it). It also counts the targets whose figure could not be computed at the last
recompute (`targets_in_error`; the rest are computed as usual); an admin's session sees which
indicators and why (`indicator_errors`).
"""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from coop_tracker.celery import app as celery_app
from plans.models import Progress, RecomputeSchedule

logger = logging.getLogger(__name__)
BROKER_TIMEOUT_S = 2


@never_cache
@login_not_required
def health(request):
    database = _check("database", _database)
    broker = "eager" if settings.CELERY_TASK_ALWAYS_EAGER else _check("broker", _broker)
    schedule = RecomputeSchedule.current() if database == "ok" else None
    body = {
        "database": database,
        "broker": broker,
        # Any run (after edits, or the nightly run of every target), and the last nightly one.
        "last_recompute": schedule and _iso(_latest(schedule.last_run_at, schedule.last_full_at)),
        "last_full_recompute": schedule and _iso(schedule.last_full_at),
    }
    if database == "ok":
        failed = Progress.objects.failed()
        body["targets_in_error"] = failed.count()
        if body["targets_in_error"] and getattr(request.user, "can_manage_accounts", False):
            body["indicator_errors"] = _indicator_errors(failed)
    healthy = database == "ok" and broker in ("ok", "eager")
    return JsonResponse(body, status=200 if healthy else 503)


def _indicator_errors(failed):
    """Each indicator in error with its reasons and how many of its targets (for admins only)."""
    found = {}
    for code, parts in failed.values_list("target__indicator__code", "explanation").order_by("target__indicator__code"):
        entry = found.setdefault(code, {"indicator": code, "reasons": [], "targets": 0})
        entry["targets"] += 1
        reason = (parts or {}).get("error", "")
        if reason not in entry["reasons"]:
            entry["reasons"].append(reason)
    return list(found.values())


def _check(name, probe):
    try:
        probe()
    except Exception:
        logger.exception("health check: the %s does not answer", name)
        return "error"
    return "ok"


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _broker():
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_S)


def _latest(*moments):
    return max(filter(None, moments), default=None)


def _iso(moment):
    return moment.isoformat() if moment else None
