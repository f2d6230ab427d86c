"""How each derived indicator is measured from the registry, for many places and years at once,
and which rows stand behind each figure.

Every rule is stated once, as a numerator and (for shares and averages) a denominator. Each is a
`Part`: the rows of one source table that meet a condition, and how they total (counted, a field
summed, the distinct values of a field counted), in the year or up to the year's end. The same
Part serves twice:
- the recompute asks every rule for its Parts; `Aggregates` runs one grouped query per source
  table (organisations by founding year, yearly figures, ratings, support actions…) holding all
  of them as conditional aggregates, grouped by (area, year), and each rule reads its cells. So
  queries grow with the number of sources, not with organisations, targets or indicators;
- a drill-down ("the organisations counted") lists the Part's rows for one area and year: the
  very rows its aggregate counted, placed the same way.

Places: an organisation counts in every area its commune lies in (the lineage, so old and new
provinces both work across the 2025 merger). For the 34 current provinces the organisation's own
`province` column gives the same answer faster (every old province went whole into one new one),
so those areas read it, in the grouped queries and in the lists alike.

Definitions (domain primer): effective = rated Tốt or Khá, over rated HTX unless the target names
another denominator; one rating counts per HTX and year (`Rating.objects.counted()`); size bands
by members (TT 01/2020 art. 4).
"""

import datetime
import logging
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, partial

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import ExtractYear, Greatest
from django.utils.translation import gettext_lazy as _

from cooperatives.models import (
    SIZE_BAND_LIMITS,
    AdminUnit,
    NtmRecognition,
    Organisation,
    Rating,
    SizeBand,
    SupportAction,
    YearlyFigures,
    left_on,
    operating_at_end_of,
)
from plans.models import Indicator, Target
from plans.national import NO_PROVINCE, Parts, column_of

logger = logging.getLogger(__name__)

HTX = Organisation.Kind.COOPERATIVE
AGRI = Organisation.Sector.AGRICULTURE
EFFECTIVE = list(Rating.EFFECTIVE_LEVELS)
ZERO = Decimal(0)


@dataclass(frozen=True)
class Measure:
    """An indicator's value in one place and year, with the inputs that make it (for a count, the
    numerator is the count itself)."""

    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def count(numerator, denominator=None) -> Measure:
    return Measure(Decimal(numerator), Decimal(numerator))


def share(numerator, denominator) -> Measure:
    if not denominator:
        return Measure(None, Decimal(numerator or 0), Decimal(denominator or 0))
    return Measure(Decimal(100) * numerator / denominator, Decimal(numerator), Decimal(denominator))


def average(total, how_many) -> Measure:
    if not how_many:
        return Measure(None, Decimal(total or 0), Decimal(0))
    return Measure(Decimal(total) / how_many, Decimal(total), Decimal(how_many))


# Sources ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One table to group by (area, year): its rows, its year, and the paths to its place."""

    name: str
    org_prefix: str  # path from the row to its organisation ("" for organisations)
    count_field: str = "pk"  # what a plain count counts (a column of a covering index where there is one)
    # The dates that place a row in time (the first is its year's): a cut-off keeps the rows dated
    # by then. Yearly figures and ratings have none: they are the year's, whatever the day.
    dated_by = ()

    def rows(self, first, last):
        raise NotImplementedError

    def until(self, day) -> Q:
        """The rows as of `day` (a target's deadline inside its year): those dated by then."""
        return Q(**{f"{field}__lte": day for field in self.dated_by})

    def year(self, first):
        raise NotImplementedError

    def rows_of_year(self, year):
        """The rows a list of one year starts from: those of the one-year window."""
        return self.rows(year, year)

    def commune_path(self):
        return f"{self.org_prefix}commune"

    def province_path(self):
        return f"{self.org_prefix}province"

    def organisation_path(self):
        return self.org_prefix.removesuffix("__") or "pk"

    def lineage_path(self):
        return f"{self.commune_path()}__lineage_ancestors__ancestor"

    def presence(self) -> "Part":
        """What says the registry holds data for an area and year at all: any row of the year (an
        organisation source: any organisation founded by the year's end). Without it a count is
        "no data", never 0."""
        if self.organisation_path() == "pk":
            return Part(FOUNDED, to_year_end=True)
        return Part(self)

    def in_area(self, area: AdminUnit) -> Q:
        """The rows placed in `area`, as the grouped queries place them (`Aggregates._groupings`)."""
        if area.level == AdminUnit.Level.NATION:
            return Q()
        if is_current_province(area) and self.has_province:
            return Q(**{self.province_path(): area.pk})
        return Q(**{self.lineage_path(): area.pk})

    # Whether the rows carry their current province in a column of their own (the faster path).
    has_province = True


def years_range(first: int, last: int) -> tuple[datetime.date, datetime.date]:
    """From 1/1 of `first` to 31/12 of `last`, as dates: the planner estimates (and an index
    serves) a range of dates, not one of EXTRACT(YEAR …)."""
    return datetime.date(first, 1, 1), datetime.date(last, 12, 31)


def is_current_province(area: AdminUnit) -> bool:
    return area.level == AdminUnit.Level.PROVINCE and area.structure == AdminUnit.Structure.FROM_2025


class FoundedSource(Source):
    dated_by = ("founded_on",)

    # Years before `first` fall into one bucket, first - 1, so that stocks (active at a
    # year's end) are running sums while flows in the window stay exact.
    def rows(self, first, last):
        return Organisation.objects.filter(founded_on__year__lte=last)

    def year(self, first):
        return Greatest(ExtractYear("founded_on"), Value(first - 1))


class EndedSource(Source):
    # Organisations that stopped operating (dissolved, or suspended, dormant, dissolving: see
    # cooperatives.models.left_on), in the year they stopped, never before their founding year,
    # so the ended are among the founded.
    def until(self, day):
        return Q(left__lte=day, founded_on__lte=day)  # `left`: the alias rows() makes

    def rows(self, first, last):
        return Organisation.objects.alias(left=left_on()).filter(left__year__lte=last, founded_on__year__lte=last)

    def year(self, first):
        return Greatest(ExtractYear(left_on()), ExtractYear("founded_on"), Value(first - 1))


class JoinedSource(Source):
    dated_by = ("alliance_joined_on",)

    def rows(self, first, last):
        return Organisation.objects.filter(alliance_joined_on__range=years_range(first, last))

    def year(self, first):
        return ExtractYear("alliance_joined_on")


