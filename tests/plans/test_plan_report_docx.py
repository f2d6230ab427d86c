"""A plan's progress report in Word, laid out as a Vietnamese administrative report: read back
with python-docx, one table row per target with the stored figures and statuses."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document

from accounts.models import User
from plans.figures import figure, formula
from plans.models import Plan, Target, Task
from plans.report_docx import plan_report_docx
from tests.factories import logged_in

pytestmark = pytest.mark.django_db

BAC_GIANG = "Nghị quyết Đại hội Liên minh HTX tỉnh Bắc Giang"


def word(client, plan) -> Document:
    response = client.get(reverse("plan_report_docx", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "attachment;" in response["Content-Disposition"]
    return Document(BytesIO(response.content))


def cells(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_head_has_the_issuer_the_number_line_quoc_hieu_tieu_ngu_and_the_date_line():
    plan = Plan.objects.select_related("area").get(title__startswith=BAC_GIANG)
    document = Document(
        BytesIO(plan_report_docx(plan, list(plan.targets.for_rows()), today=datetime.date(2026, 12, 1)))
    )
    left, right = cells(document.tables[0])[0]
    assert plan.issuer.upper() in left and "Số: ……/BC-" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert f"{plan.area.name}, ngày 01 tháng 12 năm 2026" in right
    body = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in body and plan.title in body
    signature = cells(document.tables[-1])[0]
    assert "Nơi nhận:" in signature[0] and f"TM. {plan.issuer.upper()}" in signature[1]


def test_one_row_per_target_with_its_stored_figure_status_and_explanation(client):
    plan = Plan.objects.get(title__startswith=BAC_GIANG)
    document = word(logged_in(client, "lanhdao"), plan)
    table = next(t for t in document.tables if t.rows[0].cells[1].text == "Mục tiêu")
    header, *rows = cells(table)
    assert header == ["TT", "Mục tiêu", "Chỉ tiêu", "Thực hiện", "Mức hoàn thành", "Tình trạng", "Ghi chú"]
    targets = list(plan.targets.for_rows())
    assert [row[1] for row in rows] == [t.wording for t in targets]
    weak = next(t for t in targets if "HTX xếp loại yếu dưới 9%" in t.wording)
    row = rows[targets.index(weak)]
    assert row[2] == formula(weak) == "< 9%"
    assert row[3] == f"{figure(weak.progress.actual, weak)} ({weak.progress.year})"
    assert "," in row[3] or weak.progress.actual == int(weak.progress.actual)  # Vietnamese decimal comma
    assert row[5] == weak.progress.get_status_display()
    assert row[6].startswith(f"Năm {weak.progress.year}: thực hiện ")


def test_the_tasks_are_listed_with_their_state_and_results_have_their_table(client):
    hau_giang = Plan.objects.get(document_number="28/KH-UBND")
    document = word(logged_in(client, "lanhdao"), hau_giang)
    table = next(t for t in document.tables if t.rows[0].cells[1].text == "Nhiệm vụ")
    rows = cells(table)[1:]
    tasks = list(hau_giang.tasks.all())
    assert tasks and [row[1] for row in rows] == [task.title for task in tasks]
    assert {row[2] for row in rows} == {str(Task.Status.NOT_REPORTED.label)}
    district = Plan.objects.get(document_number="05-NQ/HU")
    results = next(t for t in word(client, district).tables if t.rows[0].cells[1].text == "Kết quả")
    assert cells(results)[1][1:3] == ["Thành lập được 15 HTX", "15 HTX"]


def test_in_english_the_labels_are_english(client):
    english = logged_in(client, "lanhdao")
    english.post(reverse("set_language"), {"language": "en", "next": "/"})
    document = word(english, Plan.objects.get(title__startswith=BAC_GIANG))
    assert "SOCIALIST REPUBLIC OF VIET NAM" in cells(document.tables[0])[0][1]


def test_word_s_control_characters_do_not_break_the_document_and_other_provinces_get_404(client):
    plan = Plan.objects.get(title__startswith=BAC_GIANG)
    first = plan.targets.order_by("id").first()
    Target.objects.filter(pk=first.pk).update(wording="Thành lập mới\x0b150 HTX")
    document = word(logged_in(client, "lanhdao"), plan)
    assert any(row[1] == "Thành lập mới150 HTX" for table in document.tables for row in cells(table))
    bac_ninh = logged_in(client, "lanhdao.bacninh")
    visible = Plan.objects.visible_to(User.objects.get(username="lanhdao.bacninh"))
    own = visible.first()
    assert reverse("plan_report_docx", args=[own.pk]) in bac_ninh.get(own.get_absolute_url()).content.decode()
    other = Plan.objects.exclude(pk__in=visible.values("pk")).first()
    assert bac_ninh.get(reverse("plan_report_docx", args=[other.pk])).status_code == 404
