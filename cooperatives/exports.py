"""Exports of any size: the registry as filtered, in bounded memory, and the background exports.

Up to `settings.EXPORT_INLINE_ROWS` rows, the registry's CSV is streamed in the response and its
.xlsx written row by row into a temporary file (coop_tracker.lib.exports: XlsxWriter's constant
memory), then sent. Above that the response would run for many seconds: an `Export` row is
queued for a Celery worker (`cooperatives.tasks.build_registry_export`), the page shows the
import's progress bar (`/exports/<id>/`), and the file, kept in the database (the only thing web
and worker hosts share) for `EXPORT_KEPT_HOURS`, is downloaded by its owner only, read back in
chunks. Rows are read with `values_list` and a server-side cursor (`iterator`): no model
instance per row, a few thousand rows in memory at a time.

The rows are those of the registry page for the same query string: the same scope
(`accounts.permissions.visible`), the same filter set (`RegistryFilter`, as `FilterView` applies
it), the same rating year and the same sort (the table's own columns).
"""

import datetime
import logging
import tempfile
from collections.abc import Callable, Iterable
from types import SimpleNamespace

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import FileResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from accounts.permissions import visible
from coop_tracker.lib.exports import csv_chunks, strftime_of, xlsx_write
from coop_tracker.lib.tables import LargeTablePaginator
from cooperatives.filters import RegistryFilter
from cooperatives.models import Export, ExportChunk, Organisation, Rating
from cooperatives.tables import OrganisationTable

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK_ROWS = 2000  # rows fetched from the server-side cursor at a time
DOWNLOAD_CHUNK = 1 << 20  # bytes of a stored export read and sent at a time
PROGRESS_EVERY = 5000  # rows between two progress updates of a background export
STALLED = datetime.timedelta(hours=1)  # a running export with no news for that long was left by a dead process
# The registry's columns in the table's order: (column of OrganisationTable, value read).
REGISTRY_COLUMNS = [
    ("name", "name"),
    ("registration_code", "registration_code"),
    ("kind", "kind"),
    ("sector", "sector"),
    ("status", "status"),
    ("commune", "commune__full_name"),
    ("province", "province__full_name"),
    ("founded_on", "founded_on"),
    ("rating_level", "rating_level"),
]


def kept() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.EXPORT_KEPT_HOURS)


# The registry's rows -------------------------------------------------------------------------


def query_dict(params) -> QueryDict:
    """A query string as a QueryDict, from a QueryDict or {name: [values]} (as an Export keeps it)."""
    if isinstance(params, QueryDict):
        return params
    data = QueryDict(mutable=True)
    for name, values in params.items():
        data.setlist(name, values)
    return data


def registry_filterset(params, user) -> RegistryFilter:
    """The registry page's filter set for a query string, in the account's scope."""
    params = query_dict(params)
    request = SimpleNamespace(user=user, GET=params)
    # As FilterView does: no query string is an unbound filter set (every row in scope).
    return RegistryFilter(params or None, queryset=visible(Organisation.objects, user), request=request)


def registry_queryset(params, user):
    """The organisations the registry page lists for `params`, with the level of the rating
    year the page reads (`for_registry`) and in the page's order (the table's `?sort=`)."""
    params = query_dict(params)
    filterset = registry_filterset(params, user)
    # FilterView's strict mode: an invalid filter lists nothing.
    rows = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    rows = rows.for_registry(filterset.chosen_rating_year)
    table = OrganisationTable(rows, order_by=params.get("sort") or None, rating_year=filterset.chosen_rating_year)
    # Ended by the id as the page's paginator ends every order: ties keep one order in both.
    return LargeTablePaginator.ordered(table.data.data)


def registry_header() -> list[str]:
    """The headers of the registry page's columns, in the active language."""
    headers = {column.name: str(column.header) for column in OrganisationTable(Organisation.objects.none()).columns}
    return [headers[name] for name, _path in REGISTRY_COLUMNS]


def registry_rows(queryset) -> Iterable[tuple]:
    """Each organisation as the page shows it (choices in words, places by name), read in chunks
    from a server-side cursor, one tuple per row."""
    kinds = {value: str(label) for value, label in Organisation.Kind.choices}
    sectors = {value: str(label) for value, label in Organisation.Sector.choices}
    statuses = {value: str(label) for value, label in Organisation.Status.choices}
    levels = {value: str(label) for value, label in Rating.Level.choices}
    values = queryset.values_list(*(path for _name, path in REGISTRY_COLUMNS))
    for name, code, kind, sector, status, commune, province, founded, level in values.iterator(chunk_size=CHUNK_ROWS):
        yield (
            name,
            code,
            kinds.get(kind, kind),
            sectors.get(sector, sector),
            statuses.get(status, status),
            commune,
            province,
            founded,
            levels.get(level, "—"),
        )


def registry_file_name(export_format: str) -> str:
    return f"{_('so-dang-ky-htx')}.{export_format}"


def registry_write(target, export_format: str, queryset, *, on_rows=None) -> int:
    """Write the registry's rows to a binary file; returns how many."""
    header, rows = registry_header(), registry_rows(queryset)
    if export_format == "xlsx":
        return xlsx_write(target, _("Sổ đăng ký HTX"), header, rows, on_rows=on_rows, every=PROGRESS_EVERY)
    written = [0]

    def count(done):
        written[0] = done
        if on_rows and done % PROGRESS_EVERY == 0:
            on_rows(done)

    for chunk in csv_chunks(header, rows, on_rows=count, day_format=day_format()):
        target.write(chunk.encode("utf-8"))
    return written[0]


def day_format() -> str:
    return strftime_of(get_format("SHORT_DATE_FORMAT"))


# The page's answer -------------------------------------------------------------------------


