"""Reading a list of communes' new-rural recognitions (commune, level, decision number and date; the
decision withdrawing one), through the registry import's upload, mapping step and preview.

`parse` finds the header (a commune column, a level and a decision date) under title rows and reads
every row; `plan` matches each row's commune on both maps (`places`: an old commune carried through
the 2025 succession, a split one asked about) and each recognition by (commune, level, decision
date), the model's unique key: the same decision imported twice changes nothing.
`cooperatives.services.registry_import` runs them for an upload of kind "ntm" and writes.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cooperatives.importing.headers import Column, header_field, normal_header
from cooperatives.importing.places import Places, without_commune_word
from cooperatives.importing.planning import CREATE, UNCHANGED, UPDATE, Counts, read_place
from cooperatives.importing.reading import HEADER_SEARCH_ROWS, MAX_ROWS, ImportFileError, Table
from cooperatives.importing.rows import ParsedFile, RowError, RowRecord
from cooperatives.importing.text import clean_text, fold, is_blank
from cooperatives.importing.values import parse_commune_code, parse_date
from cooperatives.models import MERGER_DATE, AdminUnit, NtmRecognition

KIND = "recognitions"

HEADERS = {
    "commune_code": "Mã xã",
    "commune_name": "Xã",
    "ntm_level": "Mức công nhận",
    "decision_number": "Số quyết định",
    "decided_on": "Ngày quyết định",
    "withdrawal_decision": "Số quyết định thu hồi",
    "withdrawn_on": "Ngày thu hồi",
}
SYNONYMS = {
    "row_number": ["stt", "tt", "so tt", "so thu tu"],
    "commune_code": ["ma xa", "ma don vi hanh chinh", "ma dvhc", "ma xa phuong"],
    "commune_name": ["xa", "ten xa", "xa phuong", "ten xa phuong", "don vi", "ten don vi", "dia phuong"],
    "district": ["huyen", "ten huyen", "quan huyen", "huyen thi xa", "huyen thi xa thanh pho"],
    "ntm_level": ["muc dat chuan", "muc dat", "muc cong nhan", "cong nhan", "dat chuan", "muc", "loai"],
    "decision_number": ["so quyet dinh", "quyet dinh", "so qd", "quyet dinh cong nhan", "so quyet dinh cong nhan"],
    "decided_on": ["ngay quyet dinh", "ngay cong nhan", "ngay qd", "ngay ky", "ngay ban hanh"],
    "withdrawal_decision": ["so quyet dinh thu hoi", "quyet dinh thu hoi", "so qd thu hoi"],
    "withdrawn_on": ["ngay thu hoi", "ngay qd thu hoi", "ngay quyet dinh thu hoi"],
}
LOOKUP = {fold(header): name for name, header in HEADERS.items()}
LOOKUP.update({synonym: name for name, synonyms in SYNONYMS.items() for synonym in synonyms})

# The level a cell names, folded: the highest word found wins ("Đạt chuẩn NTM nâng cao" is advanced).
LEVEL_WORDS = [
    (("kieu mau",), NtmRecognition.Level.MODEL),
    (("nang cao",), NtmRecognition.Level.ADVANCED),
    (("dat chuan", "nong thon moi", "ntm", "chuan"), NtmRecognition.Level.STANDARD),
]

FIELD_LABELS = {
    "row_number": gettext_lazy("Số thứ tự"),
    "commune_code": gettext_lazy("Mã xã"),
    "commune_name": gettext_lazy("Xã"),
    "district": gettext_lazy("Quận/huyện"),
    "ntm_level": gettext_lazy("Mức công nhận"),
    "decision_number": gettext_lazy("Số quyết định công nhận"),
    "decided_on": gettext_lazy("Ngày quyết định"),
    "withdrawal_decision": gettext_lazy("Số quyết định thu hồi"),
    "withdrawn_on": gettext_lazy("Ngày thu hồi"),
}
DECISION_LIMIT = NtmRecognition._meta.get_field("decision_number").max_length


def parse_level(value) -> str:
    words = fold(clean_text(value))
    for found, level in LEVEL_WORDS:
        if any(f" {word} " in f" {words} " for word in found):
            return level
    raise ValueError(
        _("Không hiểu mức công nhận “%(value)s”: hãy ghi đạt chuẩn, nâng cao hoặc kiểu mẫu")
        % {"value": clean_text(value)[:40]}
    )


def parse_decision(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_text(value)
    if len(text) > DECISION_LIMIT:
        raise ValueError(_("dài quá %(limit)s ký tự") % {"limit": DECISION_LIMIT})
    return text


def _place_text(value) -> str:
    return clean_text(value)[:100]


PARSERS: dict[str, Callable] = {
    "commune_code": parse_commune_code,
    "commune_name": _place_text,
    "district": _place_text,
    "ntm_level": parse_level,
    "decision_number": parse_decision,
    "decided_on": parse_date,
    "withdrawal_decision": parse_decision,
    "withdrawn_on": parse_date,
}


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


def field_choices() -> list[tuple[str, str]]:
    """The mapping step's select for a recognition list: not imported, then its fields."""
    return [("-", str(_("Không nhập")))] + [(name, field_label(name)) for name in FIELD_LABELS]


