"""Parsing rows (`parse`): a `Table` → one `RowRecord` per data row and every `RowError`, finding
the header under title rows, skipping blank rows, a column-numbering row, totals and footers;
`grouped_errors` says once an error repeated on many rows of a column."""

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import InvalidOperation

from django.utils.translation import gettext as _

from .headers import OTHER_HEADERS, TEMPLATE_HEADERS, Column, find_columns, title_year
from .places import CommuneRef
from .reading import HEADER_SEARCH_ROWS, MAX_ROWS, ImportFileError, Table
from .text import clean_text, fold, is_blank
from .values import FIGURE_FIELDS, MONEY_FIELDS, PARSERS, RATING_FIELDS, year_alone

PROGRESS_EVERY = 1000


@dataclass
class RowError:
    row: int | None  # None: the file as a whole
    column: str
    message: str
    # A question rather than a mistake: the communes the row may mean (an old commune split across
    # several, a name several share), for staff to choose one (`plan`'s choices).
    candidates: list[CommuneRef] | None = None
    rows: int = 1  # the rows an error grouped by cause stands for (grouped_errors)

    def as_list(self):
        return [self.row, self.column, self.message]


# Errors sharing a cause in one column, on at least this many rows, are reported once for all of them:
# a column misread (a commune list of another province, a unit left out) is one thing to fix.
GROUPED_FROM = 5
QUOTED = re.compile(r"“[^”]*”")


def grouped_errors(errors: list[RowError]) -> list[RowError]:
    """`errors`, those of one cause in one column on GROUPED_FROM rows or more said once, at the first
    of them ("Không có xã/phường “…” trong Tỉnh Phú Thọ — 55 dòng: 9–68"); the cause is the message
    with its quoted values left out, so "“abc” không phải là số" on many rows is one cause."""
    causes: dict[tuple[str, str], list[RowError]] = {}
    for error in errors:
        if error.row is not None and not error.candidates:  # each question is answered on its own row
            causes.setdefault((str(error.column), QUOTED.sub("“…”", str(error.message))), []).append(error)
    grouped, result = {}, []
    for (column, cause), same in causes.items():
        if len(same) >= GROUPED_FROM:
            rows = _ranges([error.row for error in same])
            message = _("%(cause)s — %(count)s dòng: %(rows)s") % {"cause": cause, "count": len(same), "rows": rows}
            grouped.update({id(error): None for error in same})
            grouped[id(same[0])] = RowError(same[0].row, column, message, rows=len(same))
    for error in errors:
        if id(error) not in grouped:
            result.append(error)
        elif grouped[id(error)] is not None:
            result.append(grouped[id(error)])
    return result


def _ranges(rows: list[int]) -> str:
    """9, 10, 11, 12, 20 → "9–12, 20"."""
    spans: list[list[int]] = []
    for row in sorted(set(rows)):
        if spans and row == spans[-1][1] + 1:
            spans[-1][1] = row
        else:
            spans.append([row, row])
    return ", ".join(f"{low}–{high}" if high > low else str(low) for low, high in spans)


@dataclass
class RowRecord:
    row: int
    values: dict  # field -> parsed value, only for cells that were filled in
    columns: dict[str, Column]
    failed: set[str] = field(default_factory=set)  # fields whose cell could not be read (already an error)

    @property
    def code(self) -> str:
        return self.values["registration_code"]

    def label(self, name: str) -> str:
        column = self.columns.get(name)
        return column.label if column else TEMPLATE_HEADERS.get(name) or OTHER_HEADERS.get(name, name)


