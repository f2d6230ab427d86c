"""The mapping step of the web import, and the choice after the preview: a provincial list as
Phú Thọ keeps it (title rows, a column-numbering row, the commune in an address column, the year
in the headers, a column the importer does not know, totals and a signature), built here."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from cooperatives import tasks
from cooperatives.importing import mappable_fields
from cooperatives.models import ImportMapping, Organisation, RegistryImport, YearlyFigures
from tests.factories import columns_seen, logged_in, province, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Mã số thuế", "Tên HTX", "Loại hình", "Lĩnh vực hoạt động", "Địa chỉ (xã, phường)",
          "Năm thành lập", "Số thành viên năm 2025", "Doanh thu năm 2025 (triệu đồng)", "Vốn góp (triệu đồng)",
          "Xếp loại năm 2025"]  # fmt: skip
VALID = [
    [1, 2509910001, "HTX Nông nghiệp Thanh Thủy", "HTX", "Nông nghiệp tổng hợp", "Xã Thanh Thủy, tỉnh Phú Thọ",
     2015, 35, "1.250,5", 500, "Khá"],
    [2, 2509910002, "HTX Chè Kim Bôi", "HTX", "Trồng trọt", "Thôn Đồng Bến, xã Kim Bôi, huyện Kim Bôi",
     "2019", 12, 800, "1.200", "Tốt"],
    [3, 2509910003, "HTX Mây tre đan", "HTX", "Công nghiệp - TTCN", "Số 12 Cù Chính Lan - Phường Tân Hòa",
     "05/03/2021", 9, 320, 150, "TB"],
    [4, 2509910004, "HTX Dịch vụ Hòa Bình", "HTX", "Dịch vụ tổng hợp", "P. Hòa Bình, TP Hòa Bình",
     "Năm 2018", 40, 2100, 3000, "Yếu"],
]  # fmt: skip
# Planted: a sector that is none (row 10), a count that is no number (row 11).
MISTAKES = [
    [5, 2509910005, "HTX Bay Lượn", "HTX", "Hàng không", "Xã Thanh Thủy", 2016, 8, 100, 50, "Khá"],
    [6, 2509910006, "HTX Đếm Sai", "HTX", "Chăn nuôi", "Xã Kim Bôi", 2016, "tám", 100, 50, "Khá"],
]
CAPITAL = "J"  # "Vốn góp (triệu đồng)": no header the importer knows; staff read it as the charter capital


def provincial_list(rows, header=HEADER, title="DANH SÁCH HỢP TÁC XÃ TỈNH PHÚ THỌ", build=xlsx_bytes):
    top = [["UBND TỈNH PHÚ THỌ"], [title], [], header, [f"({n})" for n in range(1, len(header) + 1)]]
    footer = [[], ["", "Tổng cộng", "", "", "", "", "", "", "4.470"], [], ["", "", "Người lập biểu"]]
    return build(top + rows + footer)


def upload(client, data, name="phu-tho-2025.xlsx"):
    return client.post(reverse("registry_import"), {"file": SimpleUploadedFile(name, data)})


def latest():
    return RegistryImport.objects.order_by("-pk")[0]


def confirm(client, upload, **changes):
    return columns_seen(client, upload, **changes)


def test_an_upload_goes_to_the_mapping_step_with_each_column_its_values_and_the_proposals(client):
    staff = logged_in(client, "canbo.phutho")
    response = upload(staff, provincial_list(VALID))
    created = latest()
    assert response["Location"] == reverse("registry_import_mapping", args=[created.pk])
    assert staff.get(created.get_absolute_url())["Location"] == response["Location"]  # the preview waits
    page = staff.get(response["Location"])
    rows = {row["letter"]: row for row in page.context["rows"]}
    assert rows["F"]["header"] == "Địa chỉ (xã, phường)" and rows["F"]["field"] == "address"
    assert rows["F"]["samples"] == [
        "Xã Thanh Thủy, tỉnh Phú Thọ",
        "Thôn Đồng Bến, xã Kim Bôi, huyện Kim Bôi",
        "Số 12 Cù Chính Lan - Phường Tân Hòa",
    ]  # the "(6)" of the numbering row is no value
    assert (rows["I"]["field"], rows["I"]["year"]) == ("revenue", 2025)
    assert rows["H"]["samples"] == ["35", "12", "9"] and rows["A"]["samples"] == ["1", "2", "3"]
    assert rows[CAPITAL]["proposed"] == "" and rows[CAPITAL]["proposed_label"] == "Không nhập"
    html = page.content.decode()
    assert 'id="cot-J"' in html and "Năm của số liệu: 2025, theo tiêu đề các cột." in html
    assert not Organisation.objects.filter(registration_code__startswith="250991").exists()


def test_a_column_read_otherwise_is_checked_again_imported_and_remembered_for_the_same_headers(client):
    staff = logged_in(client, "canbo.phutho")
    upload(staff, provincial_list(VALID))
    created = latest()
    assert created.status == "checked"
    response = confirm(staff, created, **{CAPITAL: "charter_capital"})
    assert response["Location"] == created.get_absolute_url()
    created.refresh_from_db()
    assert created.mapping == {"von gop trieu dong": "charter_capital"} and created.status == "checked"
    assert "Xác nhận nhập" in staff.get(created.get_absolute_url()).content.decode()
    staff.post(reverse("registry_import_commit", args=[created.pk]))
    created.refresh_from_db()
    assert created.status == "committed"
    figures = YearlyFigures.objects.get(organisation__registration_code="2509910002")
    assert (figures.year, figures.charter_capital, figures.revenue) == (2025, Decimal(1_200_000_000), 800_000_000)

    # Next year's list: the same columns, the year 2026 in the headers; proposed as chosen last time.
    next_year = [header.replace("2025", "2026") for header in HEADER]
    rows = [[*row[:9], 900, row[10]] for row in VALID[:2]]
    upload(staff, provincial_list(rows, header=next_year))
    second = latest()
    assert second.mapping == {"von gop trieu dong": "charter_capital"}
    page = staff.get(reverse("registry_import_mapping", args=[second.pk]))
    assert {row["letter"]: row["field"] for row in page.context["rows"]}[CAPITAL] == "charter_capital"
    assert "theo lần nhập trước của tỉnh" in page.content.decode()
    assert ImportMapping.objects.get(province=province("25")).updated_by.username == "canbo.phutho"
    # Another province's file with the same headers is proposed afresh.
    admin = logged_in(client, "admin")
    admin.post(
        reverse("registry_import"),
        {"file": SimpleUploadedFile("bn.xlsx", provincial_list(rows, header=next_year)), "province": province("24").pk},
    )
    assert latest().mapping == {}


def test_a_list_that_names_no_year_asks_for_it_on_the_mapping_page(client):
    staff = logged_in(client, "canbo.phutho")
    header = [h.replace(" năm 2025", "") for h in HEADER]
    upload(staff, provincial_list(VALID[:2], header=header, title="DANH SÁCH HỢP TÁC XÃ"))
    created = latest()
    assert created.status == "invalid" and "Thiếu năm của số liệu" in created.errors[0][2]
    page = staff.get(reverse("registry_import_mapping", args=[created.pk])).content.decode()
    assert 'name="year"' in page and "Tệp không ghi năm" in page
    refused = confirm(staff, created)
    assert refused.status_code == 200 and "hãy chọn năm" in refused.content.decode()
    confirm(staff, created, year=2024)
    created.refresh_from_db()
    assert (created.status, created.year) == ("checked", 2024)
    staff.post(reverse("registry_import_commit", args=[created.pk]))
    assert YearlyFigures.objects.get(organisation__registration_code="2509910001").year == 2024


def test_the_mapping_must_read_a_code_and_each_field_from_one_column(client):
    staff = logged_in(client, "canbo.phutho")
    upload(staff, provincial_list(VALID))
    created = latest()
    twice = confirm(staff, created, C="address")
    assert twice.status_code == 200
    assert "Cột C cũng đã chọn là “Địa chỉ" in twice.content.decode()
    no_code = confirm(staff, created, B="-")
    assert "Cần một cột “Mã số đăng ký”" in no_code.content.decode()
    created.refresh_from_db()
    assert created.mapping == {} and not created.mapping_confirmed


def test_an_error_on_many_rows_links_to_the_column_and_reading_it_otherwise_clears_it(client):
    staff = logged_in(client, "canbo.phutho")
    header = [*HEADER[:5], "Xã", *HEADER[5:]]  # the hamlet, not the commune; the address has the commune
    rows = [[*row[:5], f"Thôn {n}", *row[5:]] for n, row in enumerate(VALID * 2, start=1)]
    rows = [[*row[:1], row[1] + 10 * (n // 4), *row[2:]] for n, row in enumerate(rows)]
    upload(staff, provincial_list(rows, header=header))
    created = latest()
    assert created.status == "invalid" and created.error_count == 1
    assert created.errors[0][1] == "F (Xã)" and "8 dòng: 6–13" in created.errors[0][2]
    confirm(staff, created)  # seen, not changed: the preview
    page = staff.get(created.get_absolute_url()).content.decode()
    link = reverse("registry_import_mapping", args=[created.pk]) + "#cot-F"
    assert f'href="{link}"' in page and "xem cách đọc cột F" in page
    confirm(staff, created, F="-")
    created.refresh_from_db()
    assert created.status == "checked", created.errors
    assert created.counts["organisations"]["create"] == 8


def test_communes_in_a_column_it_does_not_know_are_one_error_a_click_from_the_column_that_holds_them(client):
    staff = logged_in(client, "canbo.phutho")
    header = [*HEADER[:5], "Địa bàn", *HEADER[6:]]  # no header it knows for the commune
    rows = [[*row[:1], row[1] + 10 * n, *row[2:]] for n, row in enumerate(VALID * 2)]
    upload(staff, provincial_list(rows, header=header))
    created = latest()
    confirm(staff, created)
    created.refresh_from_db()
    assert [error[:2] for error in created.errors] == [[6, "Mã xã/phường"]] and "8 dòng: 6–13" in created.errors[0][2]
    page = staff.get(created.get_absolute_url()).content.decode()
    mapping = reverse("registry_import_mapping", args=[created.pk])
    assert f'<a href="{mapping}">xem cách đọc các cột</a>' in page
    confirm(staff, created, F="address")
    created.refresh_from_db()
    assert created.status == "checked" and created.mapping == {"dia ban": "address"}


def test_after_the_preview_staff_import_the_valid_rows_only_and_the_others_stay_listed(client):
    staff = logged_in(client, "canbo.phutho")
    upload(staff, provincial_list(VALID + MISTAKES))
    created = latest()
    confirm(staff, created)
    created.refresh_from_db()
    assert created.status == "invalid" and created.can_import_valid_rows
    assert [(error[0], error[1][0]) for error in created.errors] == [(10, "E"), (11, "H")]
    page = staff.get(created.get_absolute_url()).content.decode()
    assert "Nhập 4 dòng hợp lệ" in page and "Không nhập gì" in page and "Xác nhận nhập" not in page
    assert created.reading["valid_counts"]["organisations"]["create"] == 4
    assert not Organisation.objects.filter(registration_code__startswith="250991").exists()  # not before the choice

    staff.post(reverse("registry_import_commit", args=[created.pk]))  # no choice made: all or nothing
    assert not Organisation.objects.filter(registration_code__startswith="250991").exists()
    staff.post(reverse("registry_import_commit", args=[created.pk]), {"rows": "valid"})
    created.refresh_from_db()
    assert created.status == "committed" and created.valid_rows_only
    landed = Organisation.objects.filter(registration_code__startswith="250991").values_list("registration_code")
    assert {code for (code,) in landed} == {str(row[1]) for row in VALID}
    page = staff.get(created.get_absolute_url()).content.decode()
    assert "2 dòng có lỗi không được nhập" in page and "Hàng không" in page
    assert bytes(RegistryImport.objects.get(pk=created.pk).content)  # kept for the error report
    assert staff.post(reverse("registry_import_commit", args=[created.pk]), {"rows": "valid"}).status_code == 302
    assert Organisation.objects.filter(registration_code__startswith="250991").count() == 4  # once


def test_staff_may_import_nothing(client):
    staff = logged_in(client, "canbo.phutho")
    upload(staff, provincial_list(VALID + MISTAKES))
    created = latest()
    confirm(staff, created)
    staff.post(reverse("registry_import_cancel", args=[created.pk]))
    created.refresh_from_db()
    assert created.status == "cancelled" and not bytes(created.content)
    assert "Đã huỷ: không lưu gì." in staff.get(created.get_absolute_url()).content.decode()
    staff.post(reverse("registry_import_commit", args=[created.pk]), {"rows": "valid"})
    assert not Organisation.objects.filter(registration_code__startswith="250991").exists()


def test_nothing_is_imported_before_the_columns_are_seen(client):
    staff = logged_in(client, "canbo.phutho")
    upload(staff, provincial_list(VALID))
    created = latest()
    response = staff.post(reverse("registry_import_commit", args=[created.pk]))
    assert response["Location"] == reverse("registry_import_mapping", args=[created.pk])
    assert not Organisation.objects.filter(registration_code__startswith="250991").exists()


def test_the_valid_rows_of_an_account_moved_meanwhile_are_not_imported(client):
    staff = logged_in(client, "canbo.phutho")
    upload(staff, provincial_list(VALID + MISTAKES))
    created = latest()
    confirm(staff, created)
    User.objects.filter(username="canbo.phutho").update(province=province("24"))
    assert staff.get(reverse("registry_import_mapping", args=[created.pk])).status_code == 404
    assert staff.post(reverse("registry_import_commit", args=[created.pk]), {"rows": "valid"}).status_code == 404
    RegistryImport.objects.filter(pk=created.pk).update(status="queued", valid_rows_only=True)  # queued before
    tasks.commit_registry_import(created.pk)
    created.refresh_from_db()
    assert created.status == "failed" and "không còn quyền nhập vào Tỉnh Phú Thọ" in created.errors[0][2]
    assert not Organisation.objects.filter(registration_code__startswith="250991").exists()


def test_leaders_get_a_403_on_the_mapping_step():
    from django.test import Client

    leader = logged_in(Client(), "lanhdao.bacninh")
    created = RegistryImport.objects.create(
        created_by=User.objects.get(username="canbo.bacninh"), province=province("24"), file_name="a.xlsx"
    )
    for name in ("registry_import_mapping", "registry_import_errors"):
        assert leader.get(reverse(name, args=[created.pk])).status_code == 403
    assert leader.post(reverse("registry_import_cancel", args=[created.pk])).status_code == 403


def test_a_founding_year_alone_is_read_through_the_mapping_step(client):
    staff = logged_in(client, "canbo.phutho")
    upload(staff, provincial_list(VALID[:1]))
    confirm(staff, latest())
    staff.post(reverse("registry_import_commit", args=[latest().pk]))
    first = Organisation.objects.get(registration_code="2509910001")
    assert (first.founded_on, first.founded_year_only) == (datetime.date(2015, 1, 1), True)


def test_random_posts_to_the_mapping_step_get_an_answer_and_leave_a_consistent_mapping(client):
    from hypothesis import given
    from hypothesis import strategies as st

    from tests.test_fuzz import FUZZ, values

    staff = logged_in(client, "canbo.phutho")
    upload(staff, provincial_list(VALID[:2]))
    created = latest()
    url = reverse("registry_import_mapping", args=[created.pk])
    keys = [f"col_{n}" for n in range(12)] + ["year"]
    fields = st.sampled_from(["-", "registration_code", "name", "address", "revenue", "year", "level", "row_number"])

    @FUZZ
    @given(form=st.dictionaries(st.sampled_from(keys), st.one_of(values, fields), max_size=len(keys)))
    def check(form):
        response = staff.post(url, form)
        assert response.status_code in (200, 302)
        created.refresh_from_db()
        assert set(created.mapping.values()) <= {"", *mappable_fields()}
        assert created.status in ("checked", "invalid")

    check()


def test_the_mapping_step_and_the_choice_read_in_english(client):
    staff = logged_in(client, "canbo.phutho")
    staff.post(reverse("set_language"), {"language": "en", "next": "/"})
    upload(staff, provincial_list(VALID + MISTAKES))
    created = latest()
    page = staff.get(reverse("registry_import_mapping", args=[created.pk])).content.decode()
    assert "How the columns are read" in page and "Year of the figures: 2025, from the column headers." in page
    assert ">Charter capital</option>" in page and ">Not imported</option>" in page
    confirm(staff, created)
    page = staff.get(created.get_absolute_url()).content.decode()
    assert "Import 4 valid rows" in page and "Import nothing" in page and "Download the error report" in page
