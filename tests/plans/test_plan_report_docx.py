"""A plan's progress as a Word report laid out as a Vietnamese administrative document."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document

from plans.figures import figure
from plans.models import Plan, Progress, Task
from plans.report_docx import progress_report_document
from tests.factories import logged_in

pytestmark = pytest.mark.django_db
BAC_GIANG = "Nghị quyết Đại hội Liên minh HTX tỉnh Bắc Giang"


def opened(client, plan) -> Document:
    response = client.get(reverse("plan_report_docx", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert 'attachment; filename="bao-cao-tien-do-ke-hoach-' in response["Content-Disposition"]
    return Document(BytesIO(response.content))


def text_of(document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_one_row_per_target_with_its_stored_figure_and_status(client):
    plan = Plan.objects.get(title__startswith=BAC_GIANG)
    document = opened(logged_in(client, "lanhdao"), plan)
    heading, table, _signature = document.tables
    assert [cell.text for cell in table.rows[0].cells] == [
        "TT",
        "Mục tiêu",
        "Chỉ tiêu",
        "Thực hiện",
        "Tình trạng",
        "Ghi chú",
    ]
    targets = list(plan.targets.for_rows())
    rows = table.rows[1:]
    assert len(rows) == len(targets)
    for row, target in zip(rows, targets, strict=True):
        cells = [cell.text for cell in row.cells]
        progress = Progress.objects.get(target=target)
        assert cells[1] == target.wording
        assert cells[3].startswith(figure(progress.actual, target))  # Vietnamese numbers: 58,8%
        assert cells[4] == str(Progress.Status(progress.status).label)
    # A figure with decimals has a decimal comma: "58,8%", never "58.8%".
    fractional = [
        (row, t)
        for row, t in zip(rows, targets, strict=True)
        if t.progress.actual is not None and t.progress.actual % 1 and t.progress.actual < 1000
    ]
    assert fractional, "the plan has a figure with decimals"
    for row, target in fractional:
        assert f"{int(target.progress.actual)}," in row.cells[3].text


def test_it_is_laid_out_as_an_administrative_report(client):
    plan = Plan.objects.get(title__startswith=BAC_GIANG)
    document = opened(logged_in(client, "lanhdao"), plan)
    text = text_of(document)
    heading = document.tables[0].rows[0].cells
    assert heading[0].text.startswith(plan.issuer.upper()) and "Số:" in heading[0].text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in heading[1].text
    assert "Độc lập - Tự do - Hạnh phúc" in heading[1].text
    today = datetime.date.today()
    assert f"ngày {today:%d} tháng {today:%m} năm {today:%Y}" in heading[1].text
    assert "BÁO CÁO" in text and f"Tiến độ thực hiện {plan.title}" in text
    for task in plan.tasks.all():
        assert f"{task.title}: {Task.Status(task.status).label}" in text
    assert "Nơi nhận:" in text and "(Ký, ghi rõ họ tên, đóng dấu)" in text
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_an_english_reader_still_gets_the_vietnamese_report(client):
    plan = Plan.objects.get(title__startswith=BAC_GIANG)
    client = logged_in(client, "lanhdao")
    client.cookies["django_language"] = "en"
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text_of(opened(client, plan))


def test_a_projection_is_a_labelled_note(db):
    plan = Plan.objects.get(title__startswith=BAC_GIANG)
    targets = list(plan.targets.for_rows())
    target = targets[0]
    target.progress.projection = {"year": 2028, "points": 3, "value": "54", "meets": False, "low": "50", "high": "58"}
    document = Document(BytesIO(progress_report_document(plan, targets, [])))
    note = document.tables[1].rows[1].cells[5].text
    assert "Dự báo năm 2028" in note and "dự báo: không đạt" in note
    assert "Kế hoạch không có nhiệm vụ định tính." in text_of(document)
