"""Planning against the registry (`plan`): records + what the registry holds (`Registry`) → what
will be created, updated or left unchanged (`Plan`), matched by registration code, with the
errors only the registry can tell (a commune outside the province, another province's
organisation, a locked reporting round). No database here: the service loads the `Registry`."""

import functools
from dataclasses import dataclass, field

from django.db.models.base import ModelState
from django.utils.translation import gettext as _

from cooperatives.models import TRAINED_OFFICERS_MESSAGE, Organisation, Rating, YearlyFigures

from .headers import TEMPLATE_HEADERS
from .places import CommuneRef, Places, Reading
from .rows import ParsedFile, RowError, RowRecord
from .values import FIGURE_FIELDS, ORGANISATION_FIELDS, RATING_FIELDS, REQUIRED_TO_CREATE


@dataclass
class Registry:
    """What the database holds that a file is checked against; loaded by the service in a few queries."""

    province: object  # AdminUnit: the current province the import writes into
    places: Places  # its communes on both maps, and every commune of today's map by code
    organisations: dict[str, Organisation]  # by registration code, wherever they are
    figures: dict[tuple[int, int], YearlyFigures]
    ratings: dict[tuple[int, int, str], Rating]
    # (year, commune id) -> the locked reporting round holding that commune's rows of the year
    locked: dict[tuple[int, int], object] = field(default_factory=dict)


CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@functools.cache
def _defaults(model) -> dict:
    return {field.attname: field.get_default() for field in model._meta.concrete_fields}


def new_instance(model, of=None, **values):
    """An unsaved row for bulk_create, made without Model.__init__: its pre_init/post_init signals and
    per-field work took a fifth of a 35,000-row import. Fields take their defaults (none is callable
    or mutable in the models imported), then `values`. `of` is the organisation a yearly row belongs
    to, which may not be saved yet: the writer sets `organisation_id` from it once it is."""
    instance = model.__new__(model)
    instance.__dict__.update(_defaults(model))
    instance._state = ModelState()
    instance.imported_for = of
    for name, value in values.items():
        setattr(instance, name, value)
    return instance


@dataclass
class Counts:
    create: int = 0
    update: int = 0
    unchanged: int = 0

    def add(self, action: str | None):
        if action:
            setattr(self, action, getattr(self, action) + 1)

    def as_dict(self):
        return {CREATE: self.create, UPDATE: self.update, UNCHANGED: self.unchanged}


@dataclass
class Plan:
    """What committing the file would write. Rows of `create` lists are unsaved model instances."""

    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, Counts] = field(
        default_factory=lambda: {"organisations": Counts(), "figures": Counts(), "ratings": Counts()}
    )
    rows: list[list] = field(default_factory=list)  # [row, code, name, org action, figures action, rating action]
    create: dict[str, list] = field(default_factory=lambda: {"organisations": [], "figures": [], "ratings": []})
    update: dict[str, list] = field(default_factory=lambda: {"organisations": [], "figures": [], "ratings": []})
    update_fields: dict[str, set] = field(
        default_factory=lambda: {"organisations": set(), "figures": set(), "ratings": set()}
    )
    places: dict[str, set[int]] = field(default_factory=dict)  # kind of row -> communes whose rows change

    def mark(self, what: str, *communes):
        places = self.places.get(what)
        if places is None:
            places = self.places[what] = set()
        places.update(communes)

    def changed_fields(self, what: str) -> frozenset[str] | None:
        """The attnames the updates of one kind of row change, or None when a row is created (all of it
        is new); as cooperatives.signals.registry_changed says it."""
        return None if self.create[what] else frozenset(self.update_fields[what])


