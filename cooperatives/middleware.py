"""A write refused because its reporting round is locked, said in words wherever it was refused."""

from django.db import DatabaseError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cooperatives.models import LOCKED_SQL_PREFIX, ReportingRound, RoundLocked


def locked_message(error) -> str | None:
    """Why a write was refused, if a locked round refused it: by the models' guard (RoundLocked),
    or by the database's trigger (its message names the round); None for any other error."""
    if isinstance(error, RoundLocked):
        return error.messages[0]
    if not isinstance(error, DatabaseError) or LOCKED_SQL_PREFIX not in str(error):
        return None
    pk = str(error).split(LOCKED_SQL_PREFIX, 1)[1].split()[0]
    try:
        return ReportingRound.objects.select_related("province").get(pk=pk).locked_message()
    except (DatabaseError, ReportingRound.DoesNotExist, ValueError):  # a transaction left aborted
        return _(
            "Kỳ báo cáo năm của tỉnh đã bị khóa: số liệu không sửa được. Cán bộ duyệt cấp quốc gia hoặc "
            "quản trị viên có thể trả lại hoặc mở lại kỳ báo cáo."
        )


class RoundLockedMiddleware:
    """A 409 with the reason, for a write that reached a locked round past the forms' checks: a
    deletion (an organisation's, cascading to its figures), the Django admin's deletions, a
    concurrent submission caught by the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        message = locked_message(exception)
        if message is None:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"non_field_errors": [message]}, status=409)
        return render(request, "cooperatives/round_locked.html", {"message": message}, status=409)
