"""Reading a row's place: a commune's code or name, an address, a district, written on either map
(before 1/7/2025, with districts, or from then on) and carried to the commune of today's map.

`Places` holds the import's province on both maps; the service loads it (no database here). An old
commune that went whole into one new commune is read as that commune. One split across several,
or a name several communes share, is never guessed: the reading lists the candidates and staff
choose one (`choices` of `importing.plan`).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .text import clean_text, fold

# Parts of an address that name a district or a province, not a commune (folded).
NOT_A_COMMUNE = ("tinh ", "thanh pho ", "tp ", "huyen ", "quan ", "thi xa ", "h ", "q ", "tx ")
# Unit words of a district, and their short forms ("H. Đà Bắc", "TP Hòa Bình", "TX Phú Thọ").
DISTRICT_WORDS = ("huyen ", "quan ", "thi xa ", "thanh pho ", "tp ", "tx ", "h ", "q ")
# Unit words of a commune and their short forms ("P. Hòa Bình", "TT Thanh Sơn", "X. Kim Bôi", "ĐK
# Cô Tô"), with the kind each names (AdminUnit.Kind).
COMMUNE_WORDS = {
    "xa ": "commune",
    "phuong ": "ward",
    "dac khu ": "special_administrative_region",
    "thi tran ": "commune_level_town",
    "tt ": "commune_level_town",
    "p ": "ward",
    "x ": "commune",
    "dk ": "special_administrative_region",
}
# More candidates than this is no question to put to staff: the name is too common, write the code.
MAX_CANDIDATES = 12


ADDRESS_PARTS = re.compile(r"[,;]|\s-\s")


def address_parts(text: str) -> list[str]:
    return [fold(part) for part in ADDRESS_PARTS.split(clean_text(text))]


def without_commune_word(folded: str) -> str:
    for word in COMMUNE_WORDS:
        if folded.startswith(word):
            return folded.removeprefix(word)
    return folded


def _commune_kind(folded: str) -> str | None:
    return next((kind for word, kind in COMMUNE_WORDS.items() if folded.startswith(word)), None)


def _without_district_word(folded: str) -> str:
    for word in DISTRICT_WORDS:
        if folded.startswith(word):
            return folded.removeprefix(word)
    return folded


@dataclass(frozen=True)
class CommuneRef:
    """A commune of today's map."""

    pk: int
    code: str
    name: str
    province_id: int
    kind: str = ""
    full_name: str = ""

    @property
    def label(self) -> str:
        return self.full_name or self.name


@dataclass(frozen=True)
class OldCommune:
    """A commune of the map before 1/7/2025, in one of the old provinces of the import's province."""

    pk: int
    code: str
    name: str
    full_name: str
    kind: str
    district: int
    successors: tuple[int, ...]  # today's communes it went into (UnitSuccession)


@dataclass(frozen=True)
class District:
    pk: int
    code: str
    name: str
    full_name: str


@dataclass
class Reading:
    """What a row's place reads as: one commune, or candidates for staff to choose from, or neither
    (`message` then says why, for the column of `field`; no message: nothing named it)."""

    commune: CommuneRef | None = None
    candidates: list[CommuneRef] = field(default_factory=list)
    message: str = ""
    field: str = ""