def _trainings():
    return SupportAction.objects.filter(organisation=OuterRef("pk"), kind=SupportAction.Kind.MANAGER_TRAINING)


def _first_training_year():
    first = _trainings().order_by().values("organisation").annotate(y=Min(ExtractYear("occurred_on")))
    return Subquery(first.values("y"))


class TrainedSource(Source):
    # Organisations founded and trained by then, in the year both were true: the later of their
    # founding and their first training of key officers (bucketed like founding years).
    dated_by = ("founded_on",)

    def until(self, day):
        return super().until(day) & Exists(_trainings().filter(occurred_on__lte=day))

    def rows(self, first, last):
        trained = _trainings().filter(occurred_on__year__lte=last)
        return Organisation.objects.filter(Exists(trained), founded_on__year__lte=last)

    def year(self, first):
        return Greatest(_first_training_year(), ExtractYear("founded_on"), Value(first - 1))


class TrainedEndedSource(Source):
    # The trained organisations that stopped operating, in the year they leave the count: the
    # latest of their founding, first training and stopping.
    def until(self, day):
        return Q(left__lte=day, founded_on__lte=day) & Exists(_trainings().filter(occurred_on__lte=day))

    def rows(self, first, last):
        trained = _trainings().filter(occurred_on__year__lte=last)
        ended = Organisation.objects.alias(left=left_on()).filter(left__year__lte=last, founded_on__year__lte=last)
        return ended.filter(Exists(trained))

    def year(self, first):
        return Greatest(_first_training_year(), ExtractYear(left_on()), ExtractYear("founded_on"), Value(first - 1))


class FiguresSource(Source):
    def rows(self, first, last):
        return YearlyFigures.objects.filter(year__range=(first, last))

    def year(self, first):
        return F("year")


class RatingsSource(Source):
    # The one rating that counts per HTX and year (cooperatives.models.RatingQuerySet.counted).
    def rows(self, first, last):
        return Rating.objects.counted(years=(first, last))

    def rows_of_year(self, year):
        return Rating.objects.counted().filter(year=year)  # a list needs no query to skip the subquery

    def year(self, first):
        return F("year")


class ActionsSource(Source):
    dated_by = ("occurred_on",)

    # Actions are placed by their own area (a commune or a province), not the organisation's;
    # `province` on the action is that area's current province.
    def rows(self, first, last):
        return SupportAction.objects.filter(occurred_on__range=years_range(first, last))

    def year(self, first):
        return ExtractYear("occurred_on")

    def commune_path(self):
        return "area"

    def organisation_path(self):
        return "organisation"


class NtmDecidedSource(Source):
    """New-rural recognitions by the year of their decision (bucketed like founding years), placed
    by their xã: an old commune's in the old and the new province it lies in."""

    dated_by = ("decided_on",)

    def rows(self, first, last):
        return NtmRecognition.objects.filter(decided_on__year__lte=last)

    def year(self, first):
        return Greatest(ExtractYear("decided_on"), Value(first - 1))

    def presence(self):
        return Part(self, to_year_end=True)  # any recognition decided there by the year's end


STANDING_YEAR = 0  # the one bucket of a source whose columns are each a year's standing


class NtmStandingSource(NtmDecidedSource):
    """Recognitions as they stand at a year's end; each year is a column of its own (`Standing`),
    since which xã stand at a date is not a running sum of distinct xã."""

    def year(self, first):
        return Value(STANDING_YEAR)

    def presence(self):
        return NTM_DECIDED.presence()


class XaSource(Source):
    """The xã themselves (not phường, thị trấn or đặc khu: only a xã builds new-rural standards),
    placed through the lineage: a unit has no province column."""

    has_province = False

    def rows(self, first, last):
        return AdminUnit.objects.filter(level=AdminUnit.Level.COMMUNE, kind=AdminUnit.Kind.COMMUNE)

    def year(self, first):
        return Value(STANDING_YEAR)

    def lineage_path(self):
        return "lineage_ancestors__ancestor"


FOUNDED = FoundedSource("founded", "")
ENDED = EndedSource("ended", "")
JOINED = JoinedSource("joined", "")
TRAINED = TrainedSource("trained", "")
TRAINED_ENDED = TrainedEndedSource("trained_ended", "")
FIGURES = FiguresSource("figures", "organisation__", count_field="organisation")
# Counted by the organisation's column (never null, as the id): the ratings' covering index holds it,
# so a one-province recompute reads the ratings from the index alone (0.10 → 0.06 s for Hà Nội's).
RATINGS = RatingsSource("ratings", "organisation__", count_field="organisation")
ACTIONS = ActionsSource("actions", "")
NTM_DECIDED = NtmDecidedSource("ntm_decided", "")
NTM_STANDING = NtmStandingSource("ntm_standing", "")
XA = XaSource("xa", "")


class IndicatorError(Exception):
    """An indicator that cannot be computed: a rule this code does not know, parameters its rule
    refuses, a query that failed. Its targets get the status "error" with the reason."""


def reason_of(error: Exception) -> str:
    """What a failure says to an admin: a refusal's own messages (Vietnamese), else the exception's
    class and the first line of its message (a database error goes on with the whole query)."""
    if isinstance(error, IndicatorError):
        return str(error)
    messages = getattr(error, "messages", None)
    if messages:
        return " ".join(str(message) for message in messages)
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {first_line}"[:300].rstrip(": ")


