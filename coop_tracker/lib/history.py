"""A record's history as people read it: who changed it, when, and each field before → after.

django-simple-history writes one row per save or delete of a tracked model. A change is read
against the same record's previous row (`diff_against`), and its values are shown the way the
forms show them: choice labels, the related record's name, dates and numbers in the active
language. The rows come from a few querysets of history (a record's own, and those of rows that
belong to it), read in a bounded number of queries whatever their length: per queryset one for
its latest rows and one for the rows they are compared with, then one per related model named
in a change.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import OuterRef, Subquery
from django.template.defaultfilters import yesno
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

HISTORY_ROWS = 20
# history_change_reason of the rows a restore writes (cooperatives.services.organisation_restore).
RESTORED = "restored"
EMPTY = "—"


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    """One historical row: what happened to which record, who did it and when."""

    record: models.Model
    subject: str | None
    changes: list[FieldChange]

    @property
    def when(self) -> datetime.datetime:
        return self.record.history_date

    @property
    def who(self) -> str:
        user = self.record.history_user
        return user.display_name if user else _("hệ thống")

    @property
    def action(self) -> str:
        if self.record.history_change_reason == RESTORED:
            return _("Khôi phục")
        return {"+": _("Tạo mới"), "~": _("Sửa"), "-": _("Xóa")}[self.record.history_type]


@dataclass
class History:
    entries: list[HistoryEntry]
    truncated: bool  # older changes exist beyond the ones shown


def history_of(*histories, subject=None, limit=HISTORY_ROWS) -> History:
    """The latest `limit` changes across querysets of history, newest first.

    `subject(record)` names the record a row is about where a page shows several (say
    "Số liệu năm 2024"); by default rows are not labelled.
    """
    rows = sorted(
        (row for history in histories for row in _latest(history, limit + 1)),
        key=lambda row: (row.history_date, row.history_id),
        reverse=True,
    )
    shown = rows[:limit]
    previous = _previous_rows(shown)
    deltas = {row: row.diff_against(previous[row]).changes for row in shown if row in previous}
    names = _related_names(deltas)
    entries = [
        HistoryEntry(
            record=row,
            subject=subject(row) if subject else None,
            changes=[_field_change(row, change, names) for change in deltas.get(row, [])],
        )
        for row in shown
    ]
    return History(entries=entries, truncated=len(rows) > limit)


def changes_between(before, after, exclude=()) -> list[FieldChange]:
    """Each field that differs between two historical rows of one record, before → after, worded
    as the pages word them (a change across several edits, say since a report was accepted)."""
    delta = after.diff_against(before, excluded_fields=[name for name in exclude if _has_field(after, name)])
    names = _related_names({after: delta.changes})
    return [_field_change(after, change, names) for change in delta.changes]


def _has_field(row, name) -> bool:
    return any(field.name == name for field in row.instance_type._meta.fields)


def _latest(history, count):
    """The latest rows of a queryset of history, each with the id of the same record's row before it."""
    model = history.model
    pk = model.instance_type._meta.pk.attname
    # history_id grows with every row written, so it orders one record's rows even when two
    # share a history_date (the rows of a deletion are stamped with one time).
    before = model.objects.filter(**{pk: OuterRef(pk)}, history_id__lt=OuterRef("history_id"))
    before = before.order_by("-history_id").values("history_id")[:1]
    latest = history.select_related("history_user").annotate(previous_id=Subquery(before))
    return list(latest.order_by("-history_date", "-history_id")[:count])


def _previous_rows(rows) -> dict:
    """For each edit among `rows`, the same record's row before it (one query per model at most)."""
    edits = [row for row in rows if row.history_type == "~" and row.previous_id]
    loaded = {(type(row), row.history_id): row for row in rows}
    missing = defaultdict(set)
    for row in edits:
        if (type(row), row.previous_id) not in loaded:
            missing[type(row)].add(row.previous_id)
    for model, ids in missing.items():
        loaded.update(((model, pk), row) for pk, row in model.objects.in_bulk(ids).items())
    return {row: loaded[(type(row), row.previous_id)] for row in edits if (type(row), row.previous_id) in loaded}


def _related_names(deltas) -> dict:
    """The records named by the foreign keys that changed, read once per related model."""
    wanted = defaultdict(set)
    for row, changes in deltas.items():
        for change in changes:
            field = row.instance_type._meta.get_field(change.field)
            if isinstance(field, models.ForeignKey):
                wanted[field.related_model].update({change.old, change.new} - {None})
    return {model: model._default_manager.in_bulk(ids) for model, ids in wanted.items()}


def _field_change(row, change, names) -> FieldChange:
    field = row.instance_type._meta.get_field(change.field)
    return FieldChange(
        label=capfirst(field.verbose_name),
        before=_shown(field, change.old, names),
        after=_shown(field, change.new, names),
    )


def _shown(field, value, names) -> str:
    """A stored value as the pages write it, in the active language."""
    if value is None or value == "":
        return EMPTY
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        related = names.get(field.related_model, {}).get(value)
        if related is None:
            return f"#{value}"  # the related record has since been deleted
        return getattr(related, "display_name", None) or str(related)
    if isinstance(value, bool):
        return yesno(value, _("có,không"))
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return formats.number_format(value.normalize(), force_grouping=True)
    if isinstance(value, int) and not isinstance(field, models.SmallIntegerField):
        # Years are small integers and read 2025, never 2.025; counts and money are grouped.
        return formats.number_format(value, force_grouping=True)
    return str(value)
