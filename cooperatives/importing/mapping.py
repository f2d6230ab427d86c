"""The mapping step: each column of a file with a few of its values, the field the importer
proposes for it and the one it read it as, the year of the figures and where it came from; what
staff change on the page, as the overrides `parse(mapping=...)` takes. No database.

The file's rows are recorded as the parser reads them (`Recorder`), so the file is read once.
"""

import datetime
import hashlib
import re
from collections.abc import Iterator, Sequence

from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter

from .headers import TEMPLATE_HEADERS, find_columns, header_year, normal_header, title_year
from .reading import HEADER_SEARCH_ROWS, Table
from .rows import ParsedFile, RowError, _is_numbering_row
from .text import clean_text, fold, is_blank
from .values import FIGURE_FIELDS, RATING_FIELDS, mappable_fields

SAMPLES = 3
# Rows kept of each sheet for the samples: the header is found within HEADER_SEARCH_ROWS.
SAMPLE_ROWS = HEADER_SEARCH_ROWS + 20
# The column the error report adds after the file's own (error_report.py): left out of the
# headers' digest, so that a report fixed in Excel is read as the file it came from.
ERROR_COLUMN = "Lỗi cần sửa"
NOT_IMPORTED = "-"

# The fields in the staff's language (the template's headers are the file's words, not the page's).
FIELD_LABELS = {
    "row_number": _("Số thứ tự"),
    "registration_code": _("Mã số đăng ký"),
    "name": _("Tên tổ chức"),
    "kind": _("Loại hình"),
    "sector": _("Lĩnh vực"),
    "commune_code": _("Mã xã/phường"),
    "commune_name": _("Xã/phường"),
    "address": _("Địa chỉ (xã/phường lấy từ địa chỉ)"),
    "legal_representative": _("Người đại diện theo pháp luật"),
    "founded_on": _("Ngày (hoặc năm) thành lập"),
    "registered_on": _("Ngày đăng ký"),
    "status": _("Tình trạng"),
    "status_since": _("Tình trạng từ ngày"),
    "dissolved_on": _("Ngày chấm dứt hoạt động"),
    "alliance_joined_on": _("Ngày gia nhập Liên minh HTX tỉnh"),
    "year": _("Năm số liệu"),
    "members": _("Số thành viên"),
    "workers": _("Số lao động thường xuyên"),
    "charter_capital": _("Vốn điều lệ"),
    "revenue": _("Doanh thu"),
    "profit": _("Lợi nhuận"),
    "average_income": _("Thu nhập bình quân"),
    "linked_with_enterprise": _("Liên kết với doanh nghiệp"),
    "high_technology": _("Ứng dụng công nghệ cao"),
    "ocop_products": _("Số sản phẩm OCOP"),
    "ocop_max_stars": _("Hạng sao OCOP cao nhất"),
    "key_officers": _("Số cán bộ chủ chốt"),
    "key_officers_trained": _("Số cán bộ chủ chốt đã được tập huấn"),
    "scheme": _("Văn bản đánh giá"),
    "self_score": _("Điểm tự chấm"),
    "verified_score": _("Điểm thẩm định"),
    "level": _("Xếp loại"),
}
YEARLY_FIELDS = {*FIGURE_FIELDS, *RATING_FIELDS, "scheme"}


def field_label(name: str) -> str:
    if name in (NOT_IMPORTED, ""):
        return str(_("Không nhập"))
    return str(FIELD_LABELS.get(name, TEMPLATE_HEADERS.get(name, name)))


def field_choices() -> list[tuple[str, str]]:
    """The select's options: not imported, then the fields in the template's order."""
    order = list(FIELD_LABELS) + sorted(mappable_fields() - set(FIELD_LABELS))
    return [(NOT_IMPORTED, field_label(NOT_IMPORTED))] + [
        (name, field_label(name)) for name in order if name in mappable_fields()
    ]


class Recorder:
    """The rows of a table as the parser reads them: each sheet's first `keep` rows (all with None)."""

    def __init__(self, table: Table, keep: int | None = SAMPLE_ROWS):
        self.keep = keep
        self.sheets: list[list[tuple[int, Sequence]]] = [[]]
        self.source = table.rows
        self.table = Table(rows=self._rows(), total=None, close=table.close)
        self._outer = table

    def _rows(self) -> Iterator[tuple[int, Sequence]]:
        for number, values in self.source:
            self.table.total = self._outer.total
            if number == 0:
                self.sheets.append([])
            elif self.keep is None or number <= self.keep:
                self.sheets[-1].append((number, values))
            yield number, values

    def header_sheet(self, header_row: int) -> list[tuple[int, Sequence]]:
        """The rows of the sheet the header was found on: the last one read that reaches that row."""
        for rows in reversed(self.sheets):
            if any(number == header_row for number, _values in rows):
                return rows
        return []


