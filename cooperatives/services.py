"""Workflows that write the registry: the import of official lists of places, the lineage closure,
the deletion and restore of an organisation, and the import of provincial Excel/CSV lists of
organisations, yearly figures and ratings."""

import csv
import datetime
import io
import logging
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as default
from operator import attrgetter

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import visible
from coop_tracker.lib.history import RESTORED
from cooperatives.exports import ExportRefused, export_run

from . import importing
from .importing import error_report, recognitions
from .importing import mapping as column_mapping
from .middleware import locked_message
from .models import (
    LAST_DAY_BEFORE_MERGER,
    MERGER_DATE,
    NATION_CODE,
    AdminUnit,
    ImportMapping,
    NtmRecognition,
    Organisation,
    Rating,
    RegistryImport,
    ReportingRound,
    RoundEvent,
    SupportAction,
    UnitLineage,
    UnitSuccession,
    YearlyFigures,
)
from .signals import registry_changed

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
logger = logging.getLogger(__name__)


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
# Every deletion goes through organisation_delete (the Django admin's too), which stamps them all.
DELETED_WITH_ORGANISATION = (YearlyFigures, Rating, SupportAction)


@transaction.atomic
def organisation_delete(*, organisation: Organisation, user) -> None:
    """Delete an organisation with its yearly figures, ratings and support actions.

    Every history row the deletion writes carries one time and the user, so a restore finds
    exactly the rows that went with the organisation. Each row is deleted through the ORM, so its
    post_delete announces it (cooperatives.signals.registry_changed, with its place).
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

    Saving through the ORM writes history rows naming `user` and announces each row as created
    (cooperatives.signals.registry_changed). Refused with a ValidationError when the organisation
    is back already or another one has taken its registration code.
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
    """The rows of `model` that went in the organisation's deletion (stamped with its time), not
    those deleted on purpose before it."""
    history = model.history.latest_of_each().filter(history_type="-", history_date=deletion.history_date)
    return history.filter(organisation_id=deletion.id).order_by("history_id")


def _recreate(row, user):
    instance = row.instance
    instance._history_user, instance._change_reason = user, RESTORED
    instance.save(force_insert=True)
    return instance


# Registry import ------------------------------------------------------------------------------

IMPORT_BATCH = 2000
LOOKUP_BATCH = 5000  # keeps SQLite under its limit of query parameters
STORED_ERRORS = 1000
STORED_ROWS = 500


@dataclass
class ImportReport:
    """What an import found and, with commit, wrote: counts by kind of row and action, every error."""

    counts: dict = default(default_factory=dict)
    errors: list = default(default_factory=list)  # importing.RowError
    notes: list = default(default_factory=list)
    rows: list = default(default_factory=list)
    rows_read: int = 0
    committed: bool = False
    warning: str = ""  # what failed after the commit: the rows are saved all the same
    columns: list = default(default_factory=list)  # (column letter and header, field) as read
    reading: dict = default(default_factory=dict)  # the mapping step's view of the file (importing.mapping)


def registry_import(
    *,
    data: bytes,
    file_name: str,
    province: AdminUnit,
    user=None,
    commit: bool = False,
    on_progress: Callable[[int, int | None], None] | None = None,
    year: int | None = None,
    skip_invalid: bool = False,
    mapping: dict[str, str] | None = None,
    choices: dict[int, int] | None = None,
    before_write: Callable[[], None] | None = None,
    after_write: Callable[[], None] | None = None,
    kind: str = RegistryImport.Kind.REGISTRY,
) -> ImportReport:
    """Read an Excel/CSV list, plan it against the registry and, with `commit` and no error, write it.

    `kind` "ntm": a list of communes' new-rural recognitions (see `ntm_recognitions_import`).

    `year`: the figures' year staff chose, for rows whose file says it nowhere (see `importing.parse`).
    `mapping`: the field staff chose for a header ("" to leave the column out), over the one guessed.
    `choices`: the commune (id) staff chose for a row whose place has candidates (an old commune
    split across several new ones), by row number; a row's question stays an error until answered.
    `skip_invalid`: with `commit`, write the rows without an error (in one transaction) and report
    the others' errors; nothing when an error is the file's or a column's.
    `before_write`, `after_write`: run inside the transaction, just before and after the writes
    (an upload's commit checks it still holds the upload, and marks it committed with its rows).

    All or nothing: the plan and the writes share one transaction, and any error anywhere in the
    file writes nothing. Rows whose commune lies outside `province`, or whose registration code
    belongs to another province's organisation, are errors. A commit announces what it wrote, once
    per kind of row (cooperatives.signals.registry_changed).
    """
    if kind == RegistryImport.Kind.NTM:
        return ntm_recognitions_import(
            data=data,
            file_name=file_name,
            province=province,
            user=user,
            commit=commit,
            on_progress=on_progress,
            skip_invalid=skip_invalid,
            mapping=mapping,
            choices=choices,
            before_write=before_write,
            after_write=after_write,
        )
    try:
        recorder = column_mapping.Recorder(importing.read_table(data, file_name))
        table = recorder.table
        progress = (lambda rows: on_progress(rows, table.total)) if on_progress else None
        parsed = importing.parse(table, progress, year=year, mapping=mapping)
    except importing.ImportFileError as error:
        return ImportReport(errors=[importing.RowError(None, "", str(error))])
    saved = []  # set by the first callback run after the commit: what fails later failed after it
    try:
        with transaction.atomic():
            plan = importing.plan(parsed, _registry_for(parsed, province, lock=commit), choices)
            report = _report(parsed, plan)
            report.reading = column_mapping.overview(recorder, parsed, plan.errors)
            valid = plan
            if plan.errors:
                valid = (
                    _valid_rows_plan(parsed, plan, province, choices, lock=commit)
                    if skip_invalid or not commit
                    else None
                )
            report.reading.update(_valid_rows_reading(plan, valid))
            if commit and plan.errors and skip_invalid:
                plan = valid
                if plan is not None:
                    report.counts = _report(parsed, plan).counts
                    report.rows = plan.rows
            if commit and plan is not None and not plan.errors:
                transaction.on_commit(lambda: saved.append(True))
                if before_write:
                    before_write()
                _plan_write(plan, user)
                if after_write:
                    after_write()
                report.committed = True
    except Exception as error:
        if saved:
            return _saved_but(report)
        if not isinstance(error, DatabaseError):
            raise
        # A rule the checks above missed, or a concurrent edit: the transaction wrote nothing.
        message = _(
            "Cơ sở dữ liệu từ chối dữ liệu (có thể do người khác vừa sửa cùng tổ chức): chưa lưu gì, hãy thử lại."
        )
        return ImportReport(errors=[importing.RowError(None, "", message)], rows_read=parsed.rows_read)
    return report


def ntm_recognitions_import(
    *,
    data: bytes,
    file_name: str,
    province: AdminUnit,
    user=None,
    commit: bool = False,
    on_progress=None,
    skip_invalid: bool = False,
    mapping: dict[str, str] | None = None,
    choices: dict[int, int] | None = None,
    before_write: Callable[[], None] | None = None,
    after_write: Callable[[], None] | None = None,
) -> ImportReport:
    """A list of communes' new-rural recognitions (importing.recognitions), read as `registry_import`
    reads an organisation list: checked against the province's communes on both maps, and with
    `commit` written in one transaction, all rows or (`skip_invalid`) those without an error.

    Each recognition is saved as the commune page saves one (its province derived, its history
    kept, the recompute of the progress figures queued by its signal); one already held with the
    same commune, level and decision date is updated only if its decision or withdrawal differ.
    Recognitions are not rows of a reporting round: a locked round does not stop them."""
    try:
        recorder = column_mapping.Recorder(importing.read_table(data, file_name))
        table = recorder.table
        progress = (lambda rows: on_progress(rows, table.total)) if on_progress else None
        parsed = recognitions.parse(table, progress, mapping=mapping)
    except importing.ImportFileError as error:
        return ImportReport(errors=[importing.RowError(None, "", str(error))])
    saved = []
    try:
        with transaction.atomic():
            registry = _recognitions_registry(province, lock=commit)
            plan = recognitions.plan(parsed, registry, choices)
            report = _report(parsed, plan)
            report.reading = _recognitions_overview(recorder, parsed, plan.errors)
            valid = plan
            if plan.errors:
                valid = None
                kept = parsed.valid_rows(plan.errors)
                if kept is not None and (skip_invalid or not commit):
                    valid = recognitions.plan(kept, _recognitions_registry(province, lock=commit), choices)
                    valid = None if valid.errors else valid
            report.reading.update(_valid_rows_reading(plan, valid))
            if commit and plan.errors and skip_invalid:
                plan = valid
                if plan is not None:
                    report.counts = _report(parsed, plan).counts
                    report.rows = plan.rows
            if commit and plan is not None and not plan.errors:
                transaction.on_commit(lambda: saved.append(True))
                if before_write:
                    before_write()
                for recognition in [*plan.create, *plan.update]:
                    recognition._change_reason = _("Nhập từ tệp %(file)s") % {"file": file_name[:100]}
                    recognition.save()
                if after_write:
                    after_write()
                report.committed = True
    except Exception as error:
        if saved:
            return _saved_but(report)
        if not isinstance(error, DatabaseError):
            raise
        message = _("Cơ sở dữ liệu từ chối dữ liệu (có thể do người khác vừa sửa cùng xã): chưa lưu gì, hãy thử lại.")
        return ImportReport(errors=[importing.RowError(None, "", message)], rows_read=parsed.rows_read)
    return report


def _recognitions_registry(province: AdminUnit, *, lock: bool = False) -> recognitions.Registry:
    """The province's communes on both maps, and the recognitions it holds (locked for a commit)."""
    held = NtmRecognition.objects.filter(province=province).order_by("pk")
    if lock:
        held = held.select_for_update()
    return recognitions.Registry(
        province,
        _places_for(province),
        {(row.commune_id, row.level, row.decided_on): row for row in held},
    )


def _recognitions_overview(recorder, parsed, errors) -> dict:
    """The mapping page's view of a recognition list: the registry's, with the fields this list
    proposes for its headers."""
    reading = column_mapping.overview(recorder, parsed, errors)
    for column in reading["columns"]:
        column["proposed"] = recognitions.column_field(column["header"]) or ""
    reading["kind"] = RegistryImport.Kind.NTM
    reading.update(year_from="", header_year=None, needs_year=False)
    return reading


def _valid_rows_plan(parsed, plan, province, choices=None, *, lock=True) -> "importing.Plan | None":
    """The plan of the rows without an error, or None. Planned again on a registry loaded afresh (a
    plan sets the rows' values on the organisations it matched), until no row it keeps has an
    error: leaving a row out can make another one wrong (a second row of the same code)."""
    for _attempt in range(3):
        parsed = parsed.valid_rows(plan.errors)
        if parsed is None:
            return None
        plan = importing.plan(parsed, _registry_for(parsed, province, lock=lock), choices)
        if not plan.errors:
            return plan
    return None


def _valid_rows_reading(plan, valid) -> dict:
    """What importing the valid rows only would write, for the preview to offer that choice."""
    rejected = {error.row for error in plan.errors if error.row is not None}
    if valid is None:
        return {"importable": False, "valid_rows": 0, "rejected_rows": len(rejected)}
    counts = {what: counts.as_dict() for what, counts in valid.counts.items()}
    return {"importable": True, "valid_rows": len(valid.rows), "rejected_rows": len(rejected), "valid_counts": counts}


def _saved_but(report: ImportReport) -> ImportReport:
    """The import is committed, and a step after its commit failed (queueing the recompute, say, on
    a broker that does not answer): the upload says so rather than "nothing saved"."""
    logger.exception("An import was committed; a step after its commit failed.")
    report.warning = _(
        "Đã lưu dữ liệu, nhưng một bước sau khi lưu bị lỗi (chưa xếp được lượt tính lại tiến độ): "
        "các chỉ tiêu sẽ được tính lại ở lần sửa tiếp theo, muộn nhất là lần tính hằng đêm."
    )
    return report


def _report(parsed, plan) -> ImportReport:
    counts = {what: counts.as_dict() for what, counts in plan.counts.items()}
    errors = importing.grouped_errors(sorted(plan.errors, key=lambda error: (error.row or 0, error.column)))
    columns = [(column.label, name) for name, column in parsed.columns.items()]
    return ImportReport(counts, errors, parsed.notes, plan.rows, parsed.rows_read, columns=columns)


def _registry_for(parsed, province: AdminUnit, *, lock: bool = False) -> importing.Registry:
    """The rows a file is checked against, in a handful of queries whatever its length.

    With `lock` (a commit), the organisations, figures and ratings matched are locked until the
    write commits: an edit saved meanwhile through a form waits, rather than being overwritten by
    values planned from what was read before it. Locked in id order, so two imports do not deadlock.
    """

    def rows(model):
        return model.objects.select_for_update().order_by("pk") if lock else model.objects.all()

    places = _places_for(province)
    spellings = {}  # a code as the registry may hold it -> as the import reads it
    for code in {record.code for record in parsed.records}:
        spellings.update((spelling, code) for spelling in _code_spellings(code))
    stored = sorted(spellings)
    organisations = {}
    for start in range(0, len(stored), LOOKUP_BATCH):
        batch = rows(Organisation).filter(registration_code__in=stored[start : start + LOOKUP_BATCH])
        for org in batch:
            code = spellings[org.registration_code]
            if code not in organisations or org.registration_code == code:  # the code as read wins a tie
                organisations[code] = org
    ids = sorted(org.pk for org in organisations.values() if org.province_id == province.pk)
    years = {record.values["year"] for record in parsed.records if "year" in record.values}
    figures, ratings = {}, {}
    for start in range(0, len(ids) if years else 0, LOOKUP_BATCH):
        batch = ids[start : start + LOOKUP_BATCH]
        for row in rows(YearlyFigures).filter(organisation_id__in=batch, year__in=years):
            figures[(row.organisation_id, row.year)] = row
        for row in rows(Rating).filter(organisation_id__in=batch, year__in=years):
            ratings[(row.organisation_id, row.year, row.scheme)] = row
    return importing.Registry(province, places, organisations, figures, ratings, locked=_locked_communes(years))


def _places_for(province: AdminUnit) -> importing.Places:
    """Every commune of today's map, and the province's own on the old map: its old provinces'
    districts and communes, each commune with the communes it went into."""
    communes = AdminUnit.objects.communes().of_structure(AdminUnit.Structure.FROM_2025)
    refs = {
        code: importing.CommuneRef(pk, code, name, parent, kind, full_name)
        for pk, code, name, parent, kind, full_name in communes.values_list(
            "pk", "code", "name", "parent_id", "kind", "full_name"
        )
    }
    old = AdminUnit.objects.of_structure(AdminUnit.Structure.BEFORE_2025)
    old_provinces = old.provinces().filter(successions__successor=province)
    districts = old.filter(level=AdminUnit.Level.DISTRICT, parent__in=old_provinces)
    old_communes = old.communes().filter(parent__in=districts)
    successors = defaultdict(list)
    for old_pk, new_pk in (
        UnitSuccession.objects.filter(predecessor__in=old_communes)
        .order_by("successor__code")
        .values_list("predecessor_id", "successor_id")
    ):
        successors[old_pk].append(new_pk)
    return importing.Places(
        province,
        refs,
        [importing.places.District(*row) for row in districts.values_list("pk", "code", "name", "full_name")],
        [
            importing.places.OldCommune(pk, code, name, full_name, kind, parent, tuple(successors[pk]))
            for pk, code, name, full_name, kind, parent in old_communes.values_list(
                "pk", "code", "name", "full_name", "kind", "parent_id"
            )
        ],
    )


def _locked_communes(years) -> dict[tuple[int, int], ReportingRound]:
    """(year, commune id) -> the locked round holding it, for the years a file names: every unit
    lying inside a locked round's province (the planner refuses to write there)."""
    locked = {}
    for found in ReportingRound.objects.locked().filter(year__in=years).select_related("province"):
        inside = UnitLineage.objects.filter(ancestor=found.province).values_list("descendant_id", flat=True)
        locked.update(((found.year, unit), found) for unit in inside)
    return locked


def _code_spellings(code: str) -> set[str]:
    """How the organisation form may have stored a code the import reads as `code`: as typed, so
    without the zero Excel drops (101234567) or in lower case (2400123456-cn1)."""
    spellings = {code, code.lower()}
    if len(code) == 10 and code.startswith("0") and code.isdigit():
        spellings.add(code[1:])
    return spellings


def _plan_write(plan: importing.Plan, user, reason=None) -> None:
    """Write what an import planned, and announce it (rows written in bulk fire no model signal).
    `reason` is the history rows' change reason (by default, an import from a file)."""
    now = timezone.now()
    for organisation in plan.update["organisations"]:
        organisation.updated_at = now
    _bulk_write(Organisation, plan, "organisations", user, reason, extra_fields={"updated_at", "province"})
    for what, model in (("figures", YearlyFigures), ("ratings", Rating)):
        for row in plan.create[what]:
            row.organisation_id = row.imported_for.pk  # organisations created just above
        _bulk_write(model, plan, what, user, reason)
    models = {"organisations": Organisation, "figures": YearlyFigures, "ratings": Rating}
    # Where they were supported too (cooperatives.signals.places_of), in batches: SQLite takes at
    # most 32,766 parameters, and a provincial list updates more organisations than that.
    updated = [organisation.pk for organisation in plan.update["organisations"]]
    for start in range(0, len(updated), IMPORT_BATCH):
        batch = updated[start : start + IMPORT_BATCH]
        supported = SupportAction.objects.filter(organisation_id__in=batch).values_list("area_id", flat=True)
        plan.mark("organisations", *supported.distinct())
    for what, communes in plan.places.items():
        registry_changed.send(models[what], kind=what, places=communes - {None}, fields=plan.changed_fields(what))


def _bulk_write(model, plan: importing.Plan, what: str, user, reason, extra_fields=()) -> None:
    """Create and update one kind of row, with a history row each naming who imported it."""
    created, updated = plan.create[what], plan.update[what]
    if created:
        _insert(model, created)
    if updated:
        fields = sorted({name.removesuffix("_id") for name in plan.update_fields[what]} | set(extra_fields))
        model.objects.bulk_update(updated, fields, batch_size=IMPORT_BATCH)
    _history_copy(model, [row.pk for row in created], "+", user, reason)
    _history_copy(model, [row.pk for row in updated], "~", user, reason)


def _insert(model, rows: list) -> None:
    """bulk_create, and on PostgreSQL the ids drawn from the table's sequence and the rows sent by COPY.

    Django's bulk_create prepares every value of every row through its field (30 µs a row here):
    for 35,000 organisations with their figures and ratings that was a third of the time allowed.
    The values planned are already what the columns hold (text, numbers, dates, ids).
    """
    if connection.vendor != "postgresql":
        model.objects.bulk_create(rows, batch_size=IMPORT_BATCH)
        return
    now = timezone.now()
    fields = model._meta.concrete_fields
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for row in rows:
                setattr(row, field.attname, now)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, len(rows)],
        )
        for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
            row.pk = pk
            row._state.adding = False
        out = io.StringIO()
        # Text is quoted, so "" stays an empty string; None is written "" too, which FORCE_NULL
        # reads as NULL in the nullable columns (none of them holds text).
        csv.writer(out, quoting=csv.QUOTE_NONNUMERIC).writerows(map(attrgetter(*(f.attname for f in fields)), rows))
        out.seek(0)
        quoted = {field: connection.ops.quote_name(field.column) for field in fields}
        nullable = ", ".join(name for field, name in quoted.items() if field.null)
        options = f"FORMAT csv, FORCE_NULL ({nullable})" if nullable else "FORMAT csv"
        # The raw cursor's errors are psycopg's: turned into Django's, registry_import reports them.
        with connection.wrap_database_errors:
            cursor.cursor.copy_expert(f"COPY {table} ({', '.join(quoted.values())}) FROM STDIN WITH ({options})", out)


