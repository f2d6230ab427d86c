"""The error report: the file's own rows as they were read, each with a last column saying what
is wrong on it, for staff to fix in Excel and upload again. The title rows and the header stay
where they were (the year of a title, "NĂM 2025", is read again), rows keep their numbers, and
the added column is not imported (its header is no field) nor part of the headers remembered
(mapping.ERROR_COLUMN). A second sheet lists the errors as the page does. No database.

Cells are written as coop_tracker.lib.exports.append_row writes them (spreadsheet_value, and a
text cell kept text): a value read as text is written as text, never as a formula.
"""

import datetime
import io
from collections.abc import Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from coop_tracker.lib.exports import spreadsheet_value

from .mapping import ERROR_COLUMN
from .rows import RowError

WRONG = PatternFill("solid", start_color="FDE2E1")


def row_messages(errors: list[RowError]) -> dict[int, str]:
    """Each row's errors in one cell: "D (Địa chỉ): …; I (Doanh thu): …"."""
    found: dict[int, list[str]] = {}
    for error in errors:
        if error.row is not None:
            text = f"{error.column}: {error.message}" if error.column else str(error.message)
            if text not in found.setdefault(error.row, []):
                found[error.row].append(text)
    return {row: "; ".join(texts) for row, texts in found.items()}


def workbook(
    rows: Sequence[tuple[int, Sequence]], header_row: int, errors: list[RowError], grouped: list[RowError]
) -> bytes:
    """`rows`: the sheet's rows as read (number, values), `errors` one per cell, `grouped` as shown.
    Written row by row (openpyxl's write-only mode: a list of 35,000 rows takes seconds, not the
    minutes its ordinary sheets take to find their last row at every append)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Danh sách")[:31])
    messages = row_messages(errors)
    width = max((_width(values) for _number, values in rows), default=0)
    sheet.column_dimensions[get_column_letter(width + 1)].width = 80
    at = 0
    for number, values in rows:
        while at < number - 1:  # a row calamine left out keeps its place: the rows keep their numbers
            sheet.append([])
            at += 1
        cells = list(values[:width]) + [None] * (width - len(values[:width]))
        extra = _cell(sheet, ERROR_COLUMN if number == header_row else messages.get(number))
        if number == header_row:
            extra.font = Font(bold=True)
        elif extra.value:
            extra.fill = WRONG
        sheet.append([_cell(sheet, value) for value in cells] + [extra])
        at = number
    _errors_sheet(book, grouped)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _width(values: Sequence) -> int:
    width = len(values)
    while width and values[width - 1] is None:
        width -= 1
    return width


def _cell(sheet, value) -> WriteOnlyCell:
    """A cell as read, written as what it is: text stays text (the protection of
    coop_tracker.lib.exports.append_row), dates show as dd/mm/yyyy."""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    cell = WriteOnlyCell(sheet, value=spreadsheet_value(value))
    if cell.data_type == "f":
        cell.data_type = "s"
    if isinstance(value, datetime.date | datetime.datetime):
        cell.number_format = "DD/MM/YYYY"
    return cell


def _errors_sheet(book, grouped: list[RowError]) -> None:
    sheet = book.create_sheet(_("Lỗi")[:31])
    sheet.column_dimensions["B"].width, sheet.column_dimensions["C"].width = 30, 100
    header = [_cell(sheet, text) for text in (_("Dòng"), _("Cột"), _("Lý do"))]
    for cell in header:
        cell.font = Font(bold=True)
    sheet.append(header)
    for error in grouped:
        sheet.append([_cell(sheet, value) for value in (error.row, str(error.column), str(error.message))])