def mappable_fields() -> set[str]:
    return set(PARSERS) | {"row_number"}


def column_field(text) -> str | None:
    """Which field a header of a recognition list names: "Tên xã" → commune_name."""
    if is_blank(text) or not isinstance(text, str):
        return None
    folded = fold(normal_header(text))
    found = LOOKUP.get(folded) or LOOKUP.get(fold(text.split("(")[0]))
    if found is None and header_field(text) in ("commune_code", "commune_name", "district"):
        return header_field(text)  # the registry's own words for a place
    return found


def find_columns(values: Sequence, mapping: dict[str, str] | None = None) -> dict[str, Column] | None:
    """The columns of a header row, or None when it is not the header (it needs a commune, the level
    and the decision date)."""
    columns = {}
    mapping = mapping or {}
    for index, value in enumerate(values):
        chosen = None
        if isinstance(value, str):
            chosen = mapping.get(fold(value), mapping.get(fold(normal_header(value))))
        name = column_field(value) if chosen is None else chosen or None
        if name and name not in columns:
            columns[name] = Column(index, name, clean_text(value))
    if {"commune_code", "commune_name"} & set(columns) and {"ntm_level", "decided_on"} <= set(columns):
        return columns
    return None


def parse(table: Table, on_progress=None, *, mapping: dict[str, str] | None = None, **_options) -> ParsedFile:
    """Find the header and read every data row. Raises ImportFileError."""
    folded = {fold(header): name for header, name in (mapping or {}).items()}
    parsed = ParsedFile()
    rows = iter(table.rows)
    try:
        searched = 0
        for number, values in rows:
            if number == 0:
                searched = 0
                continue
            searched += 1
            if searched <= HEADER_SEARCH_ROWS and (columns := find_columns(values, folded)):
                parsed.columns, parsed.header_row = columns, number
                break
        else:
            raise ImportFileError(
                _(
                    "Không tìm thấy dòng tiêu đề: cần một dòng (trong %(rows)s dòng đầu) có cột “Xã” (hoặc “Mã xã”), "
                    "“Mức công nhận” và “Ngày quyết định”."
                )
                % {"rows": HEADER_SEARCH_ROWS}
            )
        _data_rows(rows, parsed, on_progress)
    finally:
        table.close()
    if not parsed.records and not parsed.errors:
        raise ImportFileError(_("Không có dòng dữ liệu nào dưới dòng tiêu đề."))
    return parsed


