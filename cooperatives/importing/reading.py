"""Reading a spreadsheet held in memory into rows of cell values: .xlsx, .xls and .ods through
python-calamine (a Rust reader), .csv through Python's csv module. Knows nothing of the registry.

Calamine holds a sheet as a dense rectangle from its first to its last cell, so what a crafted file
claims is checked before calamine opens it: the inflated size of a zip (.xlsx, .ods), how much each
member deflates, and how many rows and cells the sheet would span. Those checks read the XML once
with patterns that stop at the next tag, so the time stays linear in the file whatever it holds.
"""

import csv
import datetime
import io
import json
import re
import subprocess
import sys
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# The members of a zip are inflated whole while a sheet is read, and the sheet is held whole while
# its rows are read: the template's 35,000 rows are 36 MB inflated (about 75,000 fit).
MAX_UNCOMPRESSED_BYTES = 80 * 1024 * 1024
# Spreadsheet XML deflates 10 to 20 times: a member that deflates far more is crafted. Checked from
# 1 MiB inflated (an empty sheet or a small part can deflate more, and costs nothing to read).
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 200
HEADER_SEARCH_ROWS = 30
# Rows a sheet may have: the data rows the parser accepts under the lowest header it looks for.
MAX_SHEET_ROWS = MAX_ROWS + HEADER_SEARCH_ROWS
# Cells of the rectangle calamine allocates (about 32 bytes each): 100,000 rows of 60 columns.
MAX_SHEET_CELLS = 6_000_000
# An .ods is read in a process of its own and stopped after this (see `ods_seconds`): a few tenths
# of a second to start it, calamine reads a few MB of XML a second.
ODS_SECONDS_TO_OPEN = 3.0
ODS_SECONDS_PER_KB = 0.005


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, in the user's language."""


@dataclass
class Table:
    """Rows of one sheet: (row number as the spreadsheet shows it, cell values)."""

    rows: Iterable[tuple[int, Sequence]]
    total: int | None = None  # rows in the sheet, when known, for the progress bar
    close: Callable[[], None] = lambda: None


def read_table(data: bytes, file_name: str = "") -> Table:
    """Open an .xlsx, .xls, .ods or .csv file held in memory; ImportFileError, with a message, for anything else."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(_("Tệp lớn quá 20 MB."))
    if not data.strip():
        raise ImportFileError(_("Tệp trống."))
    if data.startswith(b"PK\x03\x04"):
        content_bytes = _check_zip(data)
        return _read_ods(data, content_bytes) if content_bytes is not None else _read_workbook(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE container: Excel 97–2003
        return _read_workbook(data)
    return _read_csv(data)


def _broken() -> ImportFileError:
    return ImportFileError(_("Tệp Excel bị hỏng, không mở được: hãy mở bằng Excel và lưu lại."))


def _too_many_rows() -> ImportFileError:
    return ImportFileError(_("Tệp có hơn %(rows)s dòng: hãy chia thành nhiều tệp.") % {"rows": MAX_ROWS})


def _check_zip(data: bytes) -> int | None:
    """Refuse a zip bomb before any of it is inflated, and a sheet too large before calamine allocates it.
    Returns the inflated size of an .ods's content.xml (None for an .xlsx)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            ods = "xl/workbook.xml" not in names and "content.xml" in names
            if not ods and "xl/workbook.xml" not in names:
                raise ImportFileError(_("Tệp nén này không phải bảng tính Excel .xlsx."))
            # Python's zipfile never inflates a member beyond the size it declares, so the declared
            # sizes bound what is read.
            if len(members) > 10_000 or sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
                raise ImportFileError(
                    _("Tệp Excel giải nén ra quá lớn (trên %(size)s MB): không đọc tệp này.")
                    % {"size": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
                )
            if any(_overcompressed(member) for member in members):
                raise ImportFileError(_("Tệp Excel có phần bị nén bất thường (hơn 100 lần): không đọc tệp này."))
            for member in members:
                if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                    _check_extent(*_xlsx_extent(archive.read(member)))
                elif member.filename == "content.xml":
                    _check_extent(*_ods_extent(archive.read(member)))
            return archive.getinfo("content.xml").file_size if ods else None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, zipfile.LargeZipFile):
        raise _broken() from None


def _overcompressed(member: zipfile.ZipInfo) -> bool:
    return member.file_size > RATIO_CHECKED_FROM_BYTES and member.file_size > MAX_COMPRESSION_RATIO * max(
        member.compress_size, 1
    )


def _check_extent(rows: int, columns: int) -> None:
    if rows > MAX_SHEET_ROWS:
        raise _too_many_rows()
    if rows * columns > MAX_SHEET_CELLS:
        raise ImportFileError(
            _("Trang tính trải trên quá nhiều ô (%(rows)s dòng × %(columns)s cột): hãy xoá các ô thừa rồi lưu lại.")
            % {"rows": rows, "columns": columns}
        )