class Aggregates:
    """The grouped rows of every source, computed once per recompute for a set of areas and years.

    `need(source, name, aggregate)` registers a column; `get(source, area, year, name)`
    reads it (0 where no row matched), running each source's query on first use. `parts`
    keeps each target key's numerator and denominator between `need` and `measure`.
    With a `cutoff` (a deadline inside a year), dated rows count only up to that day.

    One broken indicator stops nothing: the columns registered while `owning(key)` belong to that
    key, a failure while registering them drops them, and a source's query that fails is run again
    one key at a time, so only the keys whose own columns fail are lost (`failures`, key → reason);
    reading a lost key's column raises `IndicatorError`.
    """

    def __init__(self, areas: list[AdminUnit], first: int, last: int, cutoff=None, changed=None, store_parts=True):
        self.areas, self.first, self.last, self.cutoff = areas, first, last, cutoff
        # The current provinces whose rows changed since the stored national parts were computed
        # (plans.national), or None: not known, compute them all. `store_parts`: False for a
        # preview, which writes nothing.
        self.changed, self.store_parts = changed, store_parts
        self.partitions: dict[tuple[Source, str], str | None] = {}
        self.columns: dict[Source, dict] = defaultdict(dict)
        self.tables: dict[Source, dict] = {}
        self.parts: dict[str, tuple] = {}
        self.owners: dict[tuple[Source, str], str | None] = {}
        self.failures: dict[str, str] = {}
        self._owner: str | None = None

    @cached_property
    def current_province_ids(self) -> frozenset[int]:
        current = AdminUnit.objects.provinces().of_structure(AdminUnit.Structure.FROM_2025)
        return frozenset(current.values_list("pk", flat=True))

    @property
    def current_province_count(self) -> int:
        return len(self.current_province_ids)

    @cached_property
    def nation_id(self) -> int | None:
        return next((a.pk for a in self.areas if a.level == AdminUnit.Level.NATION), None)

    @contextmanager
    def owning(self, key: str):
        """Register the columns of one key; any failure in the block is that key's alone."""
        self._owner = key
        try:
            yield
        except Exception as error:
            self.fail(key, error)
        finally:
            self._owner = None

    def fail(self, key: str, error: Exception) -> None:
        self.failures.setdefault(key, reason_of(error))
        for source, name in [cell for cell, owner in self.owners.items() if owner == key]:
            if source not in self.tables:
                self.columns[source].pop(name, None)

    def need(self, source: Source, name: str, aggregate, partition: str | None = None):
        """Register a column. `partition`: the path to the province that splits its national figure
        into parts that add up (by default the row's own province; None: the source has none)."""
        self.columns[source][name] = aggregate
        self.owners[(source, name)] = self._owner
        self.partitions[(source, name)] = partition or (source.province_path() if source.has_province else None)

    def get(self, source: Source, area_id: int, year: int, name: str):
        if source not in self.tables:
            self.tables[source] = self._table(source)
        owner = self.owners.get((source, name))
        if owner in self.failures:
            raise IndicatorError(self.failures[owner])
        return self.tables[source].get((area_id, year), {}).get(name) or 0

    def years_up_to(self, source, area_id, year, name):
        """Sum of a column over every year bucket up to `year`: stocks from flows."""
        return sum(self.get(source, area_id, y, name) for y in range(self.first - 1, year + 1))

    def _table(self, source: Source) -> dict:
        try:
            return self._query(source, self.columns[source])
        except Exception:
            pass  # one key's column can break the query of all: each key on its own, below
        table = defaultdict(dict)
        by_owner = defaultdict(dict)
        for name, aggregate in self.columns[source].items():
            by_owner[self.owners.get((source, name))][name] = aggregate
        for owner, columns in by_owner.items():
            try:
                rows = self._query(source, columns)
            except Exception as error:
                self.failures.setdefault(owner, reason_of(error))
                continue
            for cell, values in rows.items():
                table[cell].update(values)
        return table

    def _query(self, source: Source, columns: dict) -> dict:
        table = {}
        if not columns:
            return table
        # In a savepoint: a failed query must not end the transaction the recompute runs in.
        with transaction.atomic():
            for where, area_expr in self._groupings(source):
                self._run(source, where, area_expr, columns, table)
            if self.nation_id is not None:
                self._national(source, columns, table)
        return table

    def _run(self, source: Source, where: Q, area_expr, columns: dict, table: dict) -> None:
        """One grouped query: the rows meeting `where`, by (area_expr, year), into `table`."""
        rows = source.rows(self.first, self.last)
        if self.cutoff is not None:
            rows = rows.filter(source.until(self.cutoff))
        rows = (
            rows.filter(where)
            .annotate(cell_area=area_expr, cell_year=source.year(self.first))
            .values("cell_area", "cell_year")
            .annotate(**columns)
            .order_by()
        )
        for row in rows:
            table.setdefault((row.pop("cell_area"), row.pop("cell_year")), {}).update(row)

    def _national(self, source: Source, columns: dict, table: dict) -> None:
        """The nation's rows: the sum of the provinces' parts (plans.national) where the source
        places its rows in provinces, else (or if the parts cannot be read) a query of its own."""
        by_partition = defaultdict(dict)
        for name, aggregate in columns.items():
            by_partition[self.partitions.get((source, name))][name] = aggregate
        for partition, part in by_partition.items():
            rows = None
            if partition is not None:
                try:
                    with transaction.atomic():
                        rows = self.national_parts.rows(source, partition, part, table, partial(self._run, source))
                except DatabaseError:
                    logger.exception("The national figure's stored parts could not be used; grouping the country.")
            if rows is None:  # its stored parts, left as they were, are dropped (Parts.forget_unwritten)
                self._run(source, Q(), Value(self.nation_id), part, table)
                continue
            for year, values in rows.items():
                table.setdefault((self.nation_id, year), {}).update(values)

    @cached_property
    def national_parts(self) -> Parts:
        return Parts(self)

    def national_columns(self) -> list[str]:
        """The stored parts' names of every column the nation's figures add up from provinces."""
        return [
            column_of(source, name, self.cutoff)
            for source, columns in self.columns.items()
            for name in columns
            if self.partitions.get((source, name)) is not None
        ]

    def _current(self, source: Source) -> list[int]:
        return [a.pk for a in self.areas if is_current_province(a)] if source.has_province else []

    def grouped_by_province(self, source: Source, wanted) -> bool:
        """Whether the current provinces' grouped query of `source` holds the rows of every
        province in `wanted` (NO_PROVINCE: the rows without one, held when it filtered nothing)."""
        current = self._current(source)
        if len(current) == self.current_province_count:
            return True
        return NO_PROVINCE not in wanted and set(wanted) <= set(current)

    def _groupings(self, source: Source):
        """Filters and area expressions: current provinces, then everything else (the same placing
        as `Source.in_area`, for many areas at once). The nation is the sum of its provinces
        (`_national`)."""
        current = self._current(source)
        others = [a.pk for a in self.areas if a.pk != self.nation_id and a.pk not in current]
        if current:
            # Asking for every current province (a full recompute), filter nothing: the planner then
            # scans and hashes like the hand-written floor instead of probing the index 35,000 times;
            # the rows without a province come as one more group, the nation's last part.
            every = len(current) == self.current_province_count
            yield (Q() if every else Q(**{f"{source.province_path()}__in": current})), F(source.province_path())
        if others:
            yield Q(**{f"{source.lineage_path()}__in": others}), F(source.lineage_path())


