"""A province's list of its xã's new-rural recognitions, imported as an organisation list is: upload,
the mapping step, the preview with its errors, the valid rows only. The list is as offices keep it:
title rows, commune names with their unit word, a xã of the old map (recognised in 2019, withdrawn
in 2023), a date typed wrong and a level word nobody uses. Places come from the official lists the
test database loads (tests/conftest.py): new Bắc Ninh (24) was formed of old Bắc Giang and Bắc Ninh."""

import datetime
import io
from collections import Counter
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cooperatives.importing.places import without_commune_word
from cooperatives.importing.text import fold
from cooperatives.models import AdminUnit, NtmRecognition, RegistryImport
from plans.models import Indicator, PendingRecompute, Progress, Target
from plans.services import progress_recompute
from tests.factories import PlanFactory, TargetFactory, columns_seen, logged_in, province, xlsx_bytes

pytestmark = pytest.mark.django_db
day = datetime.date


def unique_xa(structure, n):
    """`n` xã of new Bắc Ninh (on either map) whose name no other commune of either map there shares."""
    inside = AdminUnit.objects.communes().inside(province("24"))
    everyone = Counter(without_commune_word(fold(name)) for name in inside.values_list("name", flat=True))
    found = [
        unit
        for unit in inside.filter(kind=AdminUnit.Kind.COMMUNE).of_structure(structure).order_by("code")
        if everyone[without_commune_word(fold(unit.name))] == 1
    ]
    return found[:n]


@pytest.fixture
def communes():
    first, second, third = unique_xa("34", 3)
    [former] = unique_xa("63", 1)
    return {"first": first, "second": second, "third": third, "former": former}


def recognition_list(c):
    header = ["STT", "Tên xã", "Mức đạt chuẩn", "Số quyết định", "Ngày quyết định", "Số QĐ thu hồi", "Ngày thu hồi"]
    rows = [
        [1, f"Xã {c['first'].name}", "Đạt chuẩn nông thôn mới", "1203/QĐ-UBND", "15/09/2025"],
        [2, f"xã {c['second'].name}", "NTM nâng cao", "1310/QĐ-UBND", datetime.datetime(2025, 10, 2)],
        [3, c["former"].full_name, "Đạt chuẩn", "55/QĐ-UBND", "20/12/2019", "77/QĐ-UBND", "01/03/2023"],
        [4, f"Xã {c['third'].name}", "Đạt chuẩn", "1400/QĐ-UBND", "31/02/2025"],
        [5, f"Xã {c['third'].name}", "Xuất sắc", "1401/QĐ-UBND", "03/11/2025"],
        [6, f"Xã {c['third'].name}", "Kiểu mẫu", "1402/QĐ-UBND", "04/11/2025"],
    ]
    title = [["UBND TỈNH BẮC NINH"], ["DANH SÁCH XÃ ĐẠT CHUẨN NÔNG THÔN MỚI"], [], header]
    return xlsx_bytes(title + rows + [[], ["", "Người lập biểu"]])


FIRST_ROW = 5  # the sheet's row of the list's first commune


def upload(client, data):
    file = SimpleUploadedFile("ntm-bac-ninh.xlsx", data)
    response = client.post(reverse("registry_import"), {"file": file, "kind": "ntm"})
    created = RegistryImport.objects.order_by("-pk")[0]
    assert response.status_code == 302 and response["Location"] == reverse("registry_import_mapping", args=[created.pk])
    return created