def plan(parsed: ParsedFile, registry: Registry, choices: dict[int, int] | None = None) -> Plan:
    """Match records to organisations by registration code and work out every write, or why not.

    `choices`: the commune staff chose (its id) for a row whose place has several candidates
    (an old commune split across several new ones, a name several share): by its row number."""
    result = Plan(errors=list(parsed.errors))
    choices = choices or {}
    organisations: dict[str, tuple[Organisation, str | None, RowRecord]] = {}
    seen_years: dict[tuple, int] = {}
    for record in parsed.records:
        errors_before = len(result.errors)
        organisation, action = _organisation(record, registry, organisations, result, choices.get(record.row))
        row_actions = [action, None, None]
        if organisation is not None and "year" in record.values:
            row_actions[1:] = _yearly(record, organisation, registry, seen_years, result)
        if len(result.errors) == errors_before and not record.failed:
            name = organisation.name if organisation is not None else ""
            result.rows.append([record.row, record.code, name, *row_actions])
    for organisation, action, _first in organisations.values():
        result.counts["organisations"].add(action)
        if action == CREATE:
            result.create["organisations"].append(organisation)
        elif action == UPDATE:
            result.update["organisations"].append(organisation)
    return result


def _organisation(record: RowRecord, registry: Registry, seen: dict, result: Plan, choice: int | None = None):
    """The organisation a row names, with the row's values applied; (None, None) on an error."""
    code = record.code
    if code in seen:
        organisation, action, first = seen[code]
        return _repeat(record, first, organisation, action, result)
    existing = registry.organisations.get(code)
    if existing is not None and existing.province_id != registry.province.pk:
        result.errors.append(
            RowError(
                record.row,
                record.label("registration_code"),
                _("Mã số %(code)s đã đăng ký cho một tổ chức của tỉnh khác: không sửa được từ đây.") % {"code": code},
            )
        )
        return None, None
    errors_before = len(result.errors)
    commune = _commune(record, registry, result, required=existing is None, choice=choice)
    if len(result.errors) > errors_before:
        return None, None
    organisation = existing or new_instance(Organisation, registration_code=code, status=Organisation.Status.ACTIVE)
    before = {name: getattr(organisation, name) for name in (*ORGANISATION_FIELDS, "commune_id")}
    for name in ORGANISATION_FIELDS:
        if name in record.values:
            setattr(organisation, name, record.values[name])
    if commune is not None:
        organisation.commune_id = commune.pk
        organisation.province_id = commune.province_id
    if not _organisation_valid(record, organisation, existing is None, result):
        return None, None
    changed = {name for name, value in before.items() if getattr(organisation, name) != value}
    action = CREATE if existing is None else UPDATE if changed else UNCHANGED
    if action == UPDATE:
        result.update_fields["organisations"].update(changed)
        result.mark("organisations", before["commune_id"], organisation.commune_id)  # a move changes both
    elif action == CREATE:
        result.mark("organisations", organisation.commune_id)
    seen[code] = (organisation, action, record)
    return organisation, action


def _repeat(record, first, organisation, action, result):
    """A second row of the same organisation (another year): its organisation cells, if filled in,
    must say what the first row says (a value only a later row gives would otherwise be lost)."""
    for name in (*ORGANISATION_FIELDS, "commune_code", "commune_name", "district"):
        if name not in record.values or record.values[name] == first.values.get(name):
            continue
        if name in first.values:
            message = _("Khác với dòng %(row)s của cùng mã số %(code)s.")
        else:
            message = _("Ghi thông tin tổ chức ở dòng đầu tiên của mã số %(code)s (dòng %(row)s).")
        result.errors.append(
            RowError(record.row, record.label(name), message % {"row": first.row, "code": record.code})
        )
        return None, None
    return organisation, action