# Parts: what a numerator or denominator counts --------------------------------------------

COUNT, SUM, DISTINCT = "count", "sum", "distinct"


@dataclass(frozen=True)
class Part:
    """The rows of one source meeting `condition`, totalled by COUNT, by the SUM of `field`, or by
    the number of DISTINCT values of `field`; in the year, or with `to_year_end` every row up to the
    year's end (the source buckets earlier years, so a stock is a running sum)."""

    source: Source
    condition: Q = Q()
    total: str = COUNT
    field: str = ""
    to_year_end: bool = False
    label: str = ""  # what a denominator counts, as the page says it

    def aggregate(self):
        if self.total == SUM:
            return Sum(self.field, filter=self.condition)
        if self.total == DISTINCT:
            return Count(self.field, distinct=True, filter=self.condition)
        return Count(self.source.count_field, filter=self.condition)

    def need(self, agg: Aggregates, key: str) -> None:
        agg.need(self.source, key, self.aggregate(), self.partition())

    def partition(self) -> str | None:
        """Where the national figure splits into provinces' parts that add up (plans.national):
        distinct organisations by their own province (an action is placed by its own area, and an
        HTX may be supported in two provinces); anything else by the row's province."""
        organisation = self.source.organisation_path()
        if self.total == DISTINCT and organisation != "pk" and self.field == organisation:
            return f"{organisation}__province"
        return None

    def value(self, agg: Aggregates, area_id: int, year: int, key: str):
        if self.to_year_end:
            return agg.years_up_to(self.source, area_id, year, key)
        return agg.get(self.source, area_id, year, key)

    def rows(self, area: AdminUnit, year: int, cutoff=None):
        """The source's rows this Part counts for `area` and `year` (dated by `cutoff`, if given)."""
        rows = self.source.rows_of_year(year).filter(self.source.in_area(area), self.condition)
        if cutoff is not None:
            rows = rows.filter(self.source.until(cutoff))
        if self.to_year_end:
            return rows
        return rows.annotate(cell_year=self.source.year(year)).filter(cell_year=year)

    def presence(self) -> "Part":
        """What says there is data at all (`Source.presence`); a sum of yearly figures needs rows that
        report the summed field: members nobody reported are no data, not 0 members."""
        if self.total == SUM and self.source is FIGURES:
            return Part(FIGURES, Q(**{f"{self.field}__isnull": False}))
        return self.source.presence()

    @property
    def lists_actions(self) -> bool:
        """Support actions are listed as the actions (turns summed, communes counted), unless the
        figure counts the organisations they reached."""
        return self.source is ACTIONS and self.field != "organisation"

    def listed(self, area: AdminUnit, year: int, cutoff=None):
        """What a page lists behind the figure: the organisations of the rows, or the actions."""
        rows = self.rows(area, year, cutoff)
        if self.source.organisation_path() == "pk" or self.lists_actions:
            return rows
        return Organisation.objects.filter(pk__in=rows.values(self.source.organisation_path()))


@dataclass(frozen=True)
class Stock:
    """Organisations in by the year's end less those out by then (founded less dissolved): two
    running sums; the list is the first Part's rows without the second's."""

    added: Part
    removed: Part
    label: str = ""
    total = COUNT
    field = ""
    lists_actions = False

    @property
    def source(self) -> Source:
        return self.added.source

    def presence(self) -> Part:
        return self.source.presence()

    def need(self, agg: Aggregates, key: str) -> None:
        self.added.need(agg, key)
        self.removed.need(agg, key)

    def value(self, agg: Aggregates, area_id: int, year: int, key: str):
        return self.added.value(agg, area_id, year, key) - self.removed.value(agg, area_id, year, key)

    def rows(self, area: AdminUnit, year: int, cutoff=None):
        removed = self.removed.rows(area, year, cutoff)
        return self.added.rows(area, year, cutoff).exclude(pk__in=removed.values("pk"))

    listed = rows


def active(condition: Q, label="") -> Stock:
    """Organisations meeting `condition` active at the year's end: founded by then, not stopped by then."""
    return Stock(Part(FOUNDED, condition, to_year_end=True), Part(ENDED, condition, to_year_end=True), label)


def year_end(year: int, cutoff=None) -> datetime.date:
    """The day a standing is read on: 31/12, or a deadline inside that year."""
    return cutoff if cutoff is not None and cutoff.year == year else datetime.date(year, 12, 31)


@dataclass(frozen=True)
class Standing:
    """What stands at a year's end (xã recognised at some levels; xã that are units then), counted
    one column per year: `condition(day)` says which rows stand on a day."""

    source: Source
    levels: tuple = ()  # recognitions at these levels; none: the xã themselves
    label: str = ""
    to_year_end = True
    lists_actions = False

    @property
    def field(self) -> str:
        return "commune" if self.levels else "pk"

    @property
    def total(self) -> str:
        return DISTINCT if self.levels else COUNT

    def condition(self, day) -> Q:
        if not self.levels:
            return Q(valid_from__isnull=True) | Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        return (
            Q(level__in=self.levels, decided_on__lte=day),
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day),
            Q(commune__valid_to__isnull=True) | Q(commune__valid_to__gte=day),
        )

    def presence(self) -> Part:
        return self.source.presence()

    def need(self, agg: Aggregates, key: str) -> None:
        for year in range(agg.first, agg.last + 1):
            condition = Q(*self.condition(year_end(year, agg.cutoff)))
            agg.need(self.source, f"{key}_{year}", Count(self.field, distinct=True, filter=condition))

    def value(self, agg: Aggregates, area_id: int, year: int, key: str):
        return agg.get(self.source, area_id, STANDING_YEAR, f"{key}_{year}")

    def rows(self, area: AdminUnit, year: int, cutoff=None):
        """The recognitions (or xã) standing at the year's end; a xã both standard and advanced has
        a row for each, and counts once."""
        return self.source.rows(year, year).filter(self.source.in_area(area), *self.condition(year_end(year, cutoff)))

    listed = rows


# Parameters: what an indicator narrows a rule to -----------------------------------------