def registry_export_response(request, export_format: str):
    """The registry as filtered: streamed when it is small enough, else queued for a worker and
    the export's page (a redirect) with its progress bar."""
    queryset = registry_queryset(request.GET, request.user)
    total = queryset.count()
    if total > settings.EXPORT_INLINE_ROWS:
        from cooperatives import tasks  # the tasks import this module

        return export_queue(
            request,
            tasks.build_registry_export,
            kind=Export.Kind.REGISTRY,
            export_format=export_format,
            params={"query": dict(request.GET.lists())},
            file_name=registry_file_name(export_format),
            rows_total=total,
        )
    name = registry_file_name(export_format)
    if export_format == "csv":
        chunks = csv_chunks(registry_header(), registry_rows(queryset), day_format=day_format())
        response = StreamingHttpResponse((chunk.encode("utf-8") for chunk in chunks), content_type=CONTENT_TYPES["csv"])
    else:
        spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
        registry_write(spool, "xlsx", queryset)
        spool.seek(0)
        response = FileResponse(spool, content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Background exports ---------------------------------------------------------------------------


def export_queue(request, task, *, kind, params, file_name, rows_total, export_format="xlsx"):
    """An export for the account to download once `task` (a Celery task taking its id, queued
    after commit) has written it, in the language it was asked in; the redirect to its page."""
    export = Export.objects.create(
        created_by=request.user,
        kind=kind,
        format=export_format,
        params={**params, "language": translation.get_language()},
        file_name=file_name,
        rows_total=rows_total,
    )
    task.delay_on_commit(export.pk)
    return redirect(export)


class ExportRefused(Exception):
    """What `write` raises when there is nothing to write; its message, in the user's language,
    is the export's."""


def export_run(export_id: int, write: Callable) -> Export | None:
    """Write export `export_id` with `write(export, file, on_rows) -> rows written`, in the
    language it was asked in, and store the file. A duplicate message (the export no longer
    queued) does nothing. A failure ends it "failed" with a message for its page."""
    claimed = Export.objects.filter(pk=export_id, status=Export.Status.QUEUED).update(
        status=Export.Status.RUNNING, rows_done=0, updated_at=timezone.now()
    )
    if not claimed:
        return None
    export = Export.objects.select_related("created_by").get(pk=export_id)

    def progress(done):
        Export.objects.filter(pk=export_id).update(rows_done=done, updated_at=timezone.now())

    try:
        language = export.params.get("language") or settings.LANGUAGE_CODE
        with translation.override(language), tempfile.TemporaryFile() as spool:
            rows = write(export, spool, progress)
            size = spool.tell()
            spool.seek(0)
            with transaction.atomic():
                ExportChunk.objects.filter(export_id=export_id).delete()
                for number, data in enumerate(iter(lambda: spool.read(DOWNLOAD_CHUNK), b"")):
                    ExportChunk.objects.create(export_id=export_id, number=number, data=data)
                Export.objects.filter(pk=export_id).update(
                    status=Export.Status.DONE, size=size, rows_done=rows, rows_total=rows, updated_at=timezone.now()
                )
    except SoftTimeLimitExceeded:
        _fail(export_id, _("Xuất tệp quá thời gian cho phép. Hãy lọc bớt rồi xuất lại."))
    except ExportRefused as refused:
        _fail(export_id, str(refused))
    except Exception:
        logger.exception("Export %s failed.", export_id)
        _fail(export_id, _("Xuất tệp không thành công. Hãy thử lại; nếu vẫn lỗi, hãy báo quản trị."))
    return Export.objects.get(pk=export_id)


def _fail(export_id, message):
    ExportChunk.objects.filter(export_id=export_id).delete()
    Export.objects.filter(pk=export_id).update(
        status=Export.Status.FAILED, message=message, size=0, updated_at=timezone.now()
    )


def registry_export_build(*, export_id: int) -> Export | None:
    """The worker's side of a large registry export: the rows the page listed for its query
    string, in the owner's scope as it is now."""

    def write(export, spool, on_rows):
        queryset = registry_queryset(export.params.get("query", {}), export.created_by)
        return registry_write(spool, export.format, queryset, on_rows=on_rows)

    return export_run(export_id, write)


def fresh_exports():
    """Exports still kept (younger than EXPORT_KEPT_HOURS): an older one is gone, even before the
    hourly clean-up deletes it. Read on the primary: the page that follows an export's creation
    (a GET, which a replica would not have seen yet) and its progress are read there."""
    return Export.objects.using(DEFAULT_DB_ALIAS).filter(created_at__gte=timezone.now() - kept())


def export_chunks(export) -> Iterable[bytes]:
    """A stored export's bytes, read from the database a chunk (DOWNLOAD_CHUNK) at a time."""
    chunks = ExportChunk.objects.using(DEFAULT_DB_ALIAS).filter(export_id=export.pk)
    for number in chunks.order_by("number").values_list("number", flat=True):
        data = chunks.filter(number=number).values_list("data", flat=True).first()
        if data is None:  # deleted meanwhile
            return
        yield bytes(data)


def exports_expire(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Exports older than EXPORT_KEPT_HOURS are deleted; one left running by a process that died
    (no progress for an hour) ends "failed". Returns how many of each."""
    now = now or timezone.now()
    _rows, by_model = Export.objects.filter(created_at__lt=now - kept()).delete()  # with their chunks
    deleted = by_model.get(Export._meta.label, 0)
    stopped = Export.objects.filter(status__in=Export.RUNNING, updated_at__lt=now - STALLED).update(
        status=Export.Status.FAILED,
        message=_("Tiến trình xuất tệp đã dừng giữa chừng. Hãy xuất lại."),
        updated_at=now,
    )
    return {"deleted": deleted, "stopped": stopped}