def _history_copy(model, ids: list[int], change: str, user, reason=None) -> None:
    """The rows' history (django-simple-history's tables), copied in SQL from the rows just written.

    simple_history's own bulk helpers build a Python object per history row: for 35,000 imported
    rows that was a third of the time allowed (README, "Benchmarks").
    """
    history = model.history.model
    columns, values = [], []
    extra = {"history_date": timezone.now(), "history_type": change, "history_user_id": getattr(user, "pk", None)}
    extra["history_change_reason"] = reason or _("Nhập từ tệp Excel/CSV")
    for field in history._meta.concrete_fields:
        if field.attname == "history_id":
            continue
        columns.append(connection.ops.quote_name(field.column))
        values.append("%s" if field.attname in extra else connection.ops.quote_name(field.column))
    params = [extra[field.attname] for field in history._meta.concrete_fields if field.attname in extra]
    for start in range(0, len(ids), LOOKUP_BATCH):
        batch = ids[start : start + LOOKUP_BATCH]
        sql = (
            f"INSERT INTO {connection.ops.quote_name(history._meta.db_table)} ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} FROM {connection.ops.quote_name(model._meta.db_table)} "
            f"WHERE id IN ({', '.join(['%s'] * len(batch))})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *batch])


def figures_upsert(
    *, records: list[importing.RowRecord], errors: list[importing.RowError], province: AdminUnit, user, reason: str
) -> ImportReport:
    """Yearly figures of `province`'s organisations, given as records (registration code, year and
    the figures to set, already read), matched by code and year: created, updated or left as they
    are. The import's planner checks them and its writer writes them (in bulk, a history row each
    naming `user` with `reason`, one registry_changed), all or nothing: `errors` found while
    reading the records, or any found here, write nothing. Sending the same records again changes
    nothing. A code that is not one of the province's organisations is an error."""
    parsed = importing.ParsedFile(records=records, errors=list(errors), rows_read=len(records))
    try:
        with transaction.atomic():
            registry = _registry_for(parsed, province, lock=True)
            registry.organisations = {
                code: org for code, org in registry.organisations.items() if org.province_id == province.pk
            }
            known = [record for record in records if record.code in registry.organisations]
            plan = importing.plan(importing.ParsedFile(records=known, errors=parsed.errors), registry)
            plan.errors += [
                importing.RowError(
                    record.row,
                    record.label("registration_code"),
                    _("Không có tổ chức mã số %(code)s trong %(province)s.")
                    % {"code": record.code, "province": province.full_name},
                )
                for record in records
                if record.code not in registry.organisations
            ]
            report = _report(parsed, plan)
            if not plan.errors:
                _plan_write(plan, user, reason)
                report.committed = True
    except DatabaseError as refused:
        # A locked reporting round refused by the database's trigger (submitted meanwhile) is said as
        # such: trying again cannot help until it is returned or reopened.
        message = locked_message(refused) or _(
            "Cơ sở dữ liệu từ chối dữ liệu (có thể do người khác vừa sửa cùng tổ chức): chưa lưu gì, hãy thử lại."
        )
        return ImportReport(errors=[importing.RowError(None, "", message)], rows_read=len(records))
    return report


class ClaimLost(Exception):
    """The upload is no longer this run's: it was ended as dead meanwhile (see registry_imports_end_dead)."""


def registry_import_check(*, upload_id: int) -> RegistryImport:
    """Preview an uploaded file: counts, rows and errors stored on the upload; nothing else written."""
    upload = RegistryImport.objects.select_related("created_by", "province").get(pk=upload_id)
    if not upload.created_by.can_write_into(upload.province):
        return _refused(upload, RegistryImport.Status.INVALID)
    token = _claim(RegistryImport.objects.filter(pk=upload_id, status=RegistryImport.Status.CHECKING))
    if token is None:
        return upload  # ended meanwhile (its run was found dead), or checked by another run
    first = not upload.reading
    with _ended_on_crash(upload_id, RegistryImport.Status.INVALID), _heartbeat(upload_id, token):
        report = _upload_read(upload)
        if first and (remembered := _remembered_mapping(upload, report)) is not None:
            upload.mapping = remembered
            report = _upload_read(upload)
            report.notes.insert(0, _("Cách đọc cột theo lần nhập trước của tỉnh, với cùng các tiêu đề cột."))
    status = RegistryImport.Status.INVALID if report.errors else RegistryImport.Status.CHECKED
    return _report_save(upload, report, status, token)


def _upload_read(upload: RegistryImport, **options) -> ImportReport:
    return registry_import(
        data=bytes(upload.content),
        file_name=upload.file_name,
        province=upload.province,
        on_progress=_progress_saver(upload.pk),
        kind=upload.kind,
        mapping=upload.mapping,
        year=upload.year,
        choices=upload.row_choices,
        **options,
    )


def _remembered_mapping(upload: RegistryImport, report: ImportReport) -> dict | None:
    """The columns staff of the province chose for a file with the same headers, if they changed any."""
    digest = report.reading.get("digest")
    if not digest:
        return None
    remembered = ImportMapping.objects.filter(province=upload.province, header_digest=digest).first()
    return remembered.mapping if remembered is not None and remembered.mapping != upload.mapping else None


def registry_import_remap(*, upload: RegistryImport, mapping: dict, year: int | None, user) -> bool:
    """Staff read the upload's columns as `mapping` (and its figures as of `year`): remembered for
    the province's next file with the same headers; the upload is checked again when that changes
    how it is read. Returns whether a check is to run (the caller runs it, or queues it)."""
    headers = [column["header"] for column in upload.reading.get("columns", [])]
    ImportMapping.objects.update_or_create(
        province=upload.province,
        header_digest=upload.reading["digest"],
        defaults={"headers": headers, "mapping": mapping, "updated_by": user},
    )
    changed = mapping != upload.mapping or year != upload.year
    waiting = RegistryImport.objects.filter(
        pk=upload.pk, status__in=[RegistryImport.Status.CHECKED, RegistryImport.Status.INVALID]
    )
    fields = {"mapping": mapping, "year": year, "mapping_confirmed": True, "updated_at": timezone.now()}
    if changed:  # checked again: staff choose again how it is imported (all rows, or the valid ones)
        fields.update(status=RegistryImport.Status.CHECKING, rows_done=0, valid_rows_only=False)
    return bool(waiting.update(**fields)) and changed


def registry_import_cancel(*, upload_id: int) -> bool:
    """Staff chose to import nothing: the upload ends, its content dropped. False if it was not waiting."""
    waiting = RegistryImport.objects.filter(
        pk=upload_id, status__in=[RegistryImport.Status.CHECKED, RegistryImport.Status.INVALID]
    )
    return bool(waiting.update(status=RegistryImport.Status.CANCELLED, content=b"", updated_at=timezone.now()))


def registry_import_error_report(*, upload: RegistryImport) -> bytes | None:
    """The file's own rows with a column saying what is wrong on each (importing.error_report),
    checked again as the preview was; None when its content is gone."""
    data = bytes(upload.content)
    if not data:
        return None
    ntm = upload.kind == RegistryImport.Kind.NTM
    try:
        recorder = column_mapping.Recorder(importing.read_table(data, upload.file_name), keep=None)
        if ntm:
            parsed = recognitions.parse(recorder.table, mapping=upload.mapping)
        else:
            parsed = importing.parse(recorder.table, year=upload.year, mapping=upload.mapping)
    except importing.ImportFileError:
        return None
    if ntm:
        plan = recognitions.plan(parsed, _recognitions_registry(upload.province), upload.row_choices)
    else:
        plan = importing.plan(parsed, _registry_for(parsed, upload.province), upload.row_choices)
    grouped = importing.grouped_errors(sorted(plan.errors, key=lambda error: (error.row or 0, error.column)))
    return error_report.workbook(recorder.header_sheet(parsed.header_row), parsed.header_row, plan.errors, grouped)


def registry_import_errors_build(*, export_id: int):
    """The worker's side of a large file's error report (cooperatives.tasks): the upload as its
    owner sees it now; one they no longer see, or whose content is gone, fails the export."""

    def write(export, spool, on_rows):
        uploads = visible(RegistryImport.objects.select_related("province"), export.created_by)
        upload = uploads.get(pk=export.params["upload"])
        workbook = registry_import_error_report(upload=upload)
        if workbook is None:
            raise ExportRefused(_("Tệp đã tải lên không còn được lưu (đã nhập xong hoặc đã xoá): hãy tải tệp lên lại."))
        spool.write(workbook)
        return upload.error_count

    return export_run(export_id, write)


def registry_import_commit(*, upload_id: int) -> RegistryImport | None:
    """Commit a previewed upload, reading it again against the registry as it is now.

    Claimed with a conditional update, so a double click or a retried task commits it once;
    returns None when another run holds it. The upload is marked committed in the transaction
    that writes its rows: an upload still "committing" after its run died wrote nothing.
    """
    waiting = RegistryImport.objects.filter(
        pk=upload_id, status__in=[RegistryImport.Status.CHECKED, RegistryImport.Status.QUEUED]
    )
    token = _claim(waiting, status=RegistryImport.Status.COMMITTING, rows_done=0)
    if token is None:
        return None
    try:
        with _ended_on_crash(upload_id, RegistryImport.Status.FAILED), _heartbeat(upload_id, token):
            upload = RegistryImport.objects.select_related("created_by", "province").get(pk=upload_id)
            if not upload.created_by.can_write_into(upload.province):
                return _refused(upload, RegistryImport.Status.FAILED)
            report = _upload_read(
                upload,
                user=upload.created_by,
                commit=True,
                skip_invalid=upload.valid_rows_only,
                before_write=lambda: _hold(upload_id, token),
                after_write=lambda: RegistryImport.objects.filter(pk=upload_id).update(
                    status=RegistryImport.Status.COMMITTED, committed_at=timezone.now()
                ),
            )
    except ClaimLost:
        return RegistryImport.objects.get(pk=upload_id)
    if report.committed:
        upload.committed_at = timezone.now()
        return _report_save(upload, report, RegistryImport.Status.COMMITTED, token)
    return _report_save(upload, report, RegistryImport.Status.FAILED, token)


def registry_import_recheck(*, upload_id: int, choices: dict[int, int] | None = None) -> bool:
    """Check an upload again, with the communes staff chose for its questions (by row), or after
    its run died. False when it cannot be (committed, being checked, its file gone)."""
    upload = RegistryImport.objects.defer("content").get(pk=upload_id)
    if not upload.can_run_again:
        return False
    chosen = {**upload.choices, **{str(row): pk for row, pk in (choices or {}).items()}}
    ended = RegistryImport.objects.filter(pk=upload_id, status=upload.status).exclude(content=b"")
    return bool(
        ended.update(
            status=RegistryImport.Status.CHECKING,
            choices=chosen,
            valid_rows_only=False,  # staff choose again after this check: all rows, or the valid ones
            errors=[],
            error_count=0,
            questions=[],
            retryable=False,
            rows_done=0,
            claim="",
            heartbeat_at=None,
            updated_at=timezone.now(),
        )
    )


def _claim(uploads, **fields) -> str | None:
    """Take the uploads (one, by a conditional update) for this run: a token it must still hold
    when it writes, and a first heartbeat."""
    token = uuid.uuid4().hex
    now = timezone.now()
    return token if uploads.update(claim=token, heartbeat_at=now, updated_at=now, **fields) else None


def _hold(upload_id: int, token: str) -> None:
    """Inside the commit's transaction, before its writes: lock the upload and check it is still
    this run's. The lock makes registry_imports_end_dead pass it by while the rows are written."""
    held = RegistryImport.objects.select_for_update().filter(
        pk=upload_id, claim=token, status=RegistryImport.Status.COMMITTING
    )
    if not list(held.values_list("pk", flat=True)):
        raise ClaimLost


@contextmanager
def _heartbeat(upload_id: int, token: str):
    """Stamp the upload every IMPORT_HEARTBEAT_SECONDS while the run lives, from a thread of its
    own (with a database connection of its own), so that a run killed is told from one at work.
    Not on SQLite, where a second writer would wait for the first: there the claim and the
    progress stamp it."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(settings.IMPORT_HEARTBEAT_SECONDS):
                RegistryImport.objects.filter(pk=upload_id, claim=token).update(heartbeat_at=timezone.now())
        except DatabaseError:
            logger.warning("The heartbeat of import %s could not be written.", upload_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's connections only

    thread = None
    if connection.vendor != "sqlite":
        thread = threading.Thread(target=beat, name=f"import-heartbeat-{upload_id}", daemon=True)
        thread.start()
    try:
        yield
    finally:
        stop.set()
        if thread is not None:
            thread.join(timeout=1)  # it stops at once unless an update of it waits on a lock


def _refused(upload: RegistryImport, status: str) -> RegistryImport:
    """The uploader may no longer write into the upload's province (moved to another, made a leader,
    locked): checked again when the file is read and when it is committed, whoever queued it."""
    message = _("Tài khoản tải tệp lên không còn quyền nhập vào %(province)s: chưa lưu gì.") % {
        "province": upload.province.full_name
    }
    _ended(upload.pk, status, message)
    upload.refresh_from_db()
    return upload


@contextmanager
def _ended_on_crash(upload_id: int, status: str):
    """On any exception, the upload ends in `status` with a message, then the exception goes on (to
    the worker's log, or a 500): a crash otherwise leaves it "checking" or "committing" for ever,
    its page polling and its commit refused. registry_import's transaction has rolled back by then,
    so the update is a write of its own."""
    try:
        yield
    except ClaimLost:
        raise
    except SoftTimeLimitExceeded:
        minutes = max(1, settings.IMPORT_TASK_SECONDS // 60)
        message = _(
            "Xử lý tệp quá %(minutes)s phút nên đã dừng: chưa lưu gì. Hãy chia thành nhiều tệp nhỏ hơn, "
            "hoặc kiểm tra tệp bằng Excel rồi tải lên lại."
        ) % {"minutes": minutes}
        _ended(upload_id, status, message)
        raise
    except Exception:
        message = _("Lỗi hệ thống khi xử lý tệp: chưa lưu gì. Hãy tải lên lại; nếu vẫn lỗi, hãy báo quản trị hệ thống.")
        _ended(upload_id, status, message)
        raise


def _ended(upload_id: int, status: str, message: str) -> None:
    RegistryImport.objects.filter(pk=upload_id).update(**_ending(status, message))


def _ending(status: str, message: str) -> dict:
    """An upload's fields as it ends with one message; its content goes, as it can no longer be committed."""
    return {
        "status": status,
        "errors": [[None, "", message]],
        "error_count": 1,
        "content": b"",
        "updated_at": timezone.now(),
    }


def _progress_saver(upload_id: int):
    def save(rows_done: int, rows_total: int | None):
        now = timezone.now()
        RegistryImport.objects.filter(pk=upload_id).update(
            rows_done=rows_done, rows_total=rows_total, updated_at=now, heartbeat_at=now
        )

    return save


def _report_save(upload: RegistryImport, report: ImportReport, status: str, token: str = "") -> RegistryImport:
    """Store what the run found, if the upload is still the run's (`token`)."""
    questions = [
        [error.row, error.column, error.message, [[c.pk, c.code, c.label] for c in error.candidates]]
        for error in report.errors[:STORED_ERRORS]
        if error.candidates
    ]
    fields = {
        "status": status,
        "counts": report.counts,
        # [row, column, reason], and how many rows when it is several rows' error said once
        "errors": [
            error.as_list() + ([error.rows] if error.rows > 1 else []) for error in report.errors[:STORED_ERRORS]
        ],
        "error_count": len(report.errors),
        "notes": report.notes,
        "rows": report.rows[:STORED_ROWS],
        "rows_done": report.rows_read,
        "rows_total": report.rows_read,
        "committed_at": upload.committed_at,
        "warning": report.warning,
        "questions": questions,
        "reading": report.reading or upload.reading,
        "mapping": upload.mapping,
        "claim": "",
        "heartbeat_at": None,
        "updated_at": timezone.now(),
    }
    if not questions and not _kept(status, report):
        fields["content"] = b""  # committed, refused or failed: it will not be read again
    if not RegistryImport.objects.filter(pk=upload.pk, claim=token).update(**fields):
        logger.warning("Import %s was ended by another run: this run's result is not stored.", upload.pk)
    upload.refresh_from_db()
    return upload


def _kept(status: str, report: ImportReport) -> bool:
    """Whether an upload's content is still to be read: ready to import; with errors in a file
    that was read (its columns may be read otherwise, its valid rows imported, its error report
    made); committed without its rejected rows (their error report). Dropped after a week anyway."""
    Status = RegistryImport.Status
    readable = bool(report.reading.get("columns"))
    return status == Status.CHECKED or (status in (Status.INVALID, Status.COMMITTED) and readable and report.errors)


IMPORT_KEPT = datetime.timedelta(days=7)
# A check or a commit reports progress every 1,000 rows and ends within IMPORT_TASK_SECONDS: one
# with no news for an hour was left by a process that died. A commit waits in the queue for workers.
IMPORT_STALLED = datetime.timedelta(hours=1)
IMPORT_QUEUE_LOST = datetime.timedelta(days=1)


def registry_imports_expire(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Uploads a week old lose their content, and one never committed ends "failed" saying so;
    uploads left "running" by a process that died end too. Returns how many of each."""
    now = now or timezone.now()
    Status = RegistryImport.Status
    old = RegistryImport.objects.filter(created_at__lt=now - IMPORT_KEPT)
    counts = {
        # Also a file with errors whose columns could be read otherwise or valid rows imported.
        "expired": old.filter(status__in=[Status.CHECKED, Status.INVALID])
        .exclude(content=b"")
        .update(
            **_ending(Status.FAILED, _("Quá một tuần chưa nhập nên tệp đã được xoá: chưa lưu gì. Hãy tải lên lại."))
        ),
        "dropped": old.exclude(content=b"").update(content=b"", questions=[], retryable=False),
    }
    stopped = _("Tiến trình xử lý tệp đã dừng giữa chừng: chưa lưu gì. Hãy tải lên lại.")
    unsure = _(
        "Tiến trình nhập đã dừng giữa chừng: nhiều khả năng chưa lưu gì (mọi thứ được ghi trong một lần). "
        "Hãy kiểm tra sổ đăng ký trước khi tải lên lại."
    )
    lost = _("Lượt nhập đã chờ quá một ngày mà không được xử lý: chưa lưu gì. Hãy tải lên lại.")
    rules = [
        (Status.CHECKING, IMPORT_STALLED, Status.INVALID, stopped),
        (Status.COMMITTING, IMPORT_STALLED, Status.FAILED, unsure),
        (Status.QUEUED, IMPORT_QUEUE_LOST, Status.FAILED, lost),
    ]
    # Uploads with a heartbeat are ended by registry_imports_end_dead; these rules are for those
    # claimed before heartbeats were written, and the queue.
    counts["stopped"] = sum(
        RegistryImport.objects.filter(status=running, updated_at__lt=now - quiet, heartbeat_at__isnull=True).update(
            **_ending(ended, message)
        )
        for running, quiet, ended, message in rules
    )
    return counts


def registry_imports_end_dead(*, now: datetime.datetime | None = None, pk: int | None = None) -> int:
    """Checks and commits whose run gave no sign of life for IMPORT_DEAD_AFTER_SECONDS (its worker
    killed, out of memory, the machine restarted) end "failed", keeping their file so that staff can
    check them again. Nothing of them was written: a commit is marked committed in the transaction
    that writes its rows, and one writing holds a lock on its upload, which this passes by.
    Returns how many ended; `pk`: that upload only (its page asks when it is read)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.IMPORT_DEAD_AFTER_SECONDS)
    running = [RegistryImport.Status.CHECKING, RegistryImport.Status.COMMITTING]
    message = _(
        "Tiến trình xử lý tệp đã dừng giữa chừng (máy chủ khởi động lại hoặc tiến trình bị tắt): chưa lưu gì. "
        "Tệp vẫn được giữ: hãy bấm “Chạy lại”."
    )
    with transaction.atomic():
        dead = RegistryImport.objects.select_for_update(skip_locked=True).filter(
            status__in=running, heartbeat_at__lt=cutoff
        )
        ids = list((dead.filter(pk=pk) if pk is not None else dead).values_list("pk", flat=True))
        if ids:
            RegistryImport.objects.filter(pk__in=ids).update(
                status=RegistryImport.Status.FAILED,
                errors=[[None, "", message]],
                error_count=1,
                claim="",
                heartbeat_at=None,
                retryable=True,
                updated_at=now,
            )
    return len(ids)


# Reporting rounds (issue 16) ---------------------------------------------------------------

ROUND_TARGETS = {
    RoundEvent.Action.SUBMIT: ReportingRound.State.SUBMITTED,
    RoundEvent.Action.ACCEPT: ReportingRound.State.ACCEPTED,
    RoundEvent.Action.RETURN: ReportingRound.State.RETURNED,
    RoundEvent.Action.REQUEST_REOPEN: ReportingRound.State.ACCEPTED,
    RoundEvent.Action.REOPEN: ReportingRound.State.REOPENED,
}
NOTE_REQUIRED = (RoundEvent.Action.RETURN, RoundEvent.Action.REQUEST_REOPEN)
NOTE_MAX_LENGTH = 2000
ROUND_LOCK_CLASS = 7301  # the advisory lock's first key (cooperatives/migrations/0024_round_guard_serialised.py)


def round_for(*, province: AdminUnit, year: int) -> ReportingRound:
    """The round of a province and year, stored or (never transitioned yet) a new open one."""
    found = ReportingRound.objects.filter(province=province, year=year).select_related("province").first()
    return found or ReportingRound(province=province, year=year)


def round_transition(*, province: AdminUnit, year: int, action: str, user, note: str = "") -> ReportingRound:
    """Move a province's round of `year` by `action`, recording who, when, the note and the rows it
    holds at that moment. Refused (ValidationError, in words) when the account may not, or the
    round's state does not allow it; a return and a request to reopen need a note."""
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(_("Ghi chú dài tối đa %(most)s ký tự.") % {"most": NOTE_MAX_LENGTH}, code="note_too_long")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The writes of the year under way commit first, and later ones read the new state
            # (migration cooperatives 0024: each write holds the shared form of this lock).
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ROUND_LOCK_CLASS, year])
        reporting_round, _created = ReportingRound.objects.select_for_update().get_or_create(
            province=province, year=year
        )
        if action not in reporting_round.allowed_actions(user):
            raise ValidationError(
                _("Không thể %(action)s kỳ báo cáo đang ở trạng thái “%(state)s”.")
                % {
                    "action": str(RoundEvent.Action(action).label).lower()
                    if action in RoundEvent.Action.values
                    else action,
                    "state": reporting_round.get_state_display(),
                },
                code="not_allowed",
            )
        if action in NOTE_REQUIRED and not note:
            raise ValidationError(_("Ghi rõ lý do."), code="note_required")
        now = timezone.now()
        reporting_round.state = ROUND_TARGETS[action]
        reporting_round.changed_at = now
        if action == RoundEvent.Action.SUBMIT:
            reporting_round.submitted_at = now
        elif action == RoundEvent.Action.ACCEPT:
            reporting_round.accepted_at = now
        reporting_round.reopen_requested = action == RoundEvent.Action.REQUEST_REOPEN
        reporting_round.save()
        RoundEvent.objects.create(
            reporting_round=reporting_round,
            action=action,
            state=reporting_round.state,
            by=user,
            at=now,
            note=note,
            counts=reporting_round.counts(),
        )
    return reporting_round