def test_the_valid_rows_land_each_mistake_once_on_its_row_and_a_second_import_changes_nothing(client, communes):
    staff = logged_in(client, "canbo.bacninh")
    created = upload(staff, recognition_list(communes))
    assert created.kind == "ntm" and created.status == RegistryImport.Status.INVALID
    fields = {column["header"]: column["proposed"] for column in created.reading["columns"]}
    assert fields["Tên xã"] == "commune_name" and fields["Mức đạt chuẩn"] == "ntm_level"
    assert fields["Ngày thu hồi"] == "withdrawn_on"
    assert columns_seen(staff, created).status_code == 302
    created.refresh_from_db()
    errors = {(row, column[:1]): message for row, column, message in created.errors}
    assert set(errors) == {(FIRST_ROW + 3, "E"), (FIRST_ROW + 4, "C")}  # each once, on its row and column
    assert "31/02/2025" in errors[(FIRST_ROW + 3, "E")] and "Xuất sắc" in errors[(FIRST_ROW + 4, "C")]
    assert created.valid_rows == 4 and not NtmRecognition.objects.exists()  # nothing before staff choose
    preview = staff.get(created.get_absolute_url()).content.decode()
    assert "Công nhận nông thôn mới" in preview and communes["former"].full_name in preview
    report = staff.get(reverse("registry_import_errors", args=[created.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(report.content)).worksheets[0]
    said = {row[0]: row[-1] for row in sheet.iter_rows(min_row=FIRST_ROW, values_only=True) if row[-1]}
    assert set(said) == {4, 5} and "31/02/2025" in said[4] and "Xuất sắc" in said[5]  # by the STT of the row

    staff.post(reverse("registry_import_commit", args=[created.pk]), {"rows": "valid"})
    created.refresh_from_db()
    assert created.status == RegistryImport.Status.COMMITTED
    held = {(r.commune_id, r.level, r.decided_on, r.decision_number, r.withdrawn_on, r.withdrawal_decision)
            for r in NtmRecognition.objects.all()}  # fmt: skip
    assert held == {
        (communes["first"].pk, "standard", day(2025, 9, 15), "1203/QĐ-UBND", None, ""),
        (communes["second"].pk, "advanced", day(2025, 10, 2), "1310/QĐ-UBND", None, ""),
        (communes["former"].pk, "standard", day(2019, 12, 20), "55/QĐ-UBND", day(2023, 3, 1), "77/QĐ-UBND"),
        (communes["third"].pk, "model", day(2025, 11, 4), "1402/QĐ-UBND", None, ""),
    }
    assert set(NtmRecognition.objects.values_list("province", flat=True)) == {province("24").pk}
    assert PendingRecompute.objects.filter(area=communes["first"], source=PendingRecompute.Source.NTM).exists()
    assert NtmRecognition.objects.get(commune=communes["first"]).history.count() == 1

    again = upload(staff, recognition_list(communes))
    columns_seen(staff, again)
    again.refresh_from_db()
    assert again.reading["valid_counts"]["recognitions"] == {"create": 0, "update": 0, "unchanged": 4}
    staff.post(reverse("registry_import_commit", args=[again.pk]), {"rows": "valid"})
    assert NtmRecognition.objects.count() == 4
    assert sum(r.history.count() for r in NtmRecognition.objects.all()) == 4  # no row saved again


def test_a_withdrawal_typed_later_updates_the_recognition_it_withdraws(client, communes):
    staff = logged_in(client, "canbo.bacninh")
    header = ["Xã", "Mức công nhận", "Số quyết định", "Ngày quyết định", "Ngày thu hồi", "Số quyết định thu hồi"]
    row = [f"Xã {communes['first'].name}", "Đạt chuẩn", "1203/QĐ-UBND", "15/09/2025"]
    first = upload(staff, xlsx_bytes([header, row]))
    columns_seen(staff, first)
    staff.post(reverse("registry_import_commit", args=[first.pk]))
    later = upload(staff, xlsx_bytes([header, [*row, "02/02/2026", "9/QĐ-UBND"]]))
    columns_seen(staff, later)
    staff.post(reverse("registry_import_commit", args=[later.pk]))
    [recognition] = NtmRecognition.objects.all()
    assert (recognition.withdrawn_on, recognition.withdrawal_decision) == (day(2026, 2, 2), "9/QĐ-UBND")


def test_another_province_s_staff_get_its_communes_refused_and_its_uploads_are_a_404(client, communes):
    owner = logged_in(client, "canbo.bacninh")
    created = upload(owner, recognition_list(communes))
    other = logged_in(client, "canbo.phutho")
    assert other.get(reverse("registry_import_mapping", args=[created.pk])).status_code == 404
    theirs = upload(other, recognition_list(communes))
    columns_seen(other, theirs)
    theirs.refresh_from_db()
    assert theirs.valid_rows == 0 and theirs.error_count >= 4
    other.post(reverse("registry_import_commit", args=[theirs.pk]), {"rows": "valid"})
    assert not NtmRecognition.objects.exists()


def test_the_communes_page_links_to_the_import_of_a_recognition_list(client):
    staff = logged_in(client, "canbo.bacninh")
    page = staff.get(reverse("commune_list")).content.decode()
    assert "Nhập danh sách từ Excel" in page and "?kind=ntm" in page
    form = staff.get(reverse("registry_import") + "?kind=ntm").context["form"]
    assert form["kind"].value() == "ntm"


def test_the_ntm_share_target_is_computed_from_the_imported_rows(client, communes):
    """ "40% of the standard xã advanced or model" on new Bắc Ninh at the end of 2025, from the list."""
    staff = logged_in(client, "canbo.bacninh")
    created = upload(staff, recognition_list(communes))
    columns_seen(staff, created)
    staff.post(reverse("registry_import_commit", args=[created.pk]), {"rows": "valid"})
    area = province("24")
    plan = PlanFactory(area=area, first_year=2025, last_year=2025)
    share = TargetFactory(
        plan=plan,
        area=area,
        indicator=Indicator.objects.get(code="ntm_advanced_share"),
        denominator="ntm_communes",
        comparator="gte",
        value=Decimal(40),
        year_from=2025,
        year_to=2025,
        wording="40% số xã đạt chuẩn nông thôn mới đạt chuẩn nâng cao",
    )
    progress_recompute(targets=Target.objects.filter(pk=share.pk), today=day(2026, 1, 10))
    stored = Progress.objects.get(target=share)
    # standing on 31/12/2025: first (standard), second (advanced), third (model); the old xã was withdrawn
    assert (stored.numerator, stored.denominator, stored.status) == (2, 3, Progress.Status.ACHIEVED)


def test_a_recognition_list_reads_in_english(client, communes):
    staff = logged_in(client, "canbo.bacninh")
    staff.post(reverse("set_language"), {"language": "en", "next": "/"})
    created = upload(staff, recognition_list(communes))
    page = staff.get(reverse("registry_import_mapping", args=[created.pk])).content.decode()
    assert ">Recognition level</option>" in page and ">Withdrawal date</option>" in page
    assert "the year is each row’s decision date" in page
    columns_seen(staff, created)
    created.refresh_from_db()
    assert any("Unknown recognition level “Xuất sắc”" in message for _row, _column, message in created.errors)
    page = staff.get(created.get_absolute_url()).content.decode()
    assert "Import 4 valid rows" in page


def test_a_locked_reporting_round_does_not_stop_a_recognition_list(client, communes):
    """Recognitions are no rows of a reporting round: Bắc Ninh's 2025 round submitted (locked), the
    list of 2025's decisions imports all the same."""
    from accounts.models import User
    from cooperatives.services import round_transition

    admin = User.objects.get(username="admin")
    round_transition(province=province("24"), year=2025, action="submit", user=admin)
    staff = logged_in(client, "canbo.bacninh")
    created = upload(staff, recognition_list(communes))
    columns_seen(staff, created)
    staff.post(reverse("registry_import_commit", args=[created.pk]), {"rows": "valid"})
    assert NtmRecognition.objects.filter(decided_on__year=2025).count() == 3