@dataclass(frozen=True)
class Param:
    """One parameter of a rule, as an admin chooses it on the indicator form and as `rule_params`
    stores it: one value among `choices`, several (`many`), or yes/no (no choices). A list of one
    is stored under its `alias` where it has one ("kind": "htx" rather than "kinds": ["htx"]), the
    way the shipped catalogue spells it; both spellings read the same."""

    name: str
    label: str
    choices: tuple = ()
    many: bool = False
    required: bool = False
    alias: str = ""
    help_text: str = ""

    @property
    def is_flag(self) -> bool:
        return not self.choices

    def value(self, params: dict):
        """The parameter as `rule_params` holds it, read: a list (`many`), a value, a bool or None.
        Raises ValueError, in words for an admin, when it is not one of those."""
        if self.alias and self.alias in params:
            if self.name in params:
                raise ValueError(_("Chỉ ghi một trong hai: “%(a)s” hoặc “%(b)s”.") % {"a": self.alias, "b": self.name})
            return [self._one(params[self.alias])]
        if self.name not in params or params[self.name] in (None, "", []):
            return [] if self.many else None if self.choices else False
        raw = params[self.name]
        if self.is_flag:
            if not isinstance(raw, bool):
                raise ValueError(_("Chỉ nhận có hoặc không."))
            return raw
        if self.many:
            if not isinstance(raw, list):
                raise ValueError(_("Cần một danh sách các giá trị."))
            return [self._one(item) for item in raw]
        return self._one(raw)

    def _one(self, raw):
        allowed = [value for value, _label in self.choices]
        if raw not in allowed:
            raise ValueError(
                _("“%(value)s” không phải giá trị được chọn; chọn trong: %(allowed)s.")
                % {"value": raw, "allowed": ", ".join(map(str, allowed))}
            )
        return raw

    def stored(self, value) -> dict:
        """The `rule_params` entries for a value chosen on the form (nothing for an empty one)."""
        if value in (None, "", [], False):
            return {}
        if self.many and self.alias and len(value) == 1:
            return {self.alias: value[0]}
        return {self.name: list(value) if self.many else value}


def _choices(text_choices, *values):
    """(value, label) pairs of a TextChoices, all of them or those named."""
    return tuple((value, label) for value, label in text_choices.choices if not values or value in values)


KINDS = Param(
    "kinds",
    _("Loại hình tổ chức"),
    _choices(Organisation.Kind),
    many=True,
    alias="kind",
    help_text=_("Để trống: mọi loại hình."),
)
SECTORS = Param(
    "sectors",
    _("Lĩnh vực"),
    _choices(Organisation.Sector),
    many=True,
    alias="sector",
    help_text=_("Để trống: mọi lĩnh vực."),
)
LEVELS = Param("levels", _("Mức xếp loại"), _choices(Rating.Level), many=True, required=True)
ACTION = Param("action", _("Loại hoạt động hỗ trợ"), _choices(SupportAction.Kind), required=True)
DISTINCT_ORGANISATIONS = Param(
    "distinct_organisations",
    _("Đếm số tổ chức được hỗ trợ (mỗi tổ chức một lần)"),
    help_text=_("Không chọn: cộng số lượt của các hoạt động (một hoạt động của địa bàn ghi số lượt tham gia)."),
)
DISTINCT_COMMUNES = Param("distinct_communes", _("Đếm số xã, phường có hoạt động"))
COMMUNES_ONLY = Param("communes_only", _("Chỉ tính hoạt động ở xã (không tính phường, thị trấn)"))
MIN_BAND = Param("min_band", _("Quy mô từ"), _choices(SizeBand), help_text=_("Theo số thành viên (TT 01/2020)."))
MAX_BAND = Param("max_band", _("Quy mô đến"), _choices(SizeBand), help_text=_("Để trống: đến quy mô lớn."))
AVERAGE_FIELDS = (
    ("members", _("số thành viên")),
    ("workers", _("số lao động thường xuyên")),
    ("charter_capital", _("vốn điều lệ")),
    ("revenue", _("doanh thu")),
    ("profit", _("lợi nhuận")),
)
FIELD = Param("field", _("Số liệu năm lấy bình quân"), AVERAGE_FIELDS, required=True)
MONEY_FIELDS = ("charter_capital", "revenue", "profit")


def denominators_param(rule) -> Param:
    labels = dict(Target.Denominator.choices)
    return Param(
        "denominators",
        _("Mẫu số mục tiêu được dùng"),
        tuple((value, labels[value]) for value in rule.denominators),
        many=True,
        help_text=_("Để trống: mọi mẫu số quy tắc cho phép; mẫu số đầu tiên là mặc định."),
    )


# Rules ------------------------------------------------------------------------------------


class Rule:
    """Measures one kind of indicator. `params` come from the indicator, `denominator` from the target.

    A rule states its numerator and, for shares and averages, its denominator (`parts`); `combine`
    makes the figure of the two values. Counts have no denominator.

    It declares its parameters (`params`) and the denominators a target may use; `check` is the
    one judge of an indicator's parameters and a target's denominator, read by the indicator form,
    `Indicator.clean` and the recompute (which marks the targets of a refused indicator "error")."""

    params: tuple[Param, ...] = ()
    denominators: tuple[str, ...] = ("",)
    shape = Indicator.Shape.LEVEL  # how its figure behaves over a period
    combine = staticmethod(count)

    @property
    def declared(self) -> tuple[Param, ...]:
        """Every parameter an indicator of this rule may hold (the denominators a share may use too)."""
        return self.params + ((denominators_param(self),) if self.denominators != ("",) else ())

    def check(self, params, denominator: str | None = None) -> None:
        """Raise ValidationError (messages by parameter name, in Vietnamese) for parameters this rule
        does not take or refuses, or, given a target's `denominator`, one the indicator does not allow."""
        if not isinstance(params, dict):
            raise ValidationError(_("Tham số quy tắc phải là một bảng tên → giá trị."))
        errors, values = {}, {}
        known = {name for p in self.declared for name in (p.name, p.alias) if name}
        for name in params:
            if name not in known:
                errors[name] = _("Quy tắc này không dùng tham số “%(name)s”.") % {"name": name}
        for param in self.declared:
            try:
                values[param.name] = param.value(params)
            except ValueError as error:
                errors[param.name] = str(error)
                continue
            if param.required and not values[param.name]:
                errors[param.name] = _("Cần chọn: %(label)s.") % {"label": param.label}
        if not errors:
            errors.update(self.refusals(values))
        if denominator is not None and not errors and denominator not in ("", *self.allowed_denominators(params)):
            labels = dict(Target.Denominator.choices)
            allowed = ", ".join(str(labels[d]) for d in self.allowed_denominators(params)) or "—"
            errors["denominator"] = _(
                "Chỉ tiêu này không tính trên mẫu số “%(chosen)s”; mẫu số được dùng: %(allowed)s."
            ) % {
                "chosen": labels.get(denominator, denominator),
                "allowed": allowed,
            }
        if errors:
            raise ValidationError(errors)

    def refusals(self, values: dict) -> dict:
        """Combinations of valid parameters the rule refuses (name → message); none by default."""
        return {}

    def values(self, params: dict) -> dict:
        """Every declared parameter, read (lists, values, flags), for the form and the rules."""
        return {param.name: param.value(params) for param in self.declared}

    def allowed_denominators(self, params: dict) -> tuple[str, ...]:
        """The denominators a target of this indicator may use, the default first."""
        chosen = params.get("denominators") or ()
        return tuple(d for d in self.denominators if d and (not chosen or d in chosen))

    def numerator(self, params: dict, denominator: str) -> Part | Stock:
        raise NotImplementedError

    def denominator(self, params: dict, denominator: str) -> Part | Stock | None:
        return None

    def parts(self, params: dict, denominator: str, year: int | None = None):
        """The numerator and denominator (None for a count) of the figure; a rule whose definition
        changed over the years (criterion 13) gives those of `year`. No denominator named: the
        indicator's default (the first it allows)."""
        denominator = denominator or next(iter(self.allowed_denominators(params)), "")
        return self.numerator(params, denominator), self.denominator(params, denominator)

    def need(self, agg: Aggregates, params: dict, denominator: str, key: str) -> None:
        numerator, below = agg.parts[key] = self.parts(params, denominator)
        numerator.need(agg, key + "_n")
        if below is not None:
            below.need(agg, key + "_d")
        else:
            numerator.presence().need(agg, key + "_rows")

    def measure(self, agg: Aggregates, area_id: int, year: int, params, denominator, key: str) -> Measure:
        numerator, below = agg.parts[key]
        value = numerator.value(agg, area_id, year, key + "_n")
        if below is not None:
            return self.combine(value, below.value(agg, area_id, year, key + "_d"))
        if not numerator.presence().value(agg, area_id, year, key + "_rows"):
            return Measure(None)  # no registry rows for the area and year: no data, not 0
        return self.combine(value)


