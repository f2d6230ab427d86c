"""Reads of pages on a read-only replica, everything else on the primary (README, "Several hosts").

With DATABASE_REPLICA_URL set, settings add a "replica" database, `ReplicaRouter` and
`ReplicaMiddleware`. Only one kind of work reads from the replica: a GET or HEAD request of a
browser that has not written anything in the last REPLICA_PIN_SECONDS. Everything else reads
from the primary, so it always sees its own writes:
- a POST (a form, an import, a login) and the pages it redirects to: the response sets a short
  cookie that pins the browser to the primary while the replica catches up;
- code inside a transaction on the primary (a save reading back what it wrote);
- Celery tasks (the recompute), management commands and the shell: there is no request, and the
  default is the primary.
Writes always go to the primary; migrations run there only.
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PIN_COOKIE = "read_primary"
_reads = ContextVar("database_for_reads", default="default")


def _in_transaction(connection) -> bool:
    """Inside a transaction the code opened on the primary (a test case's own does not count)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db  # a related row follows the row it is read from
        if _reads.get() == REPLICA and not _in_transaction(connections["default"]):
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaMiddleware:
    """Safe requests of browsers that wrote nothing lately read from the replica."""

    SAFE = ("GET", "HEAD", "OPTIONS")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        replica = request.method in self.SAFE and PIN_COOKIE not in request.COOKIES
        token = _reads.set(REPLICA if replica else "default")
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        if request.method not in self.SAFE:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