class Places:
    """The import's province on both maps, indexed by code and by folded name."""

    def __init__(self, province, communes: dict[str, CommuneRef], districts=(), old_communes=()):
        self.province = province
        self.communes = communes  # today's map, the whole country, by code
        self.by_pk = {c.pk: c for c in communes.values() if c.province_id == province.pk}
        self.districts = {district.pk: district for district in districts}
        self.old = {commune.code: commune for commune in old_communes}
        self.new_names = _by_name(self.by_pk.values())
        self.old_names = _by_name(old_communes)
        self.district_names: dict[str, set[int]] = defaultdict(set)
        self.district_codes = {district.code: district.pk for district in districts}
        for district in districts:
            for key in (fold(district.name), _without_district_word(fold(district.full_name))):
                self.district_names[key].add(district.pk)
        # Today's commune -> the old districts it took land from, for "a district column narrows".
        self.areas: dict[int, set[int]] = defaultdict(set)
        for commune in old_communes:
            for successor in commune.successors:
                self.areas[successor].add(commune.district)

    # Districts ---------------------------------------------------------------------------

    def districts_named(self, text) -> set[int]:
        """The old districts a cell names: "Huyện Đà Bắc", "H. Đà Bắc", "da bac", "150", with or
        without the province after a comma."""
        raw = clean_text(text)
        if raw.isdigit() and raw.zfill(3) in self.district_codes:
            return {self.district_codes[raw.zfill(3)]}
        found = set()
        for part in address_parts(raw):
            if part and not part.startswith("tinh "):
                found |= self.district_names.get(_without_district_word(part), set())
        return found

    def _district_label(self, pks) -> str:
        return ", ".join(sorted(self.districts[pk].full_name for pk in pks if pk in self.districts))

    # Communes ----------------------------------------------------------------------------

    def by_code(self, code: str, districts: set[int] | None, old_first: bool) -> Reading:
        new = self.communes.get(code)
        if new is not None and new.province_id != self.province.pk:
            new_here, elsewhere = [], new
        else:
            new_here, elsewhere = ([new] if new else []), None
        old = [self.old[code]] if code in self.old else []
        reading = self._choose(new_here, old, districts, None, old_first, code)
        if reading.commune or reading.candidates or reading.message:
            return reading
        if elsewhere is not None:
            message = _("Xã/phường %(name)s (mã %(code)s) không thuộc %(province)s.") % {
                "name": elsewhere.name,
                "code": code,
                "province": self.province.full_name,
            }
        else:
            message = _(
                "Không có xã/phường mã %(code)s trong %(province)s, theo danh mục từ 1/7/2025 hay trước đó."
            ) % {"code": code, "province": self.province.full_name}
        return Reading(message=message)

    def by_text(self, text: str, districts: set[int] | None, old_first: bool) -> Reading:
        """The commune a cell or an address names: the whole cell ("Xã Thanh Thủy", "kim boi"),
        else its parts ("Thôn 3, Xã Thanh Thủy, huyện Thanh Thủy, tỉnh Phú Thọ"), those with a unit
        word first; the parts naming a district narrow the search when no district column does."""
        parts = address_parts(text)
        hint = set()
        for part in parts:
            if part.startswith(DISTRICT_WORDS):
                hint |= self.district_names.get(_without_district_word(part), set())
        parts = [part for part in parts if part and not part.startswith(NOT_A_COMMUNE)]
        named = [part for part in parts if without_commune_word(part) != part]
        for group in ([fold(text)], named, parts):
            new, old = self._named(group)
            if new or old:
                return self._choose(new, old, districts, hint, old_first, clean_text(text)[:80])
        return Reading()

    def _named(self, group: list[str]) -> tuple[list, list]:
        """Today's and the old communes the folded parts name; with a unit word that some of them
        match ("TT Thanh Thủy": the old township), those only."""
        found = {"new": {}, "old": {}}
        kinds = set()
        for part in group:
            kinds.add(_commune_kind(part))
            for key in {part, without_commune_word(part)}:
                for commune in self.new_names.get(key, ()):
                    found["new"][commune.pk] = commune
                for commune in self.old_names.get(key, ()):
                    found["old"][commune.pk] = commune
        new, old = list(found["new"].values()), list(found["old"].values())
        kinds.discard(None)
        if kinds and any(commune.kind in kinds for commune in new + old):
            new = [commune for commune in new if commune.kind in kinds]
            old = [commune for commune in old if commune.kind in kinds]
        return new, old

    def _choose(self, new, old, districts, hint, old_first, written) -> Reading:
        if districts:
            new_in = [commune for commune in new if self.areas[commune.pk] & districts]
            old_in = [commune for commune in old if commune.district in districts]
            if (new or old) and not (new_in or old_in):
                where = {commune.district for commune in old} | {d for c in new for d in self.areas[c.pk]}
                message = _("Xã/phường “%(name)s” không thuộc %(district)s (có ở %(found)s).") % {
                    "name": written,
                    "district": self._district_label(districts),
                    "found": self._district_label(where) or self.province.full_name,
                }
                return Reading(message=message)
            new, old = new_in, old_in
        elif hint:
            new_in = [commune for commune in new if self.areas[commune.pk] & hint]
            old_in = [commune for commune in old if commune.district in hint]
            if new_in or old_in:
                new, old = new_in, old_in
        if old and (old_first or not new):
            return self._carried(old, written)
        return self._one_of(new, written)

    def _carried(self, old: list[OldCommune], written: str) -> Reading:
        """Old communes carried through the succession to today's communes they went into."""
        successors = {pk: self.by_pk[pk] for commune in old for pk in commune.successors if pk in self.by_pk}
        if len(successors) == 1:
            return Reading(commune=next(iter(successors.values())))
        if len(old) == 1 and successors:
            commune = old[0]
            message = _(
                "%(old)s (%(district)s, trước 1/7/2025) đã được chia vào nhiều xã/phường: %(names)s. "
                "Hãy chọn xã/phường của tổ chức."
            ) % {
                "old": commune.full_name,
                "district": self._district_label({commune.district}),
                "names": ", ".join(c.label for c in successors.values()),
            }
            return Reading(candidates=list(successors.values()), message=message)
        if not successors:
            return Reading()
        labels = [f"{c.full_name} ({self._district_label({c.district})})" for c in old]
        return self._question(list(successors.values()), written, labels)

    def _one_of(self, new: list[CommuneRef], written: str) -> Reading:
        if len(new) == 1:
            return Reading(commune=new[0])
        if not new:
            return Reading()
        return self._question(new, written, [c.label for c in new])

    def _question(self, candidates: list[CommuneRef], written: str, labels: list[str]) -> Reading:
        if len(candidates) > MAX_CANDIDATES:
            message = _("Có nhiều xã/phường tên “%(name)s” trong %(province)s: hãy ghi mã xã.") % {
                "name": written,
                "province": self.province.full_name,
            }
            return Reading(message=message)
        message = _("Có nhiều xã/phường tên “%(name)s” (%(names)s): hãy chọn một, hoặc ghi mã xã hay tên huyện.") % {
            "name": written,
            "names": "; ".join(labels),
        }
        return Reading(candidates=candidates, message=message)


def _by_name(communes) -> dict[str, list]:
    names: dict[str, list] = defaultdict(list)
    for commune in communes:
        for key in {fold(commune.name), without_commune_word(fold(commune.name))}:
            names[key].append(commune)
    return names