# Each pattern stops at the next "<" or ">": no match can run on past the tag it started in, so a
# file of many unclosed tags is read once (a lazy `.*?` would read to the end of the file from each).
XLSX_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^<>]*)>")
XLSX_REFERENCE = re.compile(rb'\br="([A-Z]*)(\d+)"')
ROW_NUMBERS = re.compile(rb'<row r="(\d+)"')
ODS_TAG = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)\b([^<>]*)>")
ODS_REPEATED = re.compile(rb'number-(?:rows|columns)-repeated="(\d{1,9})"')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _xlsx_extent(xml: bytes) -> tuple[int, int]:
    """The rows and columns an .xlsx sheet can span. Where every row and cell begins with its
    reference, as Excel, LibreOffice and openpyxl write them, the largest references, found with a
    few scans in C (a tenth of a second for 35,000 rows); otherwise counted tag by tag."""
    tags = (
        [xml.count(b"<row" + end) for end in (b" ", b">", b"/>")],
        [xml.count(b"<c" + end) for end in (b" ", b">", b"/>")],
    )
    referenced = xml.count(b'<row r="'), xml.count(b'<c r="')
    if b":row" in xml or b":c " in xml or (sum(tags[0]), sum(tags[1])) != referenced:
        return _xlsx_extent_by_tag(xml)
    rows = max(map(int, ROW_NUMBERS.findall(xml)), default=0)
    for width in (3, 2, 1):  # the widest references: column letters compare as text among equals
        if letters := re.findall(rb'<c r="([A-Z]{%d})\d' % width, xml):
            return _row_of_cells(xml, rows), _column_number(max(letters))
    return rows, 0


def _row_of_cells(xml: bytes, rows: int) -> int:
    """The largest row a cell's reference names (a cell can name a row beyond its <row>'s)."""
    digits = len(str(rows))
    if re.search(rb'<c r="[A-Z]{1,3}\d{%d}' % (digits + 1), xml):
        return _xlsx_extent_by_tag(xml)[0]
    found = re.findall(rb'<c r="[A-Z]{1,3}(\d{%d})"' % digits, xml)  # as long as `rows`: compared as text
    return max(rows, int(max(found))) if found else rows


def _xlsx_extent_by_tag(xml: bytes) -> tuple[int, int]:
    """The same, for a sheet whose rows or cells go without a reference: one comes after the one
    before it, as calamine counts them."""
    rows = columns = row = column = 0
    for tag in XLSX_TAG.finditer(xml):
        name, attributes = tag.groups()
        reference = XLSX_REFERENCE.search(attributes)
        letters, number = reference.groups() if reference else (b"", b"")
        if name == b"row":
            row, column = (int(number) if number else row + 1), 0
            rows = max(rows, row)
        else:
            column = _column_number(letters) if letters else column + 1
            columns = max(columns, column)
            if number:
                rows = max(rows, int(number))
    return rows, columns


def _ods_extent(xml: bytes) -> tuple[int, int]:
    """The rows and columns an .ods sheet's cells with content span. Repeated empty rows and cells
    (LibreOffice writes a million of each after the data) take no room; repeated full ones do."""
    height = width = row = column = row_width = 0
    repeat_row = 1
    for tag in ODS_TAG.finditer(xml):
        closing, name, attributes = tag.groups()
        repeated = ODS_REPEATED.search(attributes)
        times = int(repeated.group(1)) if repeated else 1
        if name == b"table":
            row = 0
        elif name == b"table-row" and not closing:
            repeat_row, column, row_width = times, 0, 0
            if attributes.endswith(b"/"):
                row += times
        elif name == b"table-row":
            row += repeat_row
            if row_width:
                height, width = max(height, row), max(width, row_width)
        elif not closing:
            column += times
            if not attributes.endswith(b"/"):  # a cell with content
                row_width = column
    return height, width


def ods_seconds(content_bytes: int) -> float:
    """The time an .ods may take to read: a process to start, then so much per kilobyte of its sheets' XML."""
    return ODS_SECONDS_TO_OPEN + ODS_SECONDS_PER_KB * content_bytes / 1024