def org_filter(params, prefix=""):
    """Q for an indicator's organisation parameters: kind or kinds, sector or sectors."""
    q = Q()
    kinds, sectors = KINDS.value(params), SECTORS.value(params)
    if kinds:
        q &= Q(**{f"{prefix}kind__in": kinds})
    if sectors:
        q &= Q(**{f"{prefix}sector__in": sectors})
    return q


ORGANISATIONS = (KINDS, SECTORS)


class Founded(Rule):
    """Organisations founded in the year (a flow)."""

    params = ORGANISATIONS
    shape = Indicator.Shape.FLOW

    def numerator(self, params, denominator):
        return Part(FOUNDED, org_filter(params))


class Active(Rule):
    """Organisations active at the year's end: founded by then and not stopped by then (dissolved,
    suspended, dormant or dissolving: cooperatives.models.left_on)."""

    params = ORGANISATIONS

    def numerator(self, params, denominator):
        return active(org_filter(params))


class AllianceJoined(Rule):
    """Member units admitted to the provincial alliance in the year."""

    params = ORGANISATIONS
    shape = Indicator.Shape.FLOW

    def numerator(self, params, denominator):
        return Part(JOINED, org_filter(params))


class SupportActions(Rule):
    """Support actions of one kind in the year: the sum of their counts (turns, people trained,
    projects financed: an action for a place records how many took part), or with
    `distinct_organisations` the organisations reached, or with `distinct_communes` the communes
    (xã, phường, thị trấn) where actions took place; `communes_only` keeps actions in a xã (not
    phường or thị trấn: new-rural targets are about xã)."""

    params = (ACTION, *ORGANISATIONS, DISTINCT_ORGANISATIONS, DISTINCT_COMMUNES, COMMUNES_ONLY)
    shape = Indicator.Shape.FLOW

    def refusals(self, values):
        if values["distinct_organisations"] and values["distinct_communes"]:
            return {"distinct_communes": _("Chọn một cách đếm: số tổ chức, hoặc số xã, phường (không cả hai).")}
        return {}

    def numerator(self, params, denominator):
        condition = Q(kind=params["action"]) & org_filter(params, "organisation__")
        if params.get("communes_only"):
            condition &= Q(area__kind=AdminUnit.Kind.COMMUNE)
        if params.get("distinct_organisations"):
            return Part(ACTIONS, condition, DISTINCT, "organisation")
        if params.get("distinct_communes"):
            return Part(ACTIONS, condition & Q(area__level=AdminUnit.Level.COMMUNE), DISTINCT, "area")
        return Part(ACTIONS, condition, SUM, "count")


def rated(params) -> Q:
    """The counted ratings at the indicator's levels, of the organisations it names."""
    return Q(level__in=LEVELS.value(params)) & org_filter(params, "organisation__")


class RatedCount(Rule):
    """HTX rated at the given levels in the year."""

    params = (LEVELS, SECTORS)

    def numerator(self, params, denominator):
        return Part(RATINGS, rated(params))


class RatingShare(Rule):
    """Share of HTX rated at the given levels, over rated HTX (default) or every HTX active at the
    year's end, of the same kind and sector as the numerator."""

    params = (LEVELS, SECTORS)
    denominators = (Target.Denominator.RATED_HTX, Target.Denominator.ACTIVE_HTX)
    shape = Indicator.Shape.SHARE
    combine = staticmethod(share)

    def refusals(self, values):
        over_rated = not values["denominators"] or Target.Denominator.RATED_HTX in values["denominators"]
        if Rating.Level.UNRATED in values["levels"] and over_rated:
            return {
                "levels": _(
                    "HTX chưa xếp loại không nằm trong mẫu số “HTX được xếp loại”: bỏ mức này, hoặc chỉ dùng mẫu số "
                    "“HTX đang hoạt động”."
                )
            }
        return {}

    def numerator(self, params, denominator):
        return Part(RATINGS, rated(params))

    def denominator(self, params, denominator):
        if denominator == Target.Denominator.ACTIVE_HTX:
            return active(Q(kind=HTX) & org_filter(params), _("HTX đang hoạt động cuối năm"))
        rated_htx = ~Q(level=Rating.Level.UNRATED) & org_filter(params, "organisation__")
        return Part(RATINGS, rated_htx, label=_("HTX được xếp loại trong năm (không tính HTX chưa xếp loại)"))


