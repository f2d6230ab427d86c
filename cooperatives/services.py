"""Workflows that write the registry: the import of official lists of places, the lineage closure,
and the deletion and restore of an organisation."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop_tracker.history import RESTORED

from .models import (
    LAST_DAY_BEFORE_MERGER,
    MERGER_DATE,
    NATION_CODE,
    AdminUnit,
    Organisation,
    Rating,
    SupportAction,
    UnitLineage,
    UnitSuccession,
    YearlyFigures,
)

Level = AdminUnit.Level
Structure = AdminUnit.Structure

Key = tuple[str, str, str]  # (structure, level, code): AdminUnit's unique constraint
NATION_KEY: Key = (Structure.ALWAYS, Level.NATION, NATION_CODE)
UNIT_FIELDS = ["name", "full_name", "name_en", "kind", "parent", "valid_from", "valid_to"]
VALIDITY = {
    Structure.BEFORE_2025: {"valid_from": None, "valid_to": LAST_DAY_BEFORE_MERGER},
    Structure.FROM_2025: {"valid_from": MERGER_DATE, "valid_to": None},
}
BATCH_SIZE = 5000


@dataclass
class UnitRecord:
    """One unit as an official list gives it; `parent` is the key of the unit it belongs to."""

    structure: str
    level: str
    code: str
    name: str
    full_name: str
    name_en: str
    kind: str
    parent: Key

    @property
    def key(self) -> Key:
        return (self.structure, self.level, self.code)


@dataclass
class Counts:
    """What a write did; a field left at None does not apply (units are never deleted)."""

    created: int = 0
    updated: int | None = None
    deleted: int | None = None
    unchanged: int = 0

    def __str__(self):
        parts = {"created": self.created, "updated": self.updated, "deleted": self.deleted}
        shown = [f"{value} {name}" for name, value in parts.items() if value is not None]
        return ", ".join([*shown, f"{self.unchanged} unchanged"])


def _key(unit: AdminUnit) -> Key:
    return (unit.structure, unit.level, unit.code)


def _label(level: str, structure: str) -> str:
    """How the import summary names a group of units: `communes (34)`."""
    return f"{level}s ({structure})"


@transaction.atomic
def admin_units_import(*, units: dict[Key, UnitRecord], successions: dict[Key, set[Key]]) -> dict[str, Counts]:
    """Bring AdminUnit and UnitSuccession in line with validated records, then rebuild the lineage.

    `successions` maps a predecessor to every unit it went into; a predecessor's other successions
    are deleted. Units are never deleted: organisations, plans and targets point at them.
    """
    existing = {_key(unit): unit for unit in AdminUnit.objects.all()}
    report = {}
    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):  # parents before children
        for structure in (Structure.BEFORE_2025, Structure.FROM_2025):
            records = [r for r in units.values() if r.level == level and r.structure == structure]
            if records:
                report[_label(level, structure)] = _units_save(records, existing)
    if successions:
        report["successions"] = _successions_save(successions, existing)
    report["lineage"] = lineage_rebuild()
    return report


def _units_save(records: list[UnitRecord], existing: dict[Key, AdminUnit]) -> Counts:
    created, updated = [], []
    for record in records:
        unit = existing.get(record.key)
        if unit is None:
            unit = AdminUnit(code=record.code, level=record.level, structure=record.structure)
            _unit_apply(unit, record, existing)
            created.append(unit)
        elif _unit_apply(unit, record, existing):
            updated.append(unit)
    AdminUnit.objects.bulk_create(created, batch_size=1000)
    AdminUnit.objects.bulk_update(updated, UNIT_FIELDS, batch_size=1000)
    existing.update((_key(unit), unit) for unit in created)
    return Counts(created=len(created), updated=len(updated), unchanged=len(records) - len(created) - len(updated))


def _unit_apply(unit: AdminUnit, record: UnitRecord, existing: dict[Key, AdminUnit]) -> bool:
    """Copy the record onto the unit; True if anything changed."""
    wanted = {
        "name": record.name,
        "full_name": record.full_name,
        # Many lists leave the English name empty: never let one wipe a name another list gave.
        "name_en": record.name_en or unit.name_en,
        "kind": record.kind,
        "parent_id": existing[record.parent].pk,
        **VALIDITY[record.structure],
    }
    changed = False
    for field, value in wanted.items():
        if getattr(unit, field) != value:
            setattr(unit, field, value)
            changed = True
    return changed


def _successions_save(successions: dict[Key, set[Key]], existing: dict[Key, AdminUnit]) -> Counts:
    wanted = {(existing[old].pk, existing[new].pk) for old, news in successions.items() for new in news}
    predecessors = {existing[old].pk for old in successions}
    rows = UnitSuccession.objects.values_list("pk", "predecessor_id", "successor_id", "effective_on")
    have = {(old, new): (pk, day) for pk, old, new, day in rows if old in predecessors}
    missing = wanted - have.keys()
    stale = [pk for pair, (pk, _) in have.items() if pair not in wanted]
    redated = [pk for pair, (pk, day) in have.items() if pair in wanted and day != MERGER_DATE]
    UnitSuccession.objects.bulk_create(
        [UnitSuccession(predecessor_id=old, successor_id=new, effective_on=MERGER_DATE) for old, new in missing],
        batch_size=BATCH_SIZE,
    )
    _delete_in_batches(UnitSuccession, stale)
    UnitSuccession.objects.filter(pk__in=redated).update(effective_on=MERGER_DATE)
    unchanged = len(wanted) - len(missing) - len(redated)
    return Counts(created=len(missing), updated=len(redated), deleted=len(stale), unchanged=unchanged)


def _delete_in_batches(model, pks: list[int]) -> None:
    # Batches keep SQLite under its limit of query parameters.
    for start in range(0, len(pks), BATCH_SIZE):
        model.objects.filter(pk__in=pks[start : start + BATCH_SIZE]).delete()


@transaction.atomic
def lineage_rebuild() -> Counts:
    """Recompute the closure "descendant lies inside ancestor" and write only the difference.

    A unit lies inside itself and inside every unit up its parent chain. An old province went
    whole into its new province, so it (and all it holds) lies inside that province too. A new
    commune lies inside every non-commune unit holding any of its predecessors (the old districts
    and provinces it came from). Commune successions stop there: an old commune may have been
    split, so it does not lie inside a new commune, nor a new commune inside an old one.
    Run after every change of units or successions; a second run changes nothing.
    """
    wanted = _Closure().pairs()
    have = {(a, d): pk for pk, a, d in UnitLineage.objects.values_list("pk", "ancestor_id", "descendant_id")}
    missing = wanted - have.keys()
    stale = [pk for pair, pk in have.items() if pair not in wanted]
    UnitLineage.objects.bulk_create(
        [UnitLineage(ancestor_id=a, descendant_id=d) for a, d in missing], batch_size=BATCH_SIZE
    )
    _delete_in_batches(UnitLineage, stale)
    return Counts(created=len(missing), deleted=len(stale), unchanged=len(wanted) - len(missing))


class _Closure:
    """Ancestor sets of every unit, each computed once from parents and successions."""

    def __init__(self):
        rows = AdminUnit.objects.values_list("pk", "parent_id", "level")
        self.parent = {pk: parent for pk, parent, _ in rows}
        self.level = {pk: level for pk, _, level in rows}
        self.whole_into = defaultdict(list)  # old province -> new province
        self.formed_from = defaultdict(list)  # new commune -> old communes or districts
        for old, new in UnitSuccession.objects.values_list("predecessor_id", "successor_id"):
            if self.level[old] == Level.PROVINCE:
                self.whole_into[old].append(new)
            if self.level[new] == Level.COMMUNE:
                self.formed_from[new].append(old)
        self.memo: dict[int, frozenset[int] | None] = {}

    def pairs(self) -> set[tuple[int, int]]:
        return {(ancestor, pk) for pk in self.parent for ancestor in self.ancestors(pk)}

    def ancestors(self, pk: int) -> frozenset[int]:
        if pk in self.memo:
            if self.memo[pk] is None:
                raise ValueError(f"Administrative unit {pk} lies inside itself through its parents or successions.")
            return self.memo[pk]
        self.memo[pk] = None
        found = {pk}
        if self.parent[pk] is not None:
            found |= self.ancestors(self.parent[pk])
        for new in self.whole_into[pk]:
            found |= self.ancestors(new)
        for old in self.formed_from[pk]:
            found |= {unit for unit in self.ancestors(old) if self.level[unit] != Level.COMMUNE}
        self.memo[pk] = frozenset(found)
        return self.memo[pk]


# The rows whose foreign key to their organisation cascades: deleted with it, restored with it.
DELETED_WITH_ORGANISATION = (YearlyFigures, Rating, SupportAction)
# A deletion from elsewhere (the Django admin) cascades row by row: the history rows of the
# cascade fall within moments of the organisation's own.
CASCADE_WINDOW = datetime.timedelta(seconds=10)


@transaction.atomic
def organisation_delete(*, organisation: Organisation, user) -> None:
    """Delete an organisation with its yearly figures, ratings and support actions.

    Every history row the deletion writes carries one time and the user, so a restore finds
    exactly the rows that went with the organisation. Each delete fires the signals that queue
    the progress recompute of its place.
    """
    stamp = timezone.now()
    rows = [row for model in DELETED_WITH_ORGANISATION for row in model.objects.filter(organisation=organisation)]
    for row in [*rows, organisation]:
        row._history_date, row._history_user = stamp, user
        row.delete()


@transaction.atomic
def organisation_restore(*, deletion, user) -> Organisation:
    """Recreate a deleted organisation with its id from its last history row (`deletion`, the
    row its deletion wrote), and the rows deleted with it.

    Saving through the ORM writes history rows naming `user` and fires the signals that queue
    the progress recompute. Refused with a ValidationError when the organisation is back
    already or another one has taken its registration code.
    """
    back = _("%(name)s đã có trong sổ đăng ký; không cần khôi phục.") % {"name": deletion.name}
    if deletion.history_type != "-" or Organisation.objects.filter(pk=deletion.id).exists():
        raise ValidationError(back)
    code = deletion.registration_code
    if code and Organisation.objects.filter(registration_code=code).exists():
        raise ValidationError(
            _("Mã số đăng ký %(code)s đã thuộc một tổ chức khác; không khôi phục được %(name)s.")
            % {"code": code, "name": deletion.name}
        )
    try:
        with transaction.atomic():
            organisation = _recreate(deletion, user)
    except IntegrityError as clash:  # restored (or its code taken) by someone else since the checks above
        raise ValidationError(back) from clash
    # auto_now_add stamped the insert; the organisation was first recorded when it was.
    Organisation.objects.filter(pk=organisation.pk).update(created_at=deletion.created_at)
    for model in DELETED_WITH_ORGANISATION:
        for row in _deleted_with(model, deletion):
            _recreate(row, user)
    return organisation


def _deleted_with(model, deletion):
    """The last rows of `model` that belonged to the organisation and went in its deletion."""
    window = (deletion.history_date - CASCADE_WINDOW, deletion.history_date)
    history = model.history.latest_of_each().filter(history_type="-", history_date__range=window)
    return history.filter(organisation_id=deletion.id).order_by("history_id")


def _recreate(row, user):
    instance = row.instance
    instance._history_user, instance._change_reason = user, RESTORED
    instance.save(force_insert=True)
    return instance
