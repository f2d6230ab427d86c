"""The nation's figures as the sum of its provinces' parts, so that an edit in one province does
not group the whole country again.

Every row the grouped queries count carries its current province (an organisation's, a support
action's own, a recognition's commune's), or none (an action of the nation's own). Counts and
sums therefore add up over provinces; so does a count of distinct communes (a commune lies in one
province) and of distinct organisations when each is put in its own province (`Part.partition`).
Each national column is computed per province and stored (`NationalParts`); the nation is the sum.

- A full recompute (or any recompute not started by marks: `changed` is None) computes every
  province's part, from the grouped query the provinces' own targets use where it holds them,
  and stores them.
- The drain after an edit knows the provinces its marks lie in (`changed`): it computes those
  provinces' parts, corrects the stored total by them (less their old parts, plus the new), and
  stores both. A column whose total or changed province's part is missing or of another
  computation (a new national target, other years, a changed indicator) is computed for every
  province instead: never a sum with a hole.

Recomputes are serialised (`serialised`, an advisory lock held to the recompute's commit on
PostgreSQL): two drains at once would each add the other's province as it was, and a full
recompute could store parts older than a drain's that consumed the marks. Elsewhere (SQLite:
`make run`, one process) every part is computed each time. A column whose parts could not be
computed in a drain (its query failed, or the parts could not be read) has its stored parts
dropped, so that no later drain adds a part the failed one should have replaced.
"""

import hashlib
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import F, Q

from plans.models import NationalParts

LOCK_CLASS = 7302  # the advisory lock's first key (7301: the reporting rounds')
NO_PROVINCE, TOTAL = NationalParts.NO_PROVINCE, NationalParts.TOTAL
# Part of every signature: raise it when what a source's rows are changes in the code (a rule's
# query, `left_on`, `Rating.counted`), so that no part computed by older code is added.
PARTS_VERSION = 1


