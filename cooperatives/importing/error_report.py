"""The error report: the file's own rows as they were read, each with a last column saying what
is wrong on it, for staff to fix in Excel and upload again. The title rows and the header stay
where they were (the year of a title, "NĂM 2025", is read again), rows keep their numbers, and
the added column is not imported (its header is no field) nor part of the headers remembered
(mapping.ERROR_COLUMN). A second sheet lists the errors as the page does. No database.

Written by XlsxWriter in its constant-memory mode, as the registry's exports are
(coop_tracker.lib.exports.xlsx_write), cell by cell with its type: a value read as text is written
as text (spreadsheet_value), never as a formula; dates as dates (dd/mm/yyyy).
"""

import datetime
import io
from collections.abc import Sequence
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _

from coop_tracker.lib.exports import spreadsheet_value

from .mapping import ERROR_COLUMN
from .rows import RowError

WRONG = "#FDE2E1"


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
    Each row is written at its own number, so a row the reader left out keeps its place."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    formats = {
        "bold": book.add_format({"bold": True}),
        "wrong": book.add_format({"bg_color": WRONG}),
        "day": book.add_format({"num_format": "dd/mm/yyyy"}),
    }
    sheet = book.add_worksheet(_("Danh sách")[:31])
    messages = row_messages(errors)
    width = max((_width(values) for _number, values in rows), default=0)
    sheet.set_column(width, width, 80)
    for number, values in rows:
        for column, value in enumerate(values[:width]):
            _write(sheet, number - 1, column, value, formats)
        if number == header_row:
            sheet.write_string(number - 1, width, ERROR_COLUMN, formats["bold"])
        elif number in messages:
            sheet.write_string(number - 1, width, spreadsheet_value(messages[number]), formats["wrong"])
    _errors_sheet(book, grouped, formats)
    book.close()
    return out.getvalue()


def _width(values: Sequence) -> int:
    width = len(values)
    while width and values[width - 1] is None:
        width -= 1
    return width


def _write(sheet, row: int, column: int, value, formats, style=None) -> None:
    """A cell as read, written as what it is: text stays text, dates show as dd/mm/yyyy."""
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value, style)
    elif isinstance(value, datetime.date | datetime.datetime):
        sheet.write_datetime(row, column, value, formats["day"])
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, column, value, style)
    else:
        sheet.write_string(row, column, spreadsheet_value(str(value)), style)


def _errors_sheet(book, grouped: list[RowError], formats) -> None:
    sheet = book.add_worksheet(_("Lỗi")[:31])
    sheet.set_column(1, 1, 30)
    sheet.set_column(2, 2, 100)
    for column, text in enumerate((_("Dòng"), _("Cột"), _("Lý do"))):
        sheet.write_string(0, column, text, formats["bold"])
    for number, error in enumerate(grouped, start=1):
        for column, value in enumerate((error.row, str(error.column), str(error.message))):
            _write(sheet, number, column, value, formats)