def mapping_key(header) -> str:
    """A header as the mapping knows it: folded, without its year, so next year's "Doanh thu năm
    2026" is read as this year's "Doanh thu năm 2025" was."""
    return fold(normal_header(header)) if isinstance(header, str) else ""


def file_headers(values: Sequence) -> list[str]:
    """The header row's cells as text, without trailing blanks and the error report's own column."""
    headers = [clean_text(value) if not is_blank(value) else "" for value in values]
    while headers and headers[-1] in ("", ERROR_COLUMN):
        headers.pop()
    return headers


def headers_digest(headers: Sequence[str]) -> str:
    return hashlib.sha256("\x1f".join(mapping_key(header) for header in headers).encode()).hexdigest()


def overview(recorder: Recorder, parsed: ParsedFile, errors: list[RowError]) -> dict:
    """What the mapping page shows: each column (letter, header, a few values, the field proposed,
    the field read, the year its header names, its error, its rows with an error), the title's
    year and where the figures' year comes from."""
    rows = recorder.header_sheet(parsed.header_row)
    header_values = next((values for number, values in rows if number == parsed.header_row), [])
    headers = file_headers(header_values)
    proposed = {column.index: name for name, column in (find_columns(header_values) or {}).items()}
    read = {column.index: column for column in parsed.columns.values()}
    failing = _rows_failing_by_letter(errors, parsed.header_row)
    below = [values for number, values in rows if number > parsed.header_row]
    below = [values for values in below if any(not is_blank(value) for value in values)]
    if below and _is_numbering_row(below[0]):  # the "(1) (2) (3)" row under the header
        below = below[1:]
    titles = [value for number, values in rows if number < parsed.header_row for value in values]
    seen_keys, columns = {}, []
    for index, header in enumerate(headers):
        letter = get_column_letter(index + 1)
        key = mapping_key(header)
        column = read.get(index)
        columns.append(
            {
                "index": index,
                "letter": letter,
                "header": header,
                "key": key,
                "same_as": seen_keys.get(key, "") if key else "",
                "samples": _samples(below, index),
                "proposed": proposed.get(index, ""),
                "field": column.field if column else "",
                "year": header_year(header),
                "error": (column.error or "") if column else "",
                "failing": failing.get(letter, 0),
            }
        )
        if key:
            seen_keys.setdefault(key, letter)
    found_title_year = title_year([value for value in titles if isinstance(value, str)])
    return {
        "columns": columns,
        "digest": headers_digest(headers),
        "title_year": found_title_year,
        **year_source(columns, found_title_year),
    }


def year_source(columns: list[dict], found_title_year: int | None) -> dict:
    """Where the figures' year comes from with the fields read: a column, the headers, the title,
    else the staff (needed when a column holds figures or a rating)."""
    fields = {column["field"] for column in columns}
    if "year" in fields:
        return {"year_from": "column", "header_year": None, "needs_year": False}
    years = {column["year"] for column in columns if column["year"] and column["field"] in YEARLY_FIELDS}
    if years:
        return {"year_from": "header", "header_year": min(years), "needs_year": False}
    if found_title_year:
        return {"year_from": "title", "header_year": None, "needs_year": False}
    return {"year_from": "", "header_year": None, "needs_year": bool(fields & YEARLY_FIELDS)}


LETTER = re.compile(r"^([A-Z]{1,3}) \(")


def _rows_failing_by_letter(errors: list[RowError], header_row: int) -> dict[str, int]:
    rows: dict[str, set[int]] = {}
    for error in errors:
        found = LETTER.match(str(error.column))
        if found and error.row and error.row > header_row:
            rows.setdefault(found.group(1), set()).add(error.row)
    return {letter: len(numbers) for letter, numbers in rows.items()}


def _samples(rows: list[Sequence], index: int) -> list[str]:
    found = []
    for values in rows:
        value = values[index] if index < len(values) else None
        if is_blank(value):
            continue
        text = shown(value)
        if text not in found:
            found.append(text)
        if len(found) == SAMPLES:
            break
    return found


def shown(value) -> str:
    """A cell as the page shows it: dates dd/mm/yyyy, text cut to 40 characters."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    text = clean_text(value)
    return text if len(text) <= 40 else text[:39] + "…"


def overrides(columns: list[dict], chosen: dict[int, str]) -> dict[str, str]:
    """The fields staff chose where they differ from the proposals, by header (see mapping_key);
    "" for a column left out. A header repeated takes its first column's choice."""
    found = {}
    for column in columns:
        if not column["key"] or column["same_as"] or column["index"] not in chosen:
            continue
        field = chosen[column["index"]]
        field = "" if field == NOT_IMPORTED else field
        if field != column["proposed"]:
            found[column["key"]] = field
    return found