HTX_FIGURES = Q(organisation__kind=HTX)
AGRI_HTX_FIGURES = Q(organisation__kind=HTX, organisation__sector=AGRI)


class Average(Rule):
    """The mean of one yearly figure over the HTX (of the sectors named) that reported it."""

    params = (SECTORS,)
    combine = staticmethod(average)
    field = ""
    label = ""

    def reported(self, params) -> Q:
        return HTX_FIGURES & org_filter(params, "organisation__") & Q(**{f"{self.field_of(params)}__isnull": False})

    def field_of(self, params) -> str:
        return self.field

    def numerator(self, params, denominator):
        return Part(FIGURES, self.reported(params), SUM, self.field_of(params))

    def denominator(self, params, denominator):
        return Part(FIGURES, self.reported(params), label=self.label_of(params))

    def label_of(self, params):
        return self.label


class AverageRevenue(Average):
    """Revenue per HTX: total revenue over the HTX that reported one."""

    field, label = "revenue", _("HTX báo cáo doanh thu năm")


class AverageIncome(Average):
    """Average income of members and workers: the mean over HTX that reported it."""

    field, label = "average_income", _("HTX báo cáo thu nhập bình quân năm")


class AverageFigure(Average):
    """Any yearly figure per HTX (members, workers, charter capital, revenue, profit), over the
    HTX that reported it."""

    params = (FIELD, SECTORS)

    def field_of(self, params):
        return params["field"]

    def label_of(self, params):
        return _("HTX báo cáo %(figure)s năm") % {"figure": dict(AVERAGE_FIELDS)[params["field"]]}


def size_bands(values) -> Q:
    """HTX whose members put them from `min_band` to `max_band` (TT 01/2020 art. 4)."""
    bands = [band for band, _label in SizeBand.choices]
    lowest = bands.index(values["min_band"]) if values["min_band"] else 0
    highest = bands.index(values["max_band"]) if values["max_band"] else len(bands) - 1
    floors = [0] + [most + 1 for _band, most in SIZE_BAND_LIMITS]
    condition = Q(members__gte=floors[lowest])
    if highest < len(SIZE_BAND_LIMITS):
        condition &= Q(members__lte=SIZE_BAND_LIMITS[highest][1])
    return condition


class SizeCount(Rule):
    """HTX of a size band (or a range of bands) among those reporting members in the year."""

    params = (MIN_BAND, MAX_BAND, SECTORS)

    def refusals(self, values):
        if not values["min_band"] and not values["max_band"]:
            return {"min_band": _("Chọn quy mô từ, quy mô đến, hoặc cả hai.")}
        bands = [band for band, _label in SizeBand.choices]
        if (
            values["min_band"]
            and values["max_band"]
            and bands.index(values["min_band"]) > bands.index(values["max_band"])
        ):
            return {"max_band": _("Quy mô đến không thể nhỏ hơn quy mô từ.")}
        return {}

    def reporting(self, params) -> Q:
        return HTX_FIGURES & org_filter(params, "organisation__") & Q(members__isnull=False)

    def numerator(self, params, denominator):
        return Part(FIGURES, self.reporting(params) & size_bands(self.values(params)))


class SizeShare(SizeCount):
    """Share of HTX of a size band or range ("small or larger": 50 members or more, TT 01/2020 art. 4)
    among HTX reporting members."""

    denominators = (Target.Denominator.ACTIVE_HTX,)
    shape = Indicator.Shape.SHARE
    combine = staticmethod(share)

    def denominator(self, params, denominator):
        return Part(FIGURES, self.reporting(params), label=_("HTX báo cáo số thành viên năm"))


class LinkedShare(Rule):
    """Share of agricultural HTX linked with an enterprise, among agricultural HTX reporting that year."""

    denominators = (Target.Denominator.AGRICULTURAL_HTX,)
    shape = Indicator.Shape.SHARE
    combine = staticmethod(share)

    def numerator(self, params, denominator):
        return Part(FIGURES, AGRI_HTX_FIGURES & Q(linked_with_enterprise=True))

    def denominator(self, params, denominator):
        return Part(FIGURES, AGRI_HTX_FIGURES, label=_("HTX nông nghiệp có số liệu năm"))


AGRI_HTX = Q(kind=HTX, sector=AGRI)


class TrainedShare(Rule):
    """Share of agricultural HTX active at the year's end whose key officers were trained at least
    once by then, over agricultural HTX active at the year's end."""

    denominators = (Target.Denominator.AGRICULTURAL_HTX,)
    shape = Indicator.Shape.SHARE
    combine = staticmethod(share)

    def numerator(self, params, denominator):
        return Stock(Part(TRAINED, AGRI_HTX, to_year_end=True), Part(TRAINED_ENDED, AGRI_HTX, to_year_end=True))

    def denominator(self, params, denominator):
        return active(AGRI_HTX, _("HTX nông nghiệp đang hoạt động cuối năm"))


class OfficersTrainedShare(Rule):
    """Share of the key officers (cán bộ chủ chốt) of agricultural HTX trained at least once in the
    term, over the key officers, as the HTX reported both in the year's figures: people, not HTX."""

    denominators = (Target.Denominator.KEY_OFFICERS,)
    shape = Indicator.Shape.SHARE
    combine = staticmethod(share)
    REPORTED = AGRI_HTX_FIGURES & Q(key_officers__isnull=False, key_officers_trained__isnull=False)

    def numerator(self, params, denominator):
        return Part(FIGURES, self.REPORTED, SUM, "key_officers_trained")

    def denominator(self, params, denominator):
        return Part(
            FIGURES, self.REPORTED, SUM, "key_officers", label=_("cán bộ chủ chốt của HTX nông nghiệp báo cáo năm")
        )


class Members(Rule):
    """Members of the organisations of the given kinds, as reported in the year's figures."""

    params = ORGANISATIONS

    def numerator(self, params, denominator):
        return Part(FIGURES, org_filter(params, "organisation__"), SUM, "members")


class AllianceShare(Rule):
    """Share of effective HTX (rated Tốt or Khá) that are alliance members at the year's end."""

    denominators = (Target.Denominator.EFFECTIVE_HTX,)
    shape = Indicator.Shape.SHARE
    combine = staticmethod(share)

    def numerator(self, params, denominator):
        return Part(RATINGS, Q(level__in=EFFECTIVE, organisation__alliance_joined_on__year__lte=F("year")))

    def denominator(self, params, denominator):
        return Part(RATINGS, Q(level__in=EFFECTIVE), label=_("HTX hoạt động hiệu quả (xếp loại Tốt, Khá) trong năm"))