REMINDER_DAYS_BEFORE = (7, 0)


def round_reminders_send(*, today: datetime.date | None = None) -> int:
    """On the days reminders are due (a week before the provinces' deadline, and on it), e-mail
    the active staff of each province whose round of the year is not submitted nor accepted, in
    Vietnamese, with its completeness figures. Returns how many e-mails were sent."""
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    from . import reporting

    today = today or timezone.localdate()
    deadline = reporting.province_deadline(today.year)
    if (deadline - today).days not in REMINDER_DAYS_BEFORE:
        return 0
    year = today.year
    submitted = ReportingRound.objects.locked().filter(year=year).values("province_id")
    provinces = AdminUnit.objects.current_provinces().exclude(pk__in=submitted)
    staff = get_user_model().objects.filter(role="staff", is_active=True, province__in=provinces).exclude(email="")
    by_province = defaultdict(list)
    for account in staff:
        by_province[account.province_id].append(account.email)
    sent = 0
    with translation.override("vi"):
        for line in reporting.completeness(year, provinces.filter(pk__in=list(by_province))):
            context = {
                "line": line,
                "year": year,
                "deadline": deadline,
                "today": today,
                "days": (deadline - today).days,
            }
            subject = _("Nhắc hạn gửi báo cáo năm %(year)s: %(province)s") % {
                "year": year,
                "province": line.province.full_name,
            }
            body = render_to_string("cooperatives/round_reminder.txt", context)
            send_mail(subject, body, None, sorted(by_province[line.province.pk]))
            sent += 1
    return sent
