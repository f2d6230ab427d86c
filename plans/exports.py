"""A plan's progress report as an Excel workbook, laid out to be pasted into a provincial report.

Sheet 1 ("Tiến độ"): one row per target, as the reports' tables have it: No., the target in the
plan's words, the indicator, the unit, the target, what was achieved each year of the plan, the
latest figure's year, how far along (%), the status and how it was judged. Sheet 2 ("Theo năm"):
one row per target and year with that year's figure, the level the path to the target expected
and the year's status. Sheet 3 ("Kết quả đã báo cáo"), when the plan has any: the results the
document reports, with their date and source and no status. Figures are numbers in the row's unit
(money in tỷ or triệu đồng), so that Excel can sum and chart them; everything is read from the
stored progress.
"""

from io import BytesIO

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from accounts.permissions import visible
from coop_tracker.lib.exports import append_row
from cooperatives.exports import export_run
from plans.figures import explain, formula, unit_of
from plans.models import Plan, Progress

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NUMBER_FORMAT = "#,##0.##"
WRAP = Alignment(wrap_text=True, vertical="top")
STATUS_LABELS = dict(Progress.Status.choices)  # lazy: str() in the active language when written


def plan_report_parts(plan):
    """What the report reads: the plan's targets with their progress and years, and its results."""
    return list(plan.targets.for_rows().prefetch_related("progress_years")), list(plan.results.all())


def plan_report_file_name(plan) -> str:
    return f"tien-do-ke-hoach-{plan.pk}-{timezone.localdate():%Y%m%d}.xlsx"


def plan_report_build(*, export_id: int):
    """The worker's side of a large plan's report (plans.tasks.build_plan_report): the plan as its
    owner reads it now; a plan they no longer see fails the export."""

    def write(export, spool, on_rows):
        plan = visible(Plan.objects.select_related("area"), export.created_by).get(pk=export.params["plan"])
        targets, results = plan_report_parts(plan)
        spool.write(progress_report_workbook(plan, targets, results))
        return len(targets)

    return export_run(export_id, write)


def progress_report_workbook(plan, targets, results=()) -> bytes:
    """The workbook of `plan`; `targets` carry their progress, indicator, area and progress years;
    `results` are the plan's reported results."""
    workbook = Workbook()
    by_target = workbook.active
    by_target.title = _("Tiến độ")
    years = list(plan.years)
    _title(by_target, plan, targets)
    header = [_("TT"), _("Mục tiêu (nguyên văn)"), _("Chỉ tiêu"), _("Địa bàn"), _("Đơn vị tính"), _("Mục tiêu")]
    header += [_("Thực hiện %(year)s") % {"year": year} for year in years]
    header += [_("Năm số liệu"), _("Mức hoàn thành (%)"), _("Tình trạng"), _("Cách đánh giá")]
    _header(by_target, header)
    for number, target in enumerate(targets, start=1):
        divisor, unit = unit_of(target.value, target)
        actual_by_year = {row.year: row.actual for row in target.progress_years.all()}
        progress = getattr(target, "progress", None)
        row = [number, target.wording, str(target.indicator.name), str(target.area), unit.strip(), formula(target)]
        row += [_in_unit(actual_by_year.get(year), divisor) for year in years]
        row += [
            progress.year if progress else None,
            float(round(progress.percent, 1)) if progress and progress.percent is not None else None,
            str(STATUS_LABELS[progress.status if progress else Progress.Status.NO_DATA]),
            explain(target, progress.explanation) if progress else "",
        ]
        append_row(by_target, row)
    _table_style(by_target, widths=[5, 50, 30, 18, 12, 16] + [12] * len(years) + [10, 12, 18, 50])

    by_year = workbook.create_sheet(_("Theo năm"))
    _title(by_year, plan, targets)
    _header(
        by_year,
        [_("TT"), _("Mục tiêu (nguyên văn)"), _("Năm"), _("Đơn vị tính"), _("Thực hiện"), _("Mức theo lộ trình")]
        + [_("Tình trạng năm")],
    )
    for number, target in enumerate(targets, start=1):
        divisor, unit = unit_of(target.value, target)
        for row in target.progress_years.all():
            append_row(
                by_year,
                [
                    number,
                    target.wording,
                    row.year,
                    unit.strip(),
                    _in_unit(row.actual, divisor),
                    _in_unit(row.expected, divisor),
                    str(STATUS_LABELS[row.status]),
                ],
            )
    _table_style(by_year, widths=[5, 50, 8, 12, 14, 16, 20])
    if results:
        _results_sheet(workbook.create_sheet(_("Kết quả đã báo cáo")), plan, targets, results)

    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


def _results_sheet(sheet, plan, targets, results):
    _title(sheet, plan, targets)
    _header(
        sheet,
        [_("TT"), _("Kết quả (nguyên văn)"), _("Số liệu"), _("Đơn vị tính"), _("Số liệu đến ngày"), _("Nguồn")]
        + [_("Ghi chú")],
    )
    for number, result in enumerate(results, start=1):
        day = _date(result.as_of) or _("không ghi ngày")
        append_row(sheet, [number, result.wording, float(result.value), result.unit, day, result.source, result.note])
    _table_style(sheet, widths=[5, 50, 12, 12, 14, 40, 40])


def _in_unit(value, divisor):
    return None if value is None else float(value / divisor)


def _title(sheet, plan, targets):
    computed = [t.progress.computed_at for t in targets if hasattr(t, "progress")]
    append_row(sheet, [plan.title])
    sheet["A1"].font = Font(bold=True, size=13)
    document = " ".join(filter(None, [plan.document_number, _date(plan.document_date)]))
    period = f"{plan.first_year}–{plan.last_year}"
    append_row(sheet, [" · ".join(filter(None, [plan.issuer, document, plan.place, period]))])
    append_row(
        sheet,
        [
            _("Số liệu tính lúc %(when)s; xuất ngày %(today)s.")
            % {
                "when": _datetime(max(computed)) if computed else "—",
                "today": date_format(timezone.localdate(), "SHORT_DATE_FORMAT"),
            }
        ],
    )
    sheet.append([])


def _header(sheet, labels):
    append_row(sheet, labels)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = BOX
    sheet.freeze_panes = f"C{sheet.max_row + 1}"  # (a cell object here would create the next row)


def _table_style(sheet, widths):
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=6):
        for cell in row:
            cell.border = BOX
            cell.alignment = WRAP
            if isinstance(cell.value, float):
                cell.number_format = NUMBER_FORMAT


def _date(day):
    return date_format(day, "SHORT_DATE_FORMAT") if day else ""


def _datetime(moment):
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