@dataclass
class ParsedFile:
    records: list[RowRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    columns: dict[str, Column] = field(default_factory=dict)
    rows_read: int = 0
    year: int | None = None  # the figures' year when no row or header says it: the title's, or the staff's
    header_row: int = 0

    def valid_rows(self, errors: list[RowError]) -> "ParsedFile | None":
        """The file without the rows `errors` name, to import the valid rows only; None when an
        error is the file's or a column's (a column not read would be left out of every row)."""
        if any(error.row is None or error.row <= self.header_row for error in errors):
            return None
        rejected = {error.row for error in errors}
        records = [record for record in self.records if record.row not in rejected]
        return ParsedFile(records, [], self.notes, self.columns, self.rows_read, self.year, self.header_row)


NUMBERING_CELL = re.compile(r"^\(?[0-9A-Za-z]{1,2}\)?$")


def _is_numbering_row(values: Sequence) -> bool:
    """The row of column numbers "(1) (2) (3)…" that official forms print under the header."""
    filled = [value for value in values if not is_blank(value)]
    return len(filled) >= 3 and all(NUMBERING_CELL.match(clean_text(value)) for value in filled)


def _is_total_row(values: Sequence) -> bool:
    """A "Tổng cộng" row: its first words say so (a name such as "Cộng đồng Xanh" does not)."""
    texts = [fold(value) for value in values if isinstance(value, str) and not is_blank(value)]
    return bool(texts) and (texts[0] in {"tong", "cong"} or texts[0].startswith(("tong cong", "tong so", "total")))


def parse(
    table: Table,
    on_progress: Callable[[int], None] | None = None,
    *,
    year: int | None = None,
    mapping: dict[str, str] | None = None,
) -> ParsedFile:
    """Find the header and turn every data row into a record or errors. Raises ImportFileError.

    The figures' year: a row's "Năm" cell, else the year its columns' headers name ("Doanh thu năm
    2025"), else the year of the title rows ("NĂM 2025", "đến 31/12/2022"), else `year` (the staff's)."""
    parsed = ParsedFile()
    rows = iter(table.rows)
    try:
        number, columns, title_year = _header(rows, {fold(header): name for header, name in (mapping or {}).items()})
        parsed.columns, parsed.header_row = columns, number
        parsed.year = title_year or year
        if title_year and "year" not in columns and not any(column.year for column in columns.values()):
            parsed.notes.append(_("Năm số liệu lấy từ dòng tiêu đề: %(year)s.") % {"year": title_year})
        parsed.errors += [RowError(number, column.label, column.error) for column in columns.values() if column.error]
        _data_rows(rows, columns, parsed, on_progress)
    finally:
        table.close()
    if not parsed.records and not parsed.errors:
        raise ImportFileError(_("Không có dòng dữ liệu nào dưới dòng tiêu đề."))
    return parsed


def _header(rows: Iterator, mapping: dict[str, str]) -> tuple[int, dict[str, Column], int | None]:
    searched, titles = 0, []
    for number, values in rows:
        if number == 0:  # next sheet
            searched, titles = 0, []
            continue
        searched += 1
        if searched <= HEADER_SEARCH_ROWS and (columns := find_columns(values, mapping)):
            return number, columns, title_year(titles)
        if searched <= HEADER_SEARCH_ROWS:
            titles += [value for value in values if isinstance(value, str)]
    raise ImportFileError(
        _(
            "Không tìm thấy dòng tiêu đề: cần một dòng (trong %(rows)s dòng đầu) có cột “Mã số đăng ký” và "
            "các cột khác như trong tệp mẫu."
        )
        % {"rows": HEADER_SEARCH_ROWS}
    )


def _data_rows(rows: Iterator, columns: dict[str, Column], parsed: ParsedFile, on_progress) -> None:
    codeless = []  # rows without a code: errors if data follows, a footer (totals, signatures) if not
    first = True
    memo = {}
    readable = [(name, column) for name, column in columns.items() if name in PARSERS and not column.error]
    for number, values in rows:
        if number == 0:
            break  # the end of the sheet holding the header
        parsed.rows_read += 1
        if on_progress and parsed.rows_read % PROGRESS_EVERY == 0:
            on_progress(parsed.rows_read)
        if parsed.rows_read > MAX_ROWS:
            raise ImportFileError(_("Tệp có hơn %(rows)s dòng: hãy chia thành nhiều tệp.") % {"rows": MAX_ROWS})
        if first and _is_numbering_row(values):
            first = False
            continue
        record, errors = _record(number, values, columns, readable, memo, parsed.year)
        if not record.values and not record.failed:
            continue  # blank in every column read (a numbered but empty row of a form counts as blank)
        first = False
        code_error = "registration_code" in record.failed
        code = record.values.get("registration_code")
        if not code and (_is_total_row(values) or (code_error and not _has_data(record))):
            codeless.append((number, values, errors))  # "Tổng cộng", "Người lập biểu": a footer, if last
            continue
        if not code and not code_error:
            if _looks_like_an_organisation(record):
                parsed.errors.append(_codeless_error(number, values, columns))
            else:
                codeless.append((number, values, []))
            continue
        for row, row_values, row_errors in codeless:
            parsed.errors += row_errors or [_codeless_error(row, row_values, columns)]
        codeless = []
        parsed.errors += errors
        if not code_error:
            parsed.records.append(record)  # planned even with errors, so that the plan's own errors show too
    if codeless:
        rows_left = ", ".join(str(row) for row, _values, _errors in codeless[:10])
        parsed.notes.append(
            _("Bỏ qua %(count)s dòng cuối không có mã số đăng ký (dòng tổng cộng, ghi chú, chữ ký): %(rows)s.")
            % {"count": len(codeless), "rows": rows_left + ("…" if len(codeless) > 10 else "")}
        )


def _cell(column: Column, raw, memo: dict):
    """(value, None) or (None, the reason it cannot be read); remembered, as files repeat their values."""
    key = (column.field, type(raw), raw)
    try:
        return memo[key]
    except KeyError:
        pass
    except TypeError:  # not hashable: read it every time
        key = None
    try:
        if column.field in MONEY_FIELDS:
            found = PARSERS[column.field](raw, column.unit, column.period), None
        else:
            found = PARSERS[column.field](raw), None
    except (ValueError, ArithmeticError, InvalidOperation) as error:
        message = str(error) if isinstance(error, ValueError) and error.args else _("giá trị không hợp lệ")
        found = None, message[:1].upper() + message[1:] + "."
    if key is not None and len(memo) < 200_000:
        memo[key] = found
    return found


def _looks_like_an_organisation(record: RowRecord) -> bool:
    """A row without a code that names an organisation is an error even at the bottom: never drop one silently."""
    described = {"name", "kind", "sector", "commune_code", "commune_name", "founded_on"}
    return len(described & (set(record.values) | record.failed)) >= 2


# Cells a footer's words can be read into: the signer's name under "Tên tổ chức", the place and date.
FREE_TEXT_FIELDS = {"name", "address", "legal_representative", "commune_name"}


def _has_data(record: RowRecord) -> bool:
    """A row whose code cell holds words is a footer unless some cell reads as an organisation's data."""
    return bool(set(record.values) - FREE_TEXT_FIELDS)


def _codeless_error(row, values, columns) -> RowError:
    column = columns["registration_code"]
    if _is_total_row(values):
        return RowError(row, column.label, _("Dòng tổng cộng ở giữa danh sách: hãy xoá hoặc chuyển xuống cuối."))
    return RowError(row, column.label, _("Thiếu mã số đăng ký: mỗi dòng phải có mã số để đối chiếu."))


def _record(
    number: int, values: Sequence, columns, readable, memo: dict, year=None
) -> tuple[RowRecord, list[RowError]]:
    record = RowRecord(number, {}, columns)
    errors = []
    width = len(values)
    for name, column in readable:
        raw = values[column.index] if column.index < width else None
        if raw is None or (raw.__class__ is str and is_blank(raw)):
            continue
        value, message = _cell(column, raw, memo)
        if message is None:
            record.values[name] = value
            if name == "founded_on":
                record.values["founded_year_only"] = year_alone(raw) is not None
        else:
            errors.append(RowError(number, column.label, message))
            record.failed.add(name)
    touched = (set(record.values) | record.failed) & {*FIGURE_FIELDS, *RATING_FIELDS, "scheme"}
    if touched and "year" not in record.values and "year" not in record.failed:
        years = {columns[name].year for name in touched} - {None}
        year = years.pop() if years else year  # more than one is a header error already
        if year:
            record.values["year"] = year
    if touched and "year" not in record.values and "year" not in record.failed:
        errors.append(RowError(number, record.label("year"), _("Thiếu năm của số liệu hoặc xếp loại.")))
    return record, errors