def _data_rows(rows, parsed: ParsedFile, on_progress) -> None:
    columns = parsed.columns
    readable = [(name, column) for name, column in columns.items() if name in PARSERS]
    first = True
    held = []
    for number, values in rows:
        if number == 0:
            break
        parsed.rows_read += 1
        if on_progress and parsed.rows_read % 1000 == 0:
            on_progress(parsed.rows_read)
        if parsed.rows_read > MAX_ROWS:
            raise ImportFileError(_("Tệp có hơn %(rows)s dòng: hãy chia thành nhiều tệp.") % {"rows": MAX_ROWS})
        if first and is_numbering_row(values):
            first = False
            continue
        if is_total_row(values):
            continue
        record = RowRecord(number, {}, columns)
        errors = []
        for name, column in readable:
            raw = values[column.index] if column.index < len(values) else None
            if raw is None or (isinstance(raw, str) and is_blank(raw)):
                continue
            try:
                record.values[name] = PARSERS[name](raw)
            except (ValueError, ArithmeticError) as error:
                message = str(error) if error.args else _("giá trị không hợp lệ")
                errors.append(RowError(number, column.label, message[:1].upper() + message[1:] + "."))
                record.failed.add(name)
        if not record.values and not record.failed:
            continue
        first = False
        if not record.failed and set(record.values) <= FREE_TEXT:
            held.append((record, errors))  # "Người lập biểu" under the list: a footer, if nothing follows
            continue
        for kept, kept_errors in [*held, (record, errors)]:
            parsed.errors += kept_errors
            parsed.records.append(kept)
        held = []
    if held:
        rows = ", ".join(str(record.row) for record, _errors in held[:10])
        parsed.notes.append(
            _("Bỏ qua %(count)s dòng cuối chỉ có chữ (ghi chú, chữ ký): %(rows)s.") % {"count": len(held), "rows": rows}
        )


# Cells a footer's words can be read into (the signer's name under "Xã").
FREE_TEXT = {"commune_name", "district", "decision_number"}


def label(record: RowRecord, name: str) -> str:
    column = record.columns.get(name)
    return column.label if column else field_label(name)


@dataclass
class Registry:
    """What a recognition list is checked against: the province's communes on both maps, and the
    recognitions already held for them by (commune id, level, decision date)."""

    province: object
    places: Places
    recognitions: dict[tuple, NtmRecognition] = field(default_factory=dict)


@dataclass
class Plan:
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=lambda: {KIND: Counts()})
    rows: list[list] = field(default_factory=list)  # [row, commune code, commune name, action, None, None]
    create: list[NtmRecognition] = field(default_factory=list)
    update: list[NtmRecognition] = field(default_factory=list)


WRITTEN = ("decision_number", "withdrawn_on", "withdrawal_decision")


def plan(parsed: ParsedFile, registry: Registry, choices: dict[int, int] | None = None) -> Plan:
    """Each row's recognition created, updated (its decision number or withdrawal changed) or left
    unchanged, or the errors that stop it."""
    result = Plan(errors=list(parsed.errors))
    choices = choices or {}
    seen: dict[tuple, int] = {}
    for record in parsed.records:
        before = len(result.errors)
        commune = _commune(record, registry, result, choices.get(record.row))
        values = record.values
        for name in ("ntm_level", "decided_on"):
            if name not in values and name not in record.failed:
                message = _("Thiếu %(what)s.") % {"what": field_label(name).lower()}
                result.errors.append(RowError(record.row, label(record, name), message))
        if "decision_number" not in values and "decision_number" not in record.failed:
            message = _("Thiếu số quyết định công nhận.")
            result.errors.append(RowError(record.row, label(record, "decision_number"), message))
        withdrawn = values.get("withdrawn_on")
        if values.get("withdrawal_decision") and not withdrawn and "withdrawn_on" not in record.failed:
            message = _("Có số quyết định thu hồi nhưng thiếu ngày thu hồi.")
            result.errors.append(RowError(record.row, label(record, "withdrawn_on"), message))
        if withdrawn and values.get("decided_on") and withdrawn < values["decided_on"]:
            message = _("Ngày thu hồi trước ngày quyết định công nhận.")
            result.errors.append(RowError(record.row, label(record, "withdrawn_on"), message))
        if len(result.errors) > before or record.failed or commune is None:
            continue
        key = (commune.pk, values["ntm_level"], values["decided_on"])
        if key in seen:
            message = _("Trùng với dòng %(row)s (cùng xã, mức và ngày quyết định).") % {"row": seen[key]}
            result.errors.append(RowError(record.row, label(record, "decided_on"), message))
            continue
        seen[key] = record.row
        wanted = {
            "decision_number": values["decision_number"],
            "withdrawn_on": withdrawn,
            "withdrawal_decision": values.get("withdrawal_decision", ""),
        }
        existing = registry.recognitions.get(key)
        if existing is None:
            recognition = NtmRecognition(
                commune_id=commune.pk, level=values["ntm_level"], decided_on=values["decided_on"], **wanted
            )
            result.create.append(recognition)
            action = CREATE
        elif all(getattr(existing, name) == value for name, value in wanted.items()):
            action = UNCHANGED
        else:
            for name, value in wanted.items():
                setattr(existing, name, value)
            result.update.append(existing)
            action = UPDATE
        result.counts[KIND].add(action)
        result.rows.append([record.row, commune.code, commune.full_name or commune.name, action, None, None])
    return result