def _read_ods(data: bytes, content_bytes: int) -> Table:
    """An .ods read by calamine in a process of its own (`ods_child.py`), stopped after
    `ods_seconds`: calamine read some crafted .ods sheets for minutes, holding the interpreter."""
    seconds = ods_seconds(content_bytes)
    try:
        done = subprocess.run(
            [sys.executable, "-I", str(Path(__file__).with_name("ods_child.py"))],
            input=data,
            capture_output=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ImportFileError(
            _(
                "Tệp .ods đọc quá %(seconds)s giây nên đã dừng: hãy mở bằng LibreOffice hoặc Excel và "
                "lưu thành .xlsx rồi tải lên lại."
            )
            % {"seconds": round(seconds)}
        ) from None
    if done.returncode != 0:
        raise _broken()
    lines = done.stdout.decode().split("\n")[:-1]
    if not lines:
        raise ImportFileError(_("Tệp Excel không có trang tính nào."))
    table = Table(rows=())
    table.rows = _ods_rows(lines, table)
    return table


def _ods_rows(lines: list[str], table: Table) -> Iterator[tuple[int, Sequence]]:
    number, padding = 0, []
    for line in lines:
        values = json.loads(line, object_hook=_decoded)
        if isinstance(values, dict):  # a sheet begins
            if number or table.total is not None:
                yield 0, ()
            table.total = values["end"] + 1 if values["end"] is not None else 0
            number, padding = 0, [None] * values["first_column"]
            continue
        number += 1
        yield number, [_value(value) for value in padding + values]
    yield 0, ()


def _decoded(value: dict):
    if "datetime" in value:
        return datetime.datetime.fromisoformat(value["datetime"])
    if "date" in value:
        return datetime.date.fromisoformat(value["date"])
    if "time" in value:
        return datetime.time.fromisoformat(value["time"])
    if "seconds" in value:
        return datetime.timedelta(seconds=value["seconds"])
    return value


def _read_workbook(data: bytes) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [sheet.name for sheet in workbook.sheets_metadata if "Chart" not in str(sheet.typ)]
    except Exception:  # calamine raises many kinds on a damaged file; each means the same to the user
        raise _broken() from None
    if not sheets:
        raise ImportFileError(_("Tệp Excel không có trang tính nào."))
    table = Table(rows=(), close=workbook.close)
    table.rows = _workbook_rows(workbook, sheets, table)
    return table


def _workbook_rows(workbook, sheets: list[str], table: Table) -> Iterator[tuple[int, Sequence]]:
    """Rows of each sheet in turn; the parser stops at the first sheet where it finds a header."""
    for name in sheets:
        try:
            sheet = workbook.get_sheet_by_name(name)
        except Exception:
            raise ImportFileError(_("Tệp Excel bị hỏng, không đọc hết được: hãy mở bằng Excel và lưu lại.")) from None
        # An .xls spans at most 65,536 rows; the zips' sheets were measured before they were opened.
        table.total = sheet.end[0] + 1 if sheet.end else 0
        if table.total > MAX_SHEET_ROWS:
            raise _too_many_rows()
        yield from _sheet_rows(sheet)
        yield 0, ()  # a sheet ends


def _sheet_rows(sheet) -> Iterator[tuple[int, list]]:
    # calamine's rows start at the sheet's first row, their cells at its first used column.
    first_column = sheet.start[1] if sheet.start else 0
    padding = [None] * first_column
    for number, values in enumerate(sheet.iter_rows(), start=1):
        yield number, [_value(value) for value in padding + values[: MAX_COLUMNS - first_column]]


def _value(value):
    """Calamine's value as the parser takes it: no empty strings, whole numbers as int (a tax code
    typed as a number, 2400000001.0, is a code, and 30.0 members are 30)."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, datetime.time):
        return value.isoformat()
    return value


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else Windows-1258."""
    encodings = ["utf-16"] if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ["utf-8-sig", "cp1258"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        # Windows-1258 writes tone marks as separate characters; NFC joins them as UTF-8 files have them.
        return unicodedata.normalize("NFC", text)
    raise ImportFileError(
        _(
            "Không đọc được tệp: đây không phải bảng tính .xlsx, hoặc là tệp CSV có bảng mã khác UTF-8 và "
            "Windows-1258. Hãy lưu lại dạng Excel .xlsx hoặc CSV UTF-8."
        )
    )


def _read_csv(data: bytes) -> Table:
    text = decode_text(data)
    lines = text.splitlines()
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text[:20000]):
        raise ImportFileError(_("Tệp này không phải bảng tính .xlsx hay .csv."))
    sample = lines[:HEADER_SEARCH_ROWS]
    delimiter = max([",", ";", "\t"], key=lambda mark: sum(line.count(mark) for line in sample))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return Table(rows=_csv_rows(reader), total=len(lines))


def _csv_rows(reader) -> Iterator[tuple[int, Sequence]]:
    try:
        for number, values in enumerate(reader, start=1):
            yield number, values[:MAX_COLUMNS]
    except csv.Error:
        raise ImportFileError(_("Tệp CSV sai định dạng (dấu ngoặc kép hoặc ô quá dài).")) from None
