"""`manage.py import_admin_units PATH...`: districts, communes and successions from official lists.

Every file is read and checked before anything is written, so a bad row leaves the database as it
was. The lists are recognised by their header row (see `FORMATS`); `SOURCE.md` beside the lists
says where each comes from.
"""

import csv
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cooperatives.models import AdminUnit
from cooperatives.services import NATION_KEY, Key, UnitRecord, admin_units_import

Kind, Level = AdminUnit.Kind, AdminUnit.Level
OLD, NEW = AdminUnit.Structure.BEFORE_2025, AdminUnit.Structure.FROM_2025
DIGITS = re.compile(r"[0-9]+")
WIDTH = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}
LEVEL_KINDS = {
    Level.PROVINCE: {Kind.MUNICIPALITY, Kind.PROVINCE},
    Level.DISTRICT: {Kind.URBAN_DISTRICT, Kind.DISTRICT, Kind.TOWN, Kind.PROVINCIAL_CITY, Kind.MUNICIPAL_CITY},
    Level.COMMUNE: {Kind.WARD, Kind.COMMUNE, Kind.TOWNSHIP, Kind.SPECIAL_ZONE},
}
# The Vietnamese words for kinds, as the GSO portal's `Cấp` column and the start of full names spell them.
# A "thành phố" inside a municipality is a municipal_city instead: see _gso_unit.
KIND_WORDS = {
    Level.DISTRICT: {
        "quận": Kind.URBAN_DISTRICT,
        "huyện": Kind.DISTRICT,
        "thị xã": Kind.TOWN,
        "thành phố": Kind.PROVINCIAL_CITY,
    },
    Level.COMMUNE: {"phường": Kind.WARD, "xã": Kind.COMMUNE, "thị trấn": Kind.TOWNSHIP, "đặc khu": Kind.SPECIAL_ZONE},
}
MAX_LENGTH = {name: AdminUnit._meta.get_field(name).max_length for name in ("name", "full_name", "name_en")}


@dataclass(frozen=True)
class Source:
    """Where a row came from, so that every complaint names the file and line."""

    file: str
    line: int

    def error(self, reason: str) -> CommandError:
        return CommandError(f"{self.file}, line {self.line}: {reason}")


class Batch:
    """What the lists say, checked row by row and merged in reading order (a later list wins)."""

    def __init__(self, known: dict[Key, str]):
        self.known = known  # kind of every unit already in the database
        self.units: dict[Key, UnitRecord] = {}
        self.implied: dict[Key, tuple[UnitRecord, Source]] = {}
        self.successions: dict[Key, set[Key]] = defaultdict(set)
        self.references: list[tuple[Key, Source]] = []
        self.seen: dict = {}

    def read(self, path: Path, list_format: "ListFormat") -> None:
        self.seen = {}  # duplicates are looked for within one file
        for at, row in _rows(path, list_format.required):
            list_format.read_row(self, row, at)

    def add_unit(self, record: UnitRecord, at: Source) -> None:
        self._once(record.key, f'{record.level} code "{record.code}"', at)
        earlier = self.units.get(record.key)
        if earlier and not record.name_en:
            record.name_en = earlier.name_en
        self.units[record.key] = record
        self.references.append((record.parent, at))

    def add_succession(self, old: Key, new: Key, at: Source) -> None:
        self._once((old, new), f"succession {old[2]} → {new[2]}", at)
        self.successions[old].add(new)
        self.references += [(old, at), (new, at)]

    def imply(self, record: UnitRecord, at: Source) -> None:
        """A unit named by its children's rows; used only if no list and no row in the database has it."""
        self.implied[record.key] = (record, at)

    def exists(self, key: Key) -> bool:
        return key in self.units or key in self.known

    def kind_of(self, key: Key) -> str | None:
        return self.units[key].kind if key in self.units else self.known.get(key)

    def check(self) -> None:
        """Once every file is read: add the implied units still missing, then resolve every reference."""
        for key, (record, at) in self.implied.items():
            if not self.exists(key):
                self.units[key] = record
                self.references.append((record.parent, at))
        for (structure, level, code), at in self.references:
            if not self.exists((structure, level, code)):
                raise at.error(f'unknown {level} "{code}" (structure {structure})')

    def _once(self, key, what: str, at: Source) -> None:
        if key in self.seen:
            raise at.error(f"{what} repeats line {self.seen[key]}")
        self.seen[key] = at.line


