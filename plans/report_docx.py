"""A plan's progress report as a Word document, laid out as a Vietnamese administrative report
(Nghị định 30/2020/NĐ-CP, Phụ lục I): the issuer and the number line on the left, Quốc hiệu and
Tiêu ngữ with the place and date line on the right; the title; a table of the targets with their
figure, status and a note; the results the document reports; the tasks and their state; the
recipients and the signature block. Every figure is read from the stored progress and written as
the pages write it (plans.figures: 1.234,5 in Vietnamese, with its unit), in the active language.
"""

import re
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from plans.figures import explain, figure, formula, number
from plans.models import Progress, Task

# XML 1.0 refuses these (Word's vertical tab among them); python-docx would raise on them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
STATUS_LABELS = dict(Progress.Status.choices)
TASK_LABELS = dict(Task.Status.choices)
FONT = "Times New Roman"  # the font the decree prescribes


def text(value) -> str:
    return CONTROL_CHARACTERS.sub("", str(value or ""))


def plan_report_docx(plan, targets, results=(), tasks=(), today=None) -> bytes:
    """The report of `plan`: `targets` carry their progress, indicator and area (for_rows());
    `results` are its reported results, `tasks` its tasks."""
    today = today or timezone.localdate()
    document = Document()
    _page(document)
    _heading(document, plan, today)
    _title(document, plan, targets)
    _targets_table(document, targets)
    if results:
        _section(document, _("Kết quả văn bản đã báo cáo"))
        rows = [
            [str(n), text(r.wording), f"{number(r.value)} {text(r.unit)}".strip(), _date(r.as_of), text(r.source)]
            for n, r in enumerate(results, start=1)
        ]
        _table(document, [_("TT"), _("Kết quả"), _("Số liệu"), _("Đến ngày"), _("Nguồn")], rows, [1, 8, 3, 2.5, 4])
    if tasks:
        _section(document, _("Các nhiệm vụ"))
        rows = [
            [str(n), text(task.title), str(TASK_LABELS[task.status]), _task_note(task)]
            for n, task in enumerate(tasks, start=1)
        ]
        _table(document, [_("TT"), _("Nhiệm vụ"), _("Tình trạng"), _("Ghi chú")], rows, [1, 8, 3.5, 6])
    _signature(document, plan)
    output = BytesIO()
    document.save(output)
    return output.getvalue()


def _page(document):
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)


def _line(cell_or_document, value, *, bold=False, italic=False, size=None, align=WD_ALIGN_PARAGRAPH.CENTER):
    paragraph = cell_or_document.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text(value))
    run.bold, run.italic = bold, italic
    run.font.name = FONT
    if size:
        run.font.size = Pt(size)
    return paragraph


def _heading(document, plan, today):
    """The two-column head of an administrative document, in a table without borders."""
    head = document.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = head.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(10)
    left.paragraphs[0].text = ""
    _line(left, plan.issuer.upper(), bold=True, size=12)
    _line(left, _("Số: ……/BC-……"), size=13)
    _line(right, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), bold=True, size=12)
    _line(right, _("Độc lập - Tự do - Hạnh phúc"), bold=True, size=13)
    place = plan.area.name if plan.area_id else "……"
    date_line = _("%(place)s, ngày %(day)02d tháng %(month)02d năm %(year)d") % {
        "place": place,
        "day": today.day,
        "month": today.month,
        "year": today.year,
    }
    _line(right, date_line, italic=True, size=13)


def _title(document, plan, targets):
    document.add_paragraph()
    _line(document, _("BÁO CÁO"), bold=True, size=14)
    _line(document, _("Tiến độ thực hiện: %(title)s") % {"title": plan.title}, bold=True, size=13)
    document.add_paragraph()
    source = " ".join(filter(None, [plan.document_number, _date(plan.document_date)]))
    facts = [
        _("Cơ quan ban hành: %(issuer)s.") % {"issuer": plan.issuer},
        _("Địa bàn: %(place)s; thời kỳ %(first)s–%(last)s.")
        % {"place": plan.place, "first": plan.first_year, "last": plan.last_year},
    ]
    if source:
        facts.append(_("Văn bản: %(source)s.") % {"source": source})
    computed = [t.progress.computed_at for t in targets if hasattr(t, "progress")]
    if computed:
        when = timezone.localtime(max(computed))
        facts.append(_("Số liệu tính lúc %(when)s từ cơ sở dữ liệu hợp tác xã.") % {"when": f"{when:%H:%M %d/%m/%Y}"})
    for fact in facts:
        _line(document, fact, align=WD_ALIGN_PARAGRAPH.JUSTIFY)


def _targets_table(document, targets):
    _section(document, _("Các mục tiêu"))
    rows = []
    for n, target in enumerate(targets, start=1):
        progress = getattr(target, "progress", None)
        status = progress.status if progress else Progress.Status.NO_DATA
        actual = figure(progress.actual, target) if progress and progress.actual is not None else "—"
        if progress and progress.year and progress.actual is not None:
            actual = f"{actual} ({progress.year})"
        percent = f"{number(progress.percent)}%" if progress and progress.percent is not None else "—"
        note = explain(target, progress.explanation) if progress else ""
        rows.append(
            [str(n), text(target.wording), formula(target), actual, percent, str(STATUS_LABELS[status]), text(note)]
        )
    header = [_("TT"), _("Mục tiêu"), _("Chỉ tiêu"), _("Thực hiện"), _("Mức hoàn thành"), _("Tình trạng")]
    _table(document, [*header, _("Ghi chú")], rows, [0.9, 4.6, 2, 2.3, 1.7, 2.2, 3.8], size=10)


def _section(document, title):
    document.add_paragraph()
    _line(document, title, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)


def _table(document, header, rows, widths_cm, size=11):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, label in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].text = ""
        run = cell.paragraphs[0].add_run(text(label))
        run.bold = True
        run.font.size = Pt(size)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            run = cell.paragraphs[0].add_run(text(value))
            run.font.size = Pt(size)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)
    return table


def _task_note(task):
    parts = [text(task.status_note)]
    if task.status_updated_on:
        parts.append(_("cập nhật %(day)s") % {"day": _date(task.status_updated_on)})
    return "; ".join(p for p in parts if p)


def _signature(document, plan):
    document.add_paragraph()
    block = document.add_table(rows=1, cols=2)
    left, right = block.rows[0].cells
    left.paragraphs[0].text = ""
    _line(left, _("Nơi nhận:"), bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(left, _("- Như trên;"), size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(left, _("- Lưu: VT."), size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(right, _("TM. %(issuer)s") % {"issuer": plan.issuer.upper()}, bold=True, size=13)
    _line(right, _("(Ký, ghi rõ họ tên, đóng dấu)"), italic=True, size=12)


def _date(day):
    return f"{day:%d/%m/%Y}" if day else ""