class Ntm13Communes(Rule):
    """Xã meeting new-rural criterion 13, "Tổ chức sản xuất", by the definition in force in the year:
    until 2020 (QĐ 1980/QĐ-TTg) an HTX operating under the law with a production linkage (active at
    the year's end, linked with an enterprise in that year's figures); from 2021 (QĐ 318/QĐ-TTg) an
    HTX operating effectively (rated Tốt or Khá). Xã only: phường and thị trấn are not new-rural
    communes."""

    LAST_YEAR_OF_QD_1980 = 2020
    IN_XA = Q(organisation__commune__kind=AdminUnit.Kind.COMMUNE)

    def numerator(self, params, denominator, year=None):
        if year is not None and year <= self.LAST_YEAR_OF_QD_1980:
            linked = Q(organisation__kind=HTX, linked_with_enterprise=True)
            operating = operating_at_end_of(F("year"), "organisation__")
            return Part(FIGURES, linked & operating & self.IN_XA, DISTINCT, "organisation__commune")
        return Part(RATINGS, Q(level__in=EFFECTIVE) & self.IN_XA, DISTINCT, "organisation__commune")

    def parts(self, params, denominator, year=None):
        return self.numerator(params, denominator, year), None

    def need(self, agg, params, denominator, key):
        for year, suffix in ((self.LAST_YEAR_OF_QD_1980, "_qd1980"), (None, "_qd318")):
            numerator = self.numerator(params, denominator, year)
            numerator.need(agg, key + suffix)
            numerator.presence().need(agg, key + suffix + "_rows")

    def measure(self, agg, area_id, year, params, denominator, key):
        suffix = "_qd1980" if year <= self.LAST_YEAR_OF_QD_1980 else "_qd318"
        numerator = self.numerator(params, denominator, year)
        if not numerator.presence().value(agg, area_id, year, key + suffix + "_rows"):
            return Measure(None)
        return count(numerator.value(agg, area_id, year, key + suffix))


NTM_LEVEL = Param(
    "level",
    _("Mức công nhận nông thôn mới"),
    _choices(NtmRecognition.Level),
    required=True,
    help_text=_("Xã đạt mức cao hơn cũng được tính: xã nâng cao, kiểu mẫu là xã đạt chuẩn."),
)
STANDARD = NtmRecognition.Level.STANDARD


def standing(level, label="") -> Standing:
    return Standing(NTM_STANDING, tuple(NtmRecognition.Level.at_least(level)), label)


class NtmCommunes(Rule):
    """Xã recognised at a new-rural level (or a higher one) at the year's end: decided by then, not
    withdrawn by then. An old commune's recognition counts in the provinces it lay in until it was
    merged (30/6/2025); after that the xã of the new map count, by their own decisions."""

    params = (NTM_LEVEL,)

    def numerator(self, params, denominator):
        return standing(params["level"])


class NtmRecognised(Rule):
    """Xã recognised at a new-rural level in the year, by the date of the decision ("có thêm 23 xã
    đạt chuẩn"): each xã once, whatever became of the recognition since."""

    params = (NTM_LEVEL,)
    shape = Indicator.Shape.FLOW

    def numerator(self, params, denominator):
        return Part(NTM_DECIDED, Q(level=params["level"]), DISTINCT, "commune")


class NtmShare(Rule):
    """Share of xã at a new-rural level (or higher) at the year's end, over the xã of the area then
    (`communes`), or over the xã at standard then (`ntm_communes`): "40% of NTM communes advanced"
    is a share whose denominator is itself a subset, which the target page says."""

    params = (NTM_LEVEL,)
    denominators = (Target.Denominator.COMMUNES, Target.Denominator.NTM_COMMUNES)
    shape = Indicator.Shape.SHARE
    combine = staticmethod(share)

    def refusals(self, values):
        over_standard = not values["denominators"] or Target.Denominator.NTM_COMMUNES in values["denominators"]
        if values["level"] == STANDARD and over_standard:
            return {
                "level": _(
                    "Tỷ lệ xã đạt chuẩn trên chính các xã đạt chuẩn luôn là 100%: chọn mức nâng cao hoặc kiểu mẫu, "
                    "hoặc chỉ dùng mẫu số “Số xã trên địa bàn”."
                )
            }
        return {}

    def numerator(self, params, denominator):
        return standing(params["level"])

    def denominator(self, params, denominator):
        if denominator == Target.Denominator.NTM_COMMUNES:
            label = _("xã đạt chuẩn nông thôn mới cuối năm: mẫu số chỉ gồm các xã đã đạt chuẩn, không phải mọi xã")
            return standing(STANDARD, label)
        return Standing(XA, label=_("xã trên địa bàn cuối năm (không tính phường, thị trấn)"))


ACTIVE_RULE = Active()
RULES: dict[str, Rule] = {
    Indicator.Rule.FOUNDED: Founded(),
    Indicator.Rule.ACTIVE: ACTIVE_RULE,
    Indicator.Rule.ALLIANCE_JOINED: AllianceJoined(),
    Indicator.Rule.SUPPORT_ACTIONS: SupportActions(),
    Indicator.Rule.RATED_COUNT: RatedCount(),
    Indicator.Rule.RATING_SHARE: RatingShare(),
    Indicator.Rule.AVERAGE_REVENUE: AverageRevenue(),
    Indicator.Rule.AVERAGE_INCOME: AverageIncome(),
    Indicator.Rule.MEMBERS: Members(),
    Indicator.Rule.AVERAGE_FIGURE: AverageFigure(),
    Indicator.Rule.SIZE_COUNT: SizeCount(),
    Indicator.Rule.SIZE_SHARE: SizeShare(),
    Indicator.Rule.LINKED_SHARE: LinkedShare(),
    Indicator.Rule.ALLIANCE_SHARE: AllianceShare(),
    Indicator.Rule.TRAINED_SHARE: TrainedShare(),
    Indicator.Rule.NTM13_COMMUNES: Ntm13Communes(),
    Indicator.Rule.OFFICERS_TRAINED_SHARE: OfficersTrainedShare(),
    Indicator.Rule.NTM_COMMUNES: NtmCommunes(),
    Indicator.Rule.NTM_RECOGNISED: NtmRecognised(),
    Indicator.Rule.NTM_SHARE: NtmShare(),
}