@dataclass(frozen=True)
class ListFormat:
    """One kind of list: told apart by `signature` columns; `rank` orders the files of a folder."""

    name: str
    rank: int
    signature: frozenset[str]
    required: tuple[str, ...]
    read_row: Callable[[Batch, dict[str, str], Source], None]


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[Source, dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file)
        try:
            header = [_clean(column) for column in next(reader, [])]
            missing = [column for column in required if column not in header]
            if missing:
                raise Source(path.name, 1).error(f"missing column {', '.join(missing)}")
            for row in reader:
                at = Source(path.name, reader.line_num)
                if not row:
                    continue
                if len(row) != len(header):
                    raise at.error(f"{len(row)} fields where the header has {len(header)}")
                yield at, dict(zip(header, map(_clean, row), strict=True))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise Source(path.name, reader.line_num + 1).error(f"unreadable ({exc})") from exc


def _clean(value: str) -> str:
    # Some exports write Vietnamese in decomposed form; compare and store the composed one.
    return unicodedata.normalize("NFC", value.strip())


def _header(path: Path) -> set[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            return {_clean(column) for column in next(csv.reader(file), [])}
    except (UnicodeDecodeError, csv.Error):
        return set()


def _code(value: str, level: str, at: Source, what: str) -> str:
    """A code checked and given back its leading zeros ("1" → "01"): some exports drop them."""
    width = WIDTH[level]
    if not DIGITS.fullmatch(value) or len(value) > width:
        raise at.error(f'{what} code "{value}" is not {width} digits')
    return value.zfill(width)


def _checked(record: UnitRecord, at: Source) -> UnitRecord:
    for field, limit in MAX_LENGTH.items():
        value = getattr(record, field)
        if not value and field != "name_en":
            raise at.error(f"{field} of {record.level} {record.code} is empty")
        if len(value) > limit:
            raise at.error(f"{field} of {record.level} {record.code} is longer than {limit} characters")
    return record


def _listed_unit(row: dict[str, str], key: Key, parent: Key, at: Source) -> UnitRecord:
    """A unit from one of the clean lists, whose `unit_type` is already an AdminUnit.Kind value."""
    structure, level, code = key
    if row["unit_type"] not in LEVEL_KINDS[level]:
        raise at.error(f'unknown unit_type "{row["unit_type"]}" for a {level}')
    record = UnitRecord(structure, level, code, row["name"], row["full_name"], row["name_en"], row["unit_type"], parent)
    return _checked(record, at)


def _province_reader(structure: str):
    def read_province(batch: Batch, row: dict[str, str], at: Source) -> None:
        code = _code(row["code"], Level.PROVINCE, at, "province")
        record = _listed_unit(row, (structure, Level.PROVINCE, code), NATION_KEY, at)
        if record.key not in batch.known:
            raise at.error(f'province "{code}" is not one of the {structure} provinces; provinces are never created')
        batch.add_unit(record, at)

    return read_province


def _read_district_or_new_commune(batch: Batch, row: dict[str, str], at: Source) -> None:
    # The old districts and the new communes share one header; only the code's length tells them apart.
    code, province = row["code"], _code(row["province_code"], Level.PROVINCE, at, "province")
    if DIGITS.fullmatch(code) and len(code) == WIDTH[Level.DISTRICT]:
        key, parent = (OLD, Level.DISTRICT, code), (OLD, Level.PROVINCE, province)
    elif DIGITS.fullmatch(code) and len(code) == WIDTH[Level.COMMUNE]:
        key, parent = (NEW, Level.COMMUNE, code), (NEW, Level.PROVINCE, province)
    else:
        raise at.error(f'code "{code}" is neither a district (3 digits) nor a commune (5 digits)')
    batch.add_unit(_listed_unit(row, key, parent, at), at)


def _read_old_commune(batch: Batch, row: dict[str, str], at: Source) -> None:
    code = _code(row["code"], Level.COMMUNE, at, "commune")
    district = _code(row["district_code"], Level.DISTRICT, at, "district")
    batch.add_unit(_listed_unit(row, (OLD, Level.COMMUNE, code), (OLD, Level.DISTRICT, district), at), at)


def _read_province_merger(batch: Batch, row: dict[str, str], at: Source) -> None:
    old = _code(row["old_code"], Level.PROVINCE, at, "old province")
    new = _code(row["new_code"], Level.PROVINCE, at, "new province")
    batch.add_succession((OLD, Level.PROVINCE, old), (NEW, Level.PROVINCE, new), at)


def _read_commune_mapping(batch: Batch, row: dict[str, str], at: Source) -> None:
    new = (NEW, Level.COMMUNE, _code(row["new_ward_code"], Level.COMMUNE, at, "new commune"))
    if row["old_ward_code"]:
        old = (OLD, Level.COMMUNE, _code(row["old_ward_code"], Level.COMMUNE, at, "old commune"))
    else:
        # A whole island district without communes (Bạch Long Vĩ, Cồn Cỏ…) became one special zone.
        old = (OLD, Level.DISTRICT, _code(row["old_district_code"], Level.DISTRICT, at, "old district"))
    batch.add_succession(old, new, at)


def _gso_kind(full_name: str, level_word: str | None, level: str, at: Source) -> tuple[str | None, str]:
    """The kind word that starts the name (if any) and the kind it means."""
    words = KIND_WORDS[level]
    if level_word is not None and level_word.casefold() not in words:
        raise at.error(f'unknown Cấp "{level_word}" for a {level}')
    named = next((word for word in words if full_name.casefold().startswith(word + " ")), None)
    if named is None and level_word is None:
        raise at.error(f'cannot tell the kind of {level} "{full_name}" from its name')
    # The portal's Cấp lags behind renames ("Phường 5" of Phú Nhuận filed as Xã): the name is right.
    return named, words[named or level_word.casefold()]


def _gso_unit(batch: Batch, key: Key, parent: Key, names: tuple[str, str, str | None], at: Source) -> UnitRecord:
    """A unit from the GSO portal's export, which gives only the full name and the Vietnamese kind."""
    full_name, name_en, level_word = names
    word, kind = _gso_kind(full_name, level_word, key[1], at)
    if kind == Kind.PROVINCIAL_CITY and batch.kind_of(parent) == Kind.MUNICIPALITY:
        kind = Kind.MUNICIPAL_CITY  # a city inside a municipality: Thủ Đức
    name = full_name[len(word) :].strip() if word else full_name
    full_name = f"{word.capitalize()} {name}" if word else full_name  # "Thị Xã" → "Thị xã"
    return _checked(UnitRecord(*key, name, full_name, name_en, kind, parent), at)


def _read_gso_district(batch: Batch, row: dict[str, str], at: Source) -> None:
    province = (OLD, Level.PROVINCE, _code(row["Mã TP"], Level.PROVINCE, at, "province"))
    key = (OLD, Level.DISTRICT, _code(row["Mã"], Level.DISTRICT, at, "district"))
    batch.add_unit(_gso_unit(batch, key, province, (row["Tên"], row["Tên Tiếng Anh"], row["Cấp"]), at), at)


def _read_gso_commune(batch: Batch, row: dict[str, str], at: Source) -> None:
    province = (OLD, Level.PROVINCE, _code(row["Mã TP"], Level.PROVINCE, at, "province"))
    district = (OLD, Level.DISTRICT, _code(row["Mã QH"], Level.DISTRICT, at, "district"))
    key = (OLD, Level.COMMUNE, _code(row["Mã"], Level.COMMUNE, at, "commune"))
    if not batch.exists(district) and district not in batch.implied:
        batch.imply(_gso_unit(batch, district, province, (row["Quận Huyện"], "", None), at), at)
    batch.add_unit(_gso_unit(batch, key, district, (row["Tên"], row["Tên Tiếng Anh"], row["Cấp"]), at), at)


LISTED = ("code", "name", "full_name", "name_en")
GSO = ("Mã", "Tên", "Tên Tiếng Anh", "Cấp")
# In the order they are tried: a format's signature must not fit the lists tried after it.
FORMATS = [
    ListFormat("provinces (63)", 0, frozenset({"region_id"}), (*LISTED, "unit_type"), _province_reader(OLD)),
    ListFormat(
        "provinces (34)", 1, frozenset({"merged_from_old_codes"}), (*LISTED, "unit_type"), _province_reader(NEW)
    ),
    ListFormat(
        "old communes", 3, frozenset({"district_code"}), (*LISTED, "district_code", "unit_type"), _read_old_commune
    ),
    ListFormat(
        "province merger", 6, frozenset({"old_code", "new_code"}), ("old_code", "new_code"), _read_province_merger
    ),
    ListFormat(
        "commune mapping",
        7,
        frozenset({"old_ward_code"}),
        ("old_district_code", "old_ward_code", "new_ward_code"),
        _read_commune_mapping,
    ),
    ListFormat("GSO communes", 5, frozenset({"Mã QH"}), (*GSO, "Mã QH", "Quận Huyện", "Mã TP"), _read_gso_commune),
    ListFormat("GSO districts", 4, frozenset({"Mã TP"}), (*GSO, "Mã TP"), _read_gso_district),
    ListFormat(
        "districts or new communes",
        2,
        frozenset({"province_code", "unit_type"}),
        (*LISTED, "province_code", "unit_type"),
        _read_district_or_new_commune,
    ),
]


def format_of(path: Path) -> ListFormat | None:
    header = _header(path)
    return next((list_format for list_format in FORMATS if list_format.signature <= header), None)


class Command(BaseCommand):
    help = (
        "Load districts, communes of both structures and their successions from official lists: CSV files, "
        "or folders of them. Checks every file before writing anything; running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="a CSV list, or a folder of them")

    def handle(self, *args, paths, verbosity, **options):
        lists = [found for path in paths for found in self._lists(Path(path))]
        with transaction.atomic():
            batch = Batch(known=dict(((s, lv, c), k) for s, lv, c, k in self._known_units()))
            for path, list_format in lists:
                batch.read(path, list_format)
            batch.check()
            report = admin_units_import(units=batch.units, successions=batch.successions)
        if verbosity:
            for label, counts in report.items():
                self.stdout.write(f"{label}: {counts}")

    def _known_units(self):
        return AdminUnit.objects.values_list("structure", "level", "code", "kind")

    def _lists(self, path: Path) -> list[tuple[Path, ListFormat]]:
        """The lists at `path`: the file itself, or a folder's lists in the order they must be applied."""
        if path.is_dir():
            found = []
            for file in sorted(path.glob("*.csv")):
                list_format = format_of(file)
                if list_format is None:
                    self.stderr.write(f"skipped {file.name}: not a recognised list of administrative units")
                else:
                    found.append((file, list_format))
            return sorted(found, key=lambda item: (item[1].rank, item[0].name))
        if not path.is_file():
            raise CommandError(f"{path}: no such file or folder")
        list_format = format_of(path)
        if list_format is None:
            raise CommandError(f"{path.name}: not a recognised list of administrative units (see its header row)")
        return [(path, list_format)]
