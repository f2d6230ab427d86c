"""Staff import a list into their province: preview, confirm, all or nothing; others are refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from cooperatives import tasks
from cooperatives.models import Organisation, Rating, RegistryImport, YearlyFigures
from plans.models import PendingRecompute, RecomputeSchedule
from plans.signals import queue_recompute
from tests.factories import (
    OrganisationFactory,
    YearlyFiguresFactory,
    columns_seen,
    commune,
    logged_in,
    province,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

HEADER = ["Mã số đăng ký", "Tên tổ chức", "Loại hình", "Lĩnh vực", "Mã xã/phường", "Ngày thành lập", "Năm"]
HEADER += ["Số thành viên", "Doanh thu (đồng)", "Điểm thẩm định", "Xếp loại"]


def row(code, place, **changes):
    values = {
        "code": code,
        "name": f"HTX Nhập Thử {code}",
        "kind": "HTX",
        "sector": "Nông nghiệp",
        "commune": place.code,
        "founded": "05/03/2021",
        "year": 2024,
        "members": "1.200",
        "revenue": "2.500.000.000",
        "score": "72,5",
        "level": "Khá",
    }
    return list({**values, **changes}.values())


def upload(client, rows, name="danh-sach.xlsx", **data):
    file = SimpleUploadedFile(name, xlsx_bytes([["DANH SÁCH HTX TỈNH"], [], HEADER, *rows]))
    return client.post(reverse("registry_import"), {"file": file, **data})


def test_staff_preview_then_confirm_and_rows_are_matched_by_code(client, django_capture_on_commit_callbacks):
    staff = logged_in(client, "canbo.bacninh")
    place = commune("24")
    existing = OrganisationFactory(commune=place, registration_code="2400000777", name="HTX Cũ")
    YearlyFiguresFactory(organisation=existing, year=2024, members=1200, revenue=2_500_000_000)
    response = upload(staff, [row("2409990001", place), row("2400000777", place, name="HTX Cũ Đổi Tên")])
    created = RegistryImport.objects.get()
    assert response["Location"] == reverse("registry_import_mapping", args=[created.pk])  # the columns first
    assert created.status == "checked"
    assert columns_seen(staff, created)["Location"] == created.get_absolute_url()
    assert created.counts["organisations"] == {"create": 1, "update": 1, "unchanged": 0}
    assert created.counts["figures"] == {"create": 1, "update": 0, "unchanged": 1}
    assert not Organisation.objects.filter(registration_code="2409990001").exists()  # a preview writes nothing
    page = staff.get(created.get_absolute_url()).content.decode()
    assert "Xác nhận nhập" in page and "HTX Nhập Thử 2409990001" in page

    RecomputeSchedule.objects.update(queued_at=None)  # the factories above claimed it
    with django_capture_on_commit_callbacks(execute=False) as queued:
        staff.post(reverse("registry_import_commit", args=[created.pk]))
    created.refresh_from_db()
    assert created.status == "committed"
    new = Organisation.objects.get(registration_code="2409990001")
    assert (new.province_id, new.commune_id, new.kind) == (province("24").pk, place.pk, "htx")
    assert YearlyFigures.objects.get(organisation=new, year=2024).revenue == 2_500_000_000
    rating = Rating.objects.get(organisation=new, year=2024)
    assert (rating.verified_score, rating.level) == (72.5, "fair")
    assert Organisation.objects.filter(registration_code="2400000777").get().name == "HTX Cũ Đổi Tên"
    assert new.history.get().history_user.username == "canbo.bacninh"
    sources = set(PendingRecompute.objects.filter(area=place).values_list("source", flat=True))
    assert sources == {"organisations", "figures", "ratings"}
    assert [callback for callback in queued if callback is queue_recompute] == [queue_recompute]  # one for all

    again = upload(staff, [row("2409990001", place), row("2400000777", place, name="HTX Cũ Đổi Tên")])
    second = RegistryImport.objects.get(pk=again["Location"].rstrip("/").split("/")[-2])
    assert second.counts["organisations"] == {"create": 0, "update": 0, "unchanged": 2}
    assert Organisation.objects.filter(registration_code="2409990001").count() == 1


def test_a_file_with_errors_shows_them_by_row_and_column_and_cannot_be_committed(client):
    staff = logged_in(client, "canbo.bacninh")
    place = commune("24")
    upload(
        staff,
        [row("2409990001", place), row("2409990002", place, founded="31/02/2021", level="Tốt"), row("", place)],
    )
    created = RegistryImport.objects.get()
    assert created.status == "invalid"
    assert [error[:2] for error in created.errors] == [
        [5, "F (Ngày thành lập)"],
        [5, "K (Xếp loại)"],
        [6, "A (Mã số đăng ký)"],
    ]
    assert "không khớp với điểm 72,5" in created.errors[1][2]
    columns_seen(staff, created)
    page = staff.get(created.get_absolute_url()).content.decode()
    assert "Có 3 lỗi: chưa lưu gì" in page and "Xác nhận nhập" not in page and "Sẽ nhập" not in page
    staff.post(reverse("registry_import_commit", args=[created.pk]))
    assert not Organisation.objects.filter(registration_code__startswith="240999000").exists()


def test_a_commune_of_another_province_is_an_error_for_staff(client):
    staff = logged_in(client, "canbo.phutho")
    upload(staff, [row("2509990001", commune("25")), row("2509990002", commune("24"))])
    created = RegistryImport.objects.get()
    assert created.province.code == "25"
    assert created.status == "invalid" and created.error_count == 1
    assert created.errors[0][:2] == [5, "E (Mã xã/phường)"] and "không thuộc Tỉnh Phú Thọ" in created.errors[0][2]


def test_another_provinces_organisation_cannot_be_overwritten_through_its_code(client):
    other = OrganisationFactory(commune=commune("24"), registration_code="2400000999")
    staff = logged_in(client, "canbo.phutho")
    upload(staff, [row("2400000999", commune("25"), name="Chiếm Mã")])
    created = RegistryImport.objects.get()
    assert created.status == "invalid" and "tỉnh khác" in created.errors[0][2]
    assert other.name not in created.errors[0][2] and "Bắc Ninh" not in created.errors[0][2]  # which one stays unsaid
    other.refresh_from_db()
    assert other.province.code == "24" and other.name != "Chiếm Mã"


def test_an_admin_picks_the_province(client):
    admin = logged_in(client, "admin")
    upload(admin, [row("2509990001", commune("25"))], province=province("25").pk)
    assert RegistryImport.objects.get().status == "checked"
    assert RegistryImport.objects.get().province.code == "25"
    assert "province" in admin.get(reverse("registry_import")).context["form"].fields


def test_leaders_get_a_403_on_every_import_page(client):
    leader = logged_in(client, "lanhdao")
    assert leader.get(reverse("registry_import")).status_code == 403
    assert upload(leader, [row("2409990001", commune("24"))]).status_code == 403
    assert leader.get(reverse("registry_import_template")).status_code == 403
    assert not RegistryImport.objects.exists()


def test_another_accounts_import_is_a_404(client):
    upload(logged_in(client, "canbo.bacninh"), [row("2409990001", commune("24"))])
    created = RegistryImport.objects.get()
    other = logged_in(client, "canbo.phutho")
    for name in ("registry_import_detail", "registry_import_status"):
        assert other.get(reverse(name, args=[created.pk])).status_code == 404
    assert other.post(reverse("registry_import_commit", args=[created.pk])).status_code == 404
    created.refresh_from_db()
    assert created.status == "checked"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.4\x00\x00 not a sheet", "bao-cao.xlsx", "không phải bảng tính"),
        (xlsx_bytes([HEADER])[:-200], "hong.xlsx", "Tệp Excel bị hỏng"),
        (b"M\xe3 s\xf4\x81\x8d;x\r\n", "sai-ma.csv", "bảng mã"),
    ],
)
def test_bad_files_get_a_vietnamese_message_and_nothing_is_saved(client, data, name, message):
    staff = logged_in(client, "canbo.bacninh")
    before = Organisation.objects.count()
    response = staff.post(reverse("registry_import"), {"file": SimpleUploadedFile(name, data)})
    created = RegistryImport.objects.get()
    assert created.status == "invalid" and message in created.errors[0][2]
    assert message in staff.get(response["Location"], follow=True).content.decode()  # no columns to map
    assert Organisation.objects.count() == before


def test_an_upload_over_20_mb_is_refused(client, monkeypatch):
    staff = logged_in(client, "canbo.bacninh")
    big = SimpleUploadedFile("lon.xlsx", b"x" * (20 * 1024 * 1024 + 1))
    response = staff.post(reverse("registry_import"), {"file": big})
    assert response.status_code == 200 and "quá giới hạn 20 MB" in response.context["form"].errors["file"][0]
    assert not RegistryImport.objects.exists()


def test_the_template_downloads_with_vietnamese_headers_and_the_provinces_communes(client):
    from io import BytesIO

    from openpyxl import load_workbook

    response = logged_in(client, "canbo.bacninh").get(reverse("registry_import_template"))
    book = load_workbook(BytesIO(response.content), read_only=True)
    headers = next(book["Danh sách"].iter_rows(values_only=True))
    assert headers[:3] == ("Mã số đăng ký", "Tên tổ chức", "Loại hình")
    communes = list(book["Mã xã"].iter_rows(min_row=2, values_only=True))
    assert communes and {place for _code, _name, place in communes} == {"Bắc Ninh"}


def test_the_registry_list_links_to_the_import_for_editors_only(client):
    assert (
        reverse("registry_import") in logged_in(client, "canbo.bacninh").get(reverse("registry_list")).content.decode()
    )
    assert reverse("registry_import") not in logged_in(client, "lanhdao").get(reverse("registry_list")).content.decode()


def test_a_commune_may_be_named_instead_of_coded_in_any_case_and_spelling(client):
    staff = logged_in(client, "canbo.bacninh")
    place = commune("24")
    header = ["Mã số đăng ký", "Tên tổ chức", "Loại hình", "Lĩnh vực", "Xã/phường", "Ngày thành lập"]
    rows = [["2409990001", "HTX Theo Tên Xã", "HTX", "NN", f"  xã {place.name.upper()} ", "01/01/2022"]]
    file = SimpleUploadedFile("ten-xa.csv", "\n".join(",".join(r) for r in [header, *rows]).encode("utf-8"))
    staff.post(reverse("registry_import"), {"file": file})
    created = RegistryImport.objects.get()
    assert created.status == "checked", created.errors
    columns_seen(staff, created)
    staff.post(reverse("registry_import_commit", args=[created.pk]))
    assert Organisation.objects.get(registration_code="2409990001").commune == place


def test_one_organisation_over_several_years_and_its_rows_must_agree(client):
    staff = logged_in(client, "canbo.bacninh")
    place = commune("24")
    upload(staff, [row("2409990001", place, year=2023), row("2409990001", place, year=2024, members="1.300")])
    created = RegistryImport.objects.get()
    assert created.counts["organisations"] == {"create": 1, "update": 0, "unchanged": 0}
    assert created.counts["figures"] == {"create": 2, "update": 0, "unchanged": 0}
    upload(staff, [row("2409990002", place), row("2409990002", place, name="Tên Khác"), row("2409990002", place)])
    errors = RegistryImport.objects.order_by("-pk")[0].errors
    assert [error[:2] for error in errors] == [[5, "B (Tên tổ chức)"], [6, "G (Năm)"]]
    assert "Khác với dòng 4" in errors[0][2] and "Năm 2024 của mã số 2409990002 đã có ở dòng 4" in errors[1][2]


def moved_to_phu_tho(username="canbo.bacninh"):
    User.objects.filter(username=username).update(province=province("25"))


def test_an_account_moved_to_another_province_cannot_commit_what_it_uploaded_before(client):
    staff = logged_in(client, "canbo.bacninh")
    upload(staff, [row("2409990001", commune("24"))])
    created = RegistryImport.objects.get()
    assert created.status == "checked"
    moved_to_phu_tho()
    assert staff.get(created.get_absolute_url()).status_code == 404
    assert staff.post(reverse("registry_import_commit", args=[created.pk])).status_code == 404
    tasks.commit_registry_import(created.pk)  # a commit queued before the move
    created.refresh_from_db()
    assert created.status == "failed" and "không còn quyền nhập vào Tỉnh Bắc Ninh" in created.errors[0][2]
    assert not Organisation.objects.filter(registration_code="2409990001").exists()


def test_an_upload_checked_by_its_task_after_the_move_is_refused_too():
    created = RegistryImport.objects.create(
        created_by=User.objects.get(username="canbo.bacninh"),
        province=province("24"),
        file_name="x.xlsx",
        content=xlsx_bytes([HEADER, row("2409990001", commune("24"))]),
    )
    moved_to_phu_tho()
    tasks.check_registry_import(created.pk)
    created.refresh_from_db()
    assert created.status == "invalid" and "không còn quyền" in created.errors[0][2]


def test_an_uploads_content_is_dropped_once_it_is_committed_or_cannot_be_read(client):
    staff = logged_in(client, "canbo.bacninh")
    upload(staff, [row("2409990001", commune("24"))])
    upload(staff, [row("", commune("24"))])
    staff.post(reverse("registry_import"), {"file": SimpleUploadedFile("x.xlsx", b"%PDF-1.4 not a sheet")})
    good, bad, unreadable = RegistryImport.objects.order_by("pk")
    assert (good.status, bad.status, unreadable.status) == ("checked", "invalid", "invalid")
    # kept until confirmed; with errors, kept to read its columns otherwise or report them; never to be read again
    assert bytes(good.content) and bytes(bad.content) and not bytes(unreadable.content)
    columns_seen(staff, good)
    staff.post(reverse("registry_import_commit", args=[good.pk]))
    good.refresh_from_db()
    assert good.status == "committed" and not bytes(good.content)


def test_an_account_uploads_at_most_so_many_files_an_hour(client, settings):
    settings.IMPORT_UPLOADS_PER_HOUR = 2
    staff = logged_in(client, "canbo.bacninh")
    for _ in range(2):
        assert upload(staff, [row("2409990001", commune("24"))]).status_code == 302
    refused = upload(staff, [row("2409990001", commune("24"))])
    assert refused.status_code == 200
    assert "Bạn đã tải lên 2 tệp trong một giờ qua" in refused.context["form"].errors["file"][0]
    assert RegistryImport.objects.count() == 2
    assert (
        upload(logged_in(client, "admin"), [row("2409990001", commune("24"))], province=province("24").pk).status_code
        == 302
    )


def preview_cells(page: str) -> list[list[str]]:
    """The preview table's rows, each its cells' text (as a browser reads them: unescaped)."""
    import html
    import re

    table = page[page.index('id="import-rows"') :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    return [
        [html.unescape(cell) for cell in re.findall(r"<td>(.*?)</td>", line)]
        for line in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def test_the_preview_lists_every_row_in_order_with_what_it_will_do_and_escapes_what_the_file_says(client):
    staff = logged_in(client, "canbo.bacninh")
    place = commune("24")
    existing = OrganisationFactory(commune=place, registration_code="2400000777", name="HTX Cũ")
    YearlyFiguresFactory(organisation=existing, year=2024, members=1200, revenue=2_500_000_000)
    rows = [row("2409990001", place, name='HTX <b>Rau</b> & "Quả"'), row("2400000777", place, name="HTX Cũ")]
    upload(staff, rows)
    created = RegistryImport.objects.get()
    columns_seen(staff, created)

    page = staff.get(created.get_absolute_url()).content.decode()

    assert "<b>Rau</b>" not in page
    assert preview_cells(page) == [
        ["4", "2409990001", 'HTX <b>Rau</b> & "Quả"', "Thêm mới", "Thêm mới", "Thêm mới"],
        ["5", "2400000777", "HTX Cũ", "Cập nhật", "Không đổi", "Thêm mới"],
    ]
    english = staff.get(created.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert preview_cells(english)[1][3:] == ["Updated", "Unchanged", "New"]
