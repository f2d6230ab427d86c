"""A log line for every request to the API: who (the account and the token's prefix), what, the
answer and how long it took; JSON in production (coop_tracker.logs). gunicorn's access line does
not know the account, which django REST framework sets on the request only in the view."""

import logging
import time

logger = logging.getLogger("api")


class ApiRequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith("/api/"):
            return self.get_response(request)
        started = time.monotonic()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        known = user is not None and user.is_authenticated
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "query": request.META.get("QUERY_STRING", ""),
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "account": user.username if known else None,
                "account_id": user.pk if known else None,
                "token": getattr(getattr(request, "auth", None), "prefix", None),
                "remote": request.META.get("REMOTE_ADDR"),
            },
        )
        return response