def _commune(
    record: RowRecord, registry: Registry, result: Plan, *, required: bool, choice: int | None = None
) -> CommuneRef | None:
    """The commune of today's map a row names by code, name or address, on either map (see
    `places`); a file with a district column is a list of the old map, whose names it reads first."""
    places, values = registry.places, record.values
    code, name, address = values.get("commune_code"), values.get("commune_name"), values.get("address")
    if {"commune_code", "commune_name", "district"} & record.failed:
        return None  # already an error
    districts, old_first = None, "district" in record.columns
    if values.get("district"):
        districts = places.districts_named(values["district"])
        if not districts:
            message = _("Không có quận/huyện “%(name)s” trong %(province)s (trước 1/7/2025).") % {
                "name": values["district"][:80],
                "province": registry.province.full_name,
            }
            result.errors.append(RowError(record.row, record.label("district"), message))
            return None
    if code:
        reading, column = places.by_code(code, districts, old_first), "commune_code"
    elif name:
        reading, column = places.by_text(name, districts, old_first), "commune_name"
    elif address:
        reading, column = places.by_text(address, districts, old_first), "address"
        if not required and reading.commune is None:
            return None  # the address of a known organisation, not read: its commune stays
    else:
        if required:
            message = _("Thiếu mã xã/phường (bắt buộc khi thêm tổ chức mới).")
            result.errors.append(RowError(record.row, record.label("commune_code"), message))
        return None
    if not (reading.commune or reading.candidates or reading.message):
        reading.message = _not_named(record, column, registry.province)
    return read_place(record, reading, column, result, choice)


def read_place(record: RowRecord, reading: Reading, column: str, result, choice, label=None) -> CommuneRef | None:
    """The commune read, or the one staff chose among the candidates; else the row's error on
    `result` (a question, with its candidates, when there are some). `label(record, column)`
    names the column (the row's own label by default)."""
    where = label(record, column) if label else record.label(column)
    if reading.commune is not None:
        return reading.commune
    if reading.candidates:
        chosen = next((commune for commune in reading.candidates if commune.pk == choice), None)
        if chosen is not None:
            return chosen
        result.errors.append(RowError(record.row, where, reading.message, list(reading.candidates)))
        return None
    result.errors.append(RowError(record.row, where, reading.message))
    return None


def _not_named(record: RowRecord, column: str, province) -> str:
    text = record.values[column][:80]
    written = {"province": province.full_name, "name": text, "address": text}
    if column == "address":
        return _("Không nhận ra xã/phường nào của %(province)s trong địa chỉ “%(address)s”: hãy ghi mã xã.") % written
    return _("Không có xã/phường “%(name)s” trong %(province)s: hãy kiểm tra tên hoặc ghi mã xã.") % written


def _organisation_valid(record: RowRecord, organisation: Organisation, new: bool, result: Plan) -> bool:
    """The registry's rules (and the database's constraints) said in the staff's language."""
    errors = []
    if new:
        for name in REQUIRED_TO_CREATE:
            if not getattr(organisation, name) and name not in record.failed:
                errors.append((name, _("Thiếu %(what)s (bắt buộc khi thêm tổ chức mới).") % {"what": _what(name)}))
    founded, dissolved = organisation.founded_on, organisation.dissolved_on
    if dissolved and founded and dissolved < founded:
        errors.append(("dissolved_on", _("Ngày chấm dứt hoạt động không thể trước ngày thành lập.")))
    if dissolved and organisation.status not in Organisation.ENDED_STATUSES:
        errors.append(
            ("status", _("Có ngày chấm dứt hoạt động thì tình trạng phải là đã giải thể, phá sản hoặc tổ chức lại."))
        )
    result.errors += [RowError(record.row, record.label(name), message) for name, message in errors]
    return not errors


def _what(name: str) -> str:
    return TEMPLATE_HEADERS[name].lower()


def _yearly(record: RowRecord, organisation: Organisation, registry: Registry, seen: dict, result: Plan):
    """The figures and the rating a row gives for its year: (figures action, rating action)."""
    year = record.values["year"]
    scheme = record.values.get("scheme", Rating.Scheme.TT01_2020)
    actions = [None, None]
    figures_key, rating_key = (record.code, year), (record.code, year, scheme)
    given = set(record.values)
    first = (seen.get(figures_key) if given & set(FIGURE_FIELDS) else None) or (
        seen.get(rating_key) if given & set(RATING_FIELDS) else None
    )
    if first is not None:  # one error for the row, whether its figures, its rating or both repeat
        result.errors.append(_duplicate(record, "year", first, year))
        return actions
    if given & set(FIGURE_FIELDS):
        seen[figures_key] = record.row
        actions[0] = _figures(record, organisation, year, registry, result)
    if given & set(RATING_FIELDS):
        seen[rating_key] = record.row
        actions[1] = _rating(record, organisation, year, scheme, registry, result)
    return actions