def serialised() -> None:
    """Hold the recompute's lock to the end of the current transaction (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [LOCK_CLASS])


class Parts:
    """The stored parts of one recompute's national columns: a drain reads the changed provinces'
    parts and the totals (never the other provinces': the total holds their sum) once, and all
    it computed is written in one statement at its end (`finish`)."""

    def __init__(self, agg):
        self.agg = agg
        # Parts are added up only where recomputes are serialised (PostgreSQL's lock).
        self.changed = agg.changed if connection.vendor == "postgresql" else None
        self._stored = None
        self.written: set[str] = set()
        self.to_write: dict[tuple[str, int], NationalParts] = {}  # written by `finish`

    def everyone(self) -> set[int]:
        return set(self.agg.current_province_ids) | {NO_PROVINCE}

    def stored(self) -> dict[tuple[str, int], tuple[str, dict]]:
        """(column, province or TOTAL) → (signature, years), for the changed provinces and the
        totals of every national column this recompute registered."""
        if self._stored is None:
            self._stored = {}
            if self.changed is not None:
                rows = NationalParts.objects.filter(
                    column__in=self.agg.national_columns(), province__in=[*self.changed, TOTAL]
                ).values_list("column", "province", "signature", "years")
                self._stored = {(column, province): (sig, years) for column, province, sig, years in rows}
        return self._stored

    def rows(self, source, partition: str, columns: dict, table: dict, run) -> dict[int, dict]:
        """The nation's rows (year → {column name: value}) of `columns`, the sum of the provinces'
        parts. `table` holds the rows grouped by current province so far (reused where they are the
        parts asked for); `run(where, area_expr, columns, into)` runs one grouped query."""
        stored = self.stored()
        names = {name: column_of(source, name, self.agg.cutoff) for name in columns}
        signatures = {name: signature(source, name, agg, partition, self.agg) for name, agg in columns.items()}
        changed = self.changed
        if changed is not None:
            for name, column in names.items():
                held = [stored.get((column, province), (None,))[0] for province in [*changed, TOTAL]]
                if any(sig != signatures[name] for sig in held):
                    changed = None  # a part missing, or of another computation: compute them all
                    break
        wanted = self.everyone() if changed is None else changed
        fresh = _parts(self.agg, source, partition, columns, wanted, table, run)
        nation = defaultdict(dict)
        written = []
        for name in columns:
            column, sig = names[name], signatures[name]
            # The nation: the stored total less the changed provinces' old parts, plus their new
            # ones (exact: counts, and sums of decimals); or, all computed, their sum.
            totals = defaultdict(int)
            if changed is not None:
                totals.update(_years(stored[(column, TOTAL)][1]))
                for province in changed:
                    for year, value in _years(stored[(column, province)][1]).items():
                        totals[year] -= value
            for province in wanted:
                years = fresh[province][name]
                for year, value in years.items():
                    totals[year] += value
                written.append(
                    NationalParts(column=column, province=province, signature=sig, years=_stored_years(years))
                )
            totals = {year: value for year, value in totals.items() if value}
            written.append(NationalParts(column=column, province=TOTAL, signature=sig, years=_stored_years(totals)))
            for year, value in totals.items():
                nation[year][name] = value
        for row in written:
            stored[(row.column, row.province)] = (row.signature, row.years)
            self.to_write[(row.column, row.province)] = row
        self.written |= set(names.values())
        return nation

    def finish(self) -> None:
        """Store the parts computed, in one statement; drop those of the national columns a
        drain registered but could not compute (a failed query, parts that could not be read):
        their changed provinces' parts are out of date, so a later drain computes every province's."""
        if not self.agg.store_parts:
            return
        NationalParts.objects.bulk_create(
            list(self.to_write.values()),
            update_conflicts=True,
            unique_fields=["column", "province"],
            update_fields=["signature", "years", "computed_at"],
            batch_size=2000,
        )
        self.to_write = {}
        unwritten = set(self.agg.national_columns()) - self.written
        if self.changed is not None and unwritten:
            NationalParts.objects.filter(column__in=unwritten).delete()
            self._stored = None


def signature(source, name: str, aggregate, partition: str, agg) -> str:
    """What a part was computed from: the same signature, the same figure."""
    text = repr((PARTS_VERSION, source.name, name, repr(aggregate), partition, agg.first, agg.last, str(agg.cutoff)))
    return hashlib.sha256(text.encode()).hexdigest()


def column_of(source, name: str, cutoff) -> str:
    return f"{source.name}:{name}:{cutoff or ''}"


def _parts(agg, source, partition, columns, wanted, table, run) -> dict[int, dict[str, dict]]:
    """province → column name → {year: value}, for the `wanted` provinces (NO_PROVINCE: the rows
    without one)."""
    rows = {}
    if partition == source.province_path() and agg.grouped_by_province(source, wanted):
        rows = table  # the current provinces' own grouped query holds them already
    else:
        where = Q()  # the whole country: filter nothing (a scan, as a full recompute's)
        if not set(wanted) >= set(agg.current_province_ids) | {NO_PROVINCE}:
            where = Q(**{f"{partition}__in": [p for p in wanted if p != NO_PROVINCE]})
            if NO_PROVINCE in wanted:
                where |= Q(**{f"{partition}__isnull": True})
        run(where, F(partition), columns, rows)
    parts = {province: {name: {} for name in columns} for province in wanted}
    for (area, year), values in rows.items():
        province = NO_PROVINCE if area is None else area
        if province in parts:
            for name in columns:
                if values.get(name):
                    parts[province][name][year] = values[name]
    return parts


def _stored_years(years: dict) -> dict[str, object]:
    return {str(year): str(value) if isinstance(value, Decimal) else value for year, value in years.items()}


def _years(stored: dict) -> dict[int, object]:
    return {int(year): Decimal(value) if isinstance(value, str) else value for year, value in stored.items()}
