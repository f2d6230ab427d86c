"""The import service: a file is written whole or not at all, and an upload never stays running after a failure."""

import functools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from cooperatives import importing
from cooperatives.models import Organisation, RegistryImport, YearlyFigures
from cooperatives.services import registry_import, registry_import_check, registry_import_commit
from tests.factories import OrganisationFactory, YearlyFiguresFactory, commune, logged_in, province, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["Mã số đăng ký", "Tên tổ chức", "Loại hình", "Lĩnh vực", "Mã xã/phường", "Ngày thành lập", "Năm"]


def run(rows, commit=True):
    return registry_import(data=xlsx_bytes(rows), file_name="x.xlsx", province=province("24"), commit=commit)


def new_row(code, place, *figures):
    return [code, f"HTX {code}", "HTX", "NN", place.code, "01/01/2020", 2024, *figures]


def test_a_yearly_income_beyond_the_column_is_an_error_in_the_preview_and_nothing_is_written():
    place = commune("24")
    report = run([[*HEADER, "Thu nhập bình quân (triệu đồng/người/năm)"], new_row("2409900003", place, "120.000.000")])
    assert [(error.row, error.column[0]) for error in report.errors] == [(2, "H")]
    assert not report.committed
    assert not Organisation.objects.filter(registration_code="2409900003").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the rows go by COPY on PostgreSQL only")
def test_a_value_the_database_refuses_in_the_copy_is_a_clear_message_and_nothing_is_written(monkeypatch):
    # Past the parser's check (as a rule it missed would be): PostgreSQL refuses the number in the COPY.
    monkeypatch.setitem(importing.PARSERS, "revenue", functools.partial(importing.parse_money, digits=30))
    place, figures = commune("24"), YearlyFigures.objects.count()
    report = run([[*HEADER, "Doanh thu (đồng)"], new_row("2409900006", place, "10.000.000.000.000.000.000")])
    assert not report.committed
    assert "Cơ sở dữ liệu từ chối" in report.errors[0].message
    assert not Organisation.objects.filter(registration_code="2409900006").exists()
    assert YearlyFigures.objects.count() == figures


def uploaded(rows, status=RegistryImport.Status.CHECKING) -> RegistryImport:
    user = User.objects.get(username="canbo.bacninh")
    return RegistryImport.objects.create(
        created_by=user, province=province("24"), file_name="x.xlsx", content=xlsx_bytes(rows), status=status
    )


def crash(*args, **kwargs):
    raise RuntimeError("a bug, or the worker losing the database")


@pytest.mark.parametrize(
    ("step", "broken", "before", "after"),
    [
        (registry_import_check, "cooperatives.importing.plan", "checking", "invalid"),
        (registry_import_commit, "cooperatives.services._plan_write", "checked", "failed"),
    ],
)
def test_an_upload_that_crashes_is_not_left_running_and_says_so(client, monkeypatch, step, broken, before, after):
    place = commune("24")
    upload = uploaded([HEADER, new_row("2409900005", place)], status=before)
    monkeypatch.setattr(broken, crash)
    with pytest.raises(RuntimeError):
        step(upload_id=upload.pk)
    upload.refresh_from_db()
    assert (upload.status, upload.error_count) == (after, 1)
    assert "chưa lưu gì" in upload.errors[0][2]
    assert not Organisation.objects.filter(registration_code="2409900005").exists()
    page = logged_in(client, "canbo.bacninh").get(upload.get_absolute_url()).content.decode()
    assert 'id="import-progress"' not in page and "chưa lưu gì" in page


@pytest.mark.parametrize(("stored", "written"), [("101234567", "101234567"), ("2400123456-cn1", "2400123456-CN1")])
def test_an_organisation_stored_with_its_code_as_typed_is_matched_not_duplicated(stored, written):
    # The organisation form keeps a code as typed; the import pads a 9-digit code and upper-cases.
    place = commune("24")
    existing = OrganisationFactory(registration_code=stored, commune=place, name="HTX cũ")
    report = run([HEADER[:6], [written, "HTX cũ đổi tên", "HTX", "NN", place.code, "01/01/2020"]])
    assert report.committed
    assert report.counts["organisations"] == {"create": 0, "update": 1, "unchanged": 0}
    existing.refresh_from_db()
    assert existing.name == "HTX cũ đổi tên"
    assert not Organisation.objects.filter(name__startswith="HTX cũ").exclude(pk=existing.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks")
def test_a_commit_locks_the_rows_it_will_write_so_a_concurrent_edit_is_not_overwritten():
    place = commune("24")
    existing = OrganisationFactory(registration_code="2409900007", commune=place)
    YearlyFiguresFactory(organisation=existing, year=2024)
    rows = [[*HEADER, "Số thành viên"], [existing.registration_code, "HTX mới tên", *new_row("", place, 12)[2:]]]
    with CaptureQueriesContext(connection) as preview:
        run(rows, commit=False)
    with CaptureQueriesContext(connection) as commit:
        assert run(rows).committed
    locked = [query["sql"] for query in commit.captured_queries if "FOR UPDATE" in query["sql"]]
    tables = ("organisation", "yearlyfigures", "rating")
    assert [table for table in tables if any(f'FROM "cooperatives_{table}"' in sql for sql in locked)] == [
        "organisation",
        "yearlyfigures",
        "rating",
    ]
    assert not any("FOR UPDATE" in query["sql"] for query in preview.captured_queries)  # a preview waits for no one


def test_key_officers_and_a_status_with_its_date_are_imported_and_more_trained_than_officers_is_an_error():
    place = commune("24")
    header = [*HEADER, "Số cán bộ chủ chốt", "Số cán bộ chủ chốt đã được tập huấn", "Tình trạng", "Tình trạng từ ngày"]
    report = run(
        [
            header,
            new_row("2409900011", place, 5, 3, "Tạm ngừng", "01/06/2024"),
            new_row("2409900012", place, 2, 4, "Đang hoạt động", ""),
        ]
    )
    assert [(error.row, error.column[0]) for error in report.errors] == [(3, "I")]
    assert not report.committed
    report = run([header, new_row("2409900011", place, 5, 3, "Tạm ngừng", "01/06/2024")])
    assert report.committed
    organisation = Organisation.objects.get(registration_code="2409900011")
    assert (organisation.status, organisation.status_since.isoformat()) == ("suspended", "2024-06-01")
    figures = organisation.yearly_figures.get(year=2024)
    assert (figures.key_officers, figures.key_officers_trained) == (5, 3)