def _duplicate(record, name, first_row, year) -> RowError:
    return RowError(
        record.row,
        record.label(name),
        _("Năm %(year)s của mã số %(code)s đã có ở dòng %(row)s.")
        % {"year": year, "code": record.code, "row": first_row},
    )


def _apply(instance, values: dict, names) -> set[str]:
    changed = set()
    for name in names:
        if name in values and getattr(instance, name) != values[name]:
            setattr(instance, name, values[name])
            changed.add(name)
    return changed


def _figures(record, organisation, year, registry: Registry, result: Plan) -> str | None:
    existing = registry.figures.get((organisation.pk, year)) if organisation.pk else None
    figures = existing or new_instance(YearlyFigures, of=organisation, year=year)
    changed = _apply(figures, record.values, FIGURE_FIELDS)
    for name in ("charter_capital", "revenue"):
        if (getattr(figures, name) or 0) < 0:
            result.errors.append(RowError(record.row, record.label(name), _("Không được là số âm.")))
            return None
    trained, officers = figures.key_officers_trained, figures.key_officers
    if trained is not None and (officers is None or trained > officers):
        result.errors.append(RowError(record.row, record.label("key_officers_trained"), TRAINED_OFFICERS_MESSAGE))
        return None
    if _locked(record, organisation, year, registry, result, existing, changed):
        return None
    return _store(result, "figures", figures, existing, changed, organisation)


def _rating(record, organisation, year, scheme, registry: Registry, result: Plan) -> str | None:
    existing = registry.ratings.get((organisation.pk, year, scheme)) if organisation.pk else None
    rating = existing or new_instance(Rating, of=organisation, year=year, scheme=scheme)
    given_level = record.values.get("level")
    changed = _apply(rating, record.values, ("self_score", "verified_score"))
    if rating.score is not None:
        level = Rating.Level.for_score(rating.score)
        if given_level and given_level != level and not {"self_score", "verified_score"} & record.failed:
            message = _("Xếp loại “%(given)s” không khớp với điểm %(score)s (%(level)s theo TT 01/2020).") % {
                "given": Rating.Level(given_level).label,
                "score": f"{rating.score.normalize():f}".replace(".", ","),
                "level": Rating.Level(level).label,
            }
            result.errors.append(RowError(record.row, record.label("level"), message))
            return None
    else:
        level = given_level or rating.level
    if not level:
        if not set(RATING_FIELDS) & record.failed:
            result.errors.append(RowError(record.row, record.label("level"), _("Nhập điểm hoặc xếp loại.")))
        return None
    if rating.level != level:
        rating.level = level
        changed.add("level")
    if _locked(record, organisation, year, registry, result, existing, changed):
        return None
    return _store(result, "ratings", rating, existing, changed, organisation)


def _locked(record, organisation, year, registry: Registry, result: Plan, existing, changed) -> bool:
    """Whether the row would write into a submitted or accepted reporting round (an error then,
    saying why and who can reopen it); a row left unchanged writes nothing and passes."""
    if existing is not None and not changed:
        return False
    found = registry.locked.get((year, organisation.commune_id))
    if found is None:
        return False
    result.errors.append(RowError(record.row, record.label("year"), found.locked_message()))
    return True


def _store(result: Plan, what: str, instance, existing, changed: set, organisation) -> str:
    action = CREATE if existing is None else UPDATE if changed else UNCHANGED
    result.counts[what].add(action)
    if action == CREATE:
        result.create[what].append(instance)
    elif action == UPDATE:
        result.update[what].append(instance)
        result.update_fields[what].update(changed)
    if action != UNCHANGED:
        result.mark(what, organisation.commune_id)
    return action