def _commune(record: RowRecord, registry: Registry, result: Plan, choice):
    places, values = registry.places, record.values
    if {"commune_code", "commune_name", "district"} & record.failed:
        return None
    districts = None
    if values.get("district"):
        districts = places.districts_named(values["district"]) or None
    old_first = "district" in record.columns
    decided = values.get("decided_on")
    if decided is not None and decided < MERGER_DATE:
        return _old_commune(record, registry, result, districts)
    if values.get("commune_code"):
        reading, column = places.by_code(values["commune_code"], districts, old_first), "commune_code"
    elif values.get("commune_name"):
        reading, column = places.by_text(values["commune_name"], districts, old_first), "commune_name"
    else:
        result.errors.append(RowError(record.row, label(record, "commune_name"), _("Thiếu tên hoặc mã xã.")))
        return None
    if not (reading.commune or reading.candidates or reading.message):
        reading.message = _("Không có xã “%(name)s” trong %(province)s: hãy kiểm tra tên hoặc ghi mã xã.") % {
            "name": values[column][:80],
            "province": registry.province.full_name,
        }
    commune = read_place(record, reading, column, result, choice, label=label)
    if commune is not None and commune.kind != AdminUnit.Kind.COMMUNE:
        message = _("%(name)s không phải là xã: chỉ xã được công nhận nông thôn mới.") % {"name": commune.label}
        result.errors.append(RowError(record.row, label(record, column), message))
        return None
    return commune


def _old_commune(record: RowRecord, registry: Registry, result: Plan, districts):
    """A decision before 1/7/2025 recognised a commune of the old map: the row's commune there, by
    code or name (a district column narrows), whose recognition counts for the province it went into."""
    places, values = registry.places, record.values
    if values.get("commune_code"):
        column, written = "commune_code", values["commune_code"]
        found = [places.old[written]] if written in places.old else []
    else:
        column, written = "commune_name", values["commune_name"]
        folded = fold(written)
        found = {c.pk: c for key in (folded, without_commune_word(folded)) for c in places.old_names.get(key, ())}
        found = list(found.values())
        xa = [commune for commune in found if commune.kind == AdminUnit.Kind.COMMUNE]
        found = xa or found
    if districts:
        found = [commune for commune in found if commune.district in districts]
    if len(found) == 1:
        if found[0].kind != AdminUnit.Kind.COMMUNE:
            message = _("%(name)s không phải là xã: chỉ xã được công nhận nông thôn mới.") % {
                "name": found[0].full_name
            }
            result.errors.append(RowError(record.row, label(record, column), message))
            return None
        return found[0]
    if found:
        message = _("Có nhiều xã tên “%(name)s” trong %(province)s trước 1/7/2025: hãy ghi mã xã hoặc cột huyện.")
    else:
        message = _(
            "Quyết định trước 1/7/2025 nhưng không có xã “%(name)s” trong %(province)s theo bản đồ trước 1/7/2025."
        )
    message %= {"name": written[:80], "province": registry.province.full_name}
    result.errors.append(RowError(record.row, label(record, column), message))
    return None


NUMBERING_CELL = re.compile(r"^\(?[0-9A-Za-z]{1,2}\)?$")


def is_numbering_row(values: Sequence) -> bool:
    """The row of column numbers "(1) (2) (3)…" that official forms print under the header."""
    filled = [value for value in values if not is_blank(value)]
    return len(filled) >= 3 and all(NUMBERING_CELL.match(clean_text(value)) for value in filled)


def is_total_row(values: Sequence) -> bool:
    texts = [fold(value) for value in values if isinstance(value, str) and not is_blank(value)]
    return bool(texts) and (texts[0] in {"tong", "cong"} or texts[0].startswith(("tong cong", "tong so")))
