"""A plan's progress as a Word report laid out as a Vietnamese administrative document (the
presentation of Nghị định 30/2020/NĐ-CP): the issuer's name and the number line on the left, Quốc
hiệu and Tiêu ngữ with the place and date on the right, the title, a table of the targets with
their stored figure, status and a note, the tasks and where they stand, and the signature block.
Times New Roman on A4; numbers and dates the Vietnamese way (1.234,5; ngày 01 tháng 12 năm 2026),
whatever the reader's language: the report goes to a People's Committee. Everything is read from
the stored progress (plans.services writes it), as the Excel report is.
"""

import datetime
from io import BytesIO

from django.utils import timezone, translation
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from plans.figures import explain, figure, formula, projection
from plans.models import Progress, Task

FONT = "Times New Roman"
TABLE_HEADER = ["TT", "Mục tiêu", "Chỉ tiêu", "Thực hiện", "Tình trạng", "Ghi chú"]


def progress_report_document(plan, targets, tasks, today: datetime.date | None = None) -> bytes:
    """The .docx of `plan`: `targets` with their progress and indicator, `tasks` of the plan."""
    today = today or timezone.localdate()
    with translation.override("vi"):
        document = Document()
        _page(document)
        _heading(document, plan, today)
        _title(document, plan, today)
        _paragraph(document, "I. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU", bold=True, before=6)
        _targets(document, targets)
        _paragraph(document, "II. TÌNH HÌNH THỰC HIỆN CÁC NHIỆM VỤ", bold=True, before=6)
        _tasks(document, tasks)
        _signature(document)
        out = BytesIO()
        document.save(out)
    return out.getvalue()


def _page(document):
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)  # Vietnamese text keeps the font in Word
    style.paragraph_format.space_after = Pt(0)


def _run(paragraph, text, *, bold=False, italic=False, size=None, upper=False):
    run = paragraph.add_run(text.upper() if upper else text)
    run.bold, run.italic = bold, italic
    run.font.name = FONT
    if size:
        run.font.size = Pt(size)
    return run


def _paragraph(container, text="", *, bold=False, italic=False, size=None, centre=False, before=0, upper=False):
    paragraph = container.add_paragraph()
    if centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = Pt(before)
    if text:
        _run(paragraph, text, bold=bold, italic=italic, size=size, upper=upper)
    return paragraph


def _borderless(table):
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _cell_text(cell, lines):
    """Lines of (text, bold, italic, size) in a cell, centred."""
    cell.paragraphs[0].text = ""
    for index, (text, bold, italic, size) in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, text, bold=bold, italic=italic, size=size)


def _heading(document, plan, today):
    """Issuer and number on the left; Quốc hiệu, Tiêu ngữ, place and date on the right."""
    table = document.add_table(rows=1, cols=2)
    _borderless(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Mm(65), Mm(100)
    _cell_text(
        left, [(plan.issuer.upper(), True, False, 12), ("———", False, False, 12), ("Số:      /BC", False, False, 13)]
    )
    place = plan.area.name if plan.area else "……"
    _cell_text(
        right,
        [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False, 12),
            ("Độc lập - Tự do - Hạnh phúc", True, False, 13),
            ("———————————", False, False, 13),
            (f"{place}, ngày {today:%d} tháng {today:%m} năm {today:%Y}", False, True, 13),
        ],
    )


def _title(document, plan, today):
    _paragraph(document, "BÁO CÁO", bold=True, size=14, centre=True, before=18)
    _paragraph(document, f"Tiến độ thực hiện {plan.title}", bold=True, size=14, centre=True)
    period = f"{plan.first_year}–{plan.last_year}" if plan.first_year != plan.last_year else str(plan.first_year)
    document_line = ", ".join(filter(None, [plan.document_number, _date(plan.document_date)]))
    said = f"Giai đoạn {period}" + (f" (văn bản {document_line})" if document_line else "")
    _paragraph(document, said, italic=True, centre=True)
    _paragraph(document, "———", centre=True)
    _paragraph(
        document,
        f"Số liệu tính đến ngày {today:%d/%m/%Y} từ sổ đăng ký và số liệu đã nhập của hệ thống Coop Tracker.",
        before=6,
    )


def _targets(document, targets):
    table = document.add_table(rows=1, cols=len(TABLE_HEADER))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, label in zip(table.rows[0].cells, TABLE_HEADER, strict=True):
        _cell_text(cell, [(label, True, False, 12)])
    for number, target in enumerate(targets, start=1):
        progress = getattr(target, "progress", None)
        status = progress.status if progress else Progress.Status.NO_DATA
        actual = figure(progress.actual, target) if progress else "—"
        if progress and progress.year and progress.actual is not None:
            actual += f" (năm {progress.year})"
        cells = table.add_row().cells
        values = [
            str(number),
            target.wording,
            formula(target),
            actual,
            str(Progress.Status(status).label),
            _note(target, progress),
        ]
        for cell, value in zip(cells, values, strict=True):
            cell.paragraphs[0].text = ""
            _run(cell.paragraphs[0], value, size=12)
    for row in table.rows:
        for cell, width in zip(row.cells, (10, 55, 22, 25, 22, 31), strict=True):
            cell.width = Mm(width)


def _note(target, progress) -> str:
    """How the status was reached, and a running target's projection, labelled as one."""
    if progress is None:
        return ""
    note = [explain(target, progress.explanation)]
    said = projection(target, progress.projection)
    if said.get("flag"):
        note.append(f"{said['headline']} ({said['flag']}).")
    if said.get("needed"):
        note.append(said["needed"])
    return " ".join(part for part in note if part)


def _tasks(document, tasks):
    if not tasks:
        _paragraph(document, "Kế hoạch không có nhiệm vụ định tính.", italic=True)
        return
    for number, task in enumerate(tasks, start=1):
        paragraph = _paragraph(document)
        _run(paragraph, f"{number}. {task.title}: ", bold=True)
        _run(paragraph, str(Task.Status(task.status).label))
        if task.status_updated_on:
            _run(paragraph, f" (cập nhật ngày {task.status_updated_on:%d/%m/%Y})", italic=True)
        if task.status_note:
            _run(paragraph, f". {task.status_note}")


def _signature(document):
    _paragraph(document, before=12)
    table = document.add_table(rows=1, cols=2)
    _borderless(table)
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    _run(left.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12)
    for line in ("- Như trên;", "- Lưu: VT."):
        _run(left.add_paragraph(), line, size=11)
    _cell_text(
        right,
        [
            ("THỦ TRƯỞNG CƠ QUAN", True, False, 13),
            ("(Ký, ghi rõ họ tên, đóng dấu)", False, True, 13),
            ("", False, False, 13),
        ],
    )


def _date(day) -> str:
    return f"ngày {day:%d/%m/%Y}" if day else ""
