"""How each derived indicator is measured from the registry, for many places and years at once.

A rule never runs a query per organisation or per target. The recompute asks every
rule which conditional aggregates it needs; `Aggregates` then runs one grouped query
per source table (organisations by founding year, yearly figures, ratings, support
actions…) holding all of them, grouped by (area, year); and each rule reads its
cells from those rows. Queries therefore grow with the number of sources, not with
organisations, targets or indicators.

Places: an organisation counts in every area its commune lies in (the lineage, so
old and new provinces both work across the 2025 merger). For the 34 current
provinces the organisation's own `province` column gives the same answer faster
(every old province went whole into one new one), so those areas group on it.

Definitions (domain primer): effective = rated Tốt or Khá, over rated HTX unless the
target names another denominator; the verified score counts where there is one
(the level already follows it); size bands by members (TT 01/2020 art. 4).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, Exists, F, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import ExtractYear, Greatest

from cooperatives.models import SMALL_OR_LARGER_FROM, AdminUnit, Organisation, Rating, SupportAction, YearlyFigures
from plans.models import Indicator, Target

HTX = Organisation.Kind.COOPERATIVE
AGRI = Organisation.Sector.AGRICULTURE
EFFECTIVE = list(Rating.EFFECTIVE_LEVELS)
ZERO = Decimal(0)


@dataclass(frozen=True)
class Measure:
    """An indicator's value in one place and year, with the inputs that make it."""

    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def share(numerator, denominator) -> Measure:
    if not denominator:
        return Measure(None, Decimal(numerator or 0), Decimal(denominator or 0))
    return Measure(Decimal(100) * numerator / denominator, Decimal(numerator), Decimal(denominator))


def average(total, count) -> Measure:
    if not count:
        return Measure(None, Decimal(total or 0), Decimal(0))
    return Measure(Decimal(total) / count, Decimal(total), Decimal(count))


# Sources ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One table to group by (area, year): its rows, its year, and the path to its place."""

    name: str
    org_prefix: str  # path from the row to its organisation ("" for organisations)

    def rows(self, first, last):
        raise NotImplementedError

    def year(self, first):
        raise NotImplementedError

    def commune_path(self):
        return f"{self.org_prefix}commune"


class FoundedSource(Source):
    # Years before `first` fall into one bucket, first - 1, so that stocks (active at a
    # year's end) are running sums while flows in the window stay exact.
    def rows(self, first, last):
        return Organisation.objects.filter(founded_on__year__lte=last)

    def year(self, first):
        return Greatest(ExtractYear("founded_on"), Value(first - 1))


class DissolvedSource(Source):
    def rows(self, first, last):
        return Organisation.objects.filter(dissolved_on__isnull=False, dissolved_on__year__lte=last)

    def year(self, first):
        return Greatest(ExtractYear("dissolved_on"), Value(first - 1))


class JoinedSource(Source):
    def rows(self, first, last):
        return Organisation.objects.filter(alliance_joined_on__year__range=(first, last))

    def year(self, first):
        return ExtractYear("alliance_joined_on")


def _trainings():
    return SupportAction.objects.filter(organisation=OuterRef("pk"), kind=SupportAction.Kind.MANAGER_TRAINING)


class FirstTrainingSource(Source):
    # Organisations whose key officers were ever trained, by the year of their first training
    # (bucketed like founding years), so "trained by then" is a running sum like a stock.
    def rows(self, first, last):
        return Organisation.objects.filter(Exists(_trainings().filter(occurred_on__year__lte=last)))

    def year(self, first):
        first_training = _trainings().order_by().values("organisation").annotate(y=Min(ExtractYear("occurred_on")))
        return Greatest(Subquery(first_training.values("y")), Value(first - 1))


class FiguresSource(Source):
    def rows(self, first, last):
        return YearlyFigures.objects.filter(year__range=(first, last))

    def year(self, first):
        return F("year")


class RatingsSource(Source):
    # One rating counts per HTX and year: TT 01/2020 (all HTX since 1/4/2020) where it
    # exists, else the agricultural scheme TT 09/2017. The de-duplicating subquery is
    # only added when some TT 09/2017 rating is in the window (it slows the query 1.5×).
    def rows(self, first, last):
        ratings = Rating.objects.filter(year__range=(first, last), organisation__kind=HTX)
        agricultural = Rating.objects.filter(year__range=(first, last), scheme=Rating.Scheme.TT09_2017)
        if not agricultural.exists():
            return ratings
        general = Rating.objects.filter(
            organisation=OuterRef("organisation"), year=OuterRef("year"), scheme=Rating.Scheme.TT01_2020
        )
        return ratings.filter(Q(scheme=Rating.Scheme.TT01_2020) | ~Exists(general))

    def year(self, first):
        return F("year")


class ActionsSource(Source):
    # Actions are placed by their own area (a commune or a province), not the organisation's;
    # `province` on the action is that area's current province.
    def rows(self, first, last):
        return SupportAction.objects.filter(occurred_on__year__range=(first, last))

    def year(self, first):
        return ExtractYear("occurred_on")

    def commune_path(self):
        return "area"


FOUNDED = FoundedSource("founded", "")
DISSOLVED = DissolvedSource("dissolved", "")
JOINED = JoinedSource("joined", "")
TRAINED = FirstTrainingSource("trained", "")
FIGURES = FiguresSource("figures", "organisation__")
RATINGS = RatingsSource("ratings", "organisation__")
ACTIONS = ActionsSource("actions", "")


class Aggregates:
    """The grouped rows of every source, computed once per recompute for a set of areas and years.

    `need(source, name, aggregate)` registers a column; `get(source, area, year, name)`
    reads it (0 where no row matched), running each source's query on first use.
    """

    def __init__(self, areas: list[AdminUnit], first: int, last: int):
        self.areas, self.first, self.last = areas, first, last
        self.columns: dict[Source, dict] = defaultdict(dict)
        self.tables: dict[Source, dict] = {}

    @cached_property
    def current_province_count(self) -> int:
        return AdminUnit.objects.provinces().of_structure(AdminUnit.Structure.FROM_2025).count()

    def need(self, source: Source, name: str, aggregate):
        self.columns[source][name] = aggregate

    def get(self, source: Source, area_id: int, year: int, name: str):
        if source not in self.tables:
            self.tables[source] = self._table(source)
        return self.tables[source].get((area_id, year), {}).get(name) or 0

    def years_up_to(self, source, area_id, year, name):
        """Sum of a column over every year bucket up to `year`: stocks from flows."""
        return sum(self.get(source, area_id, y, name) for y in range(self.first - 1, year + 1))

    def _table(self, source: Source) -> dict:
        table = {}
        for group, area_expr in self._groupings(source):
            rows = (
                source.rows(self.first, self.last)
                .filter(**group)
                .annotate(cell_area=area_expr, cell_year=source.year(self.first))
                .values("cell_area", "cell_year")
                .annotate(**self.columns[source])
                .order_by()
            )
            for row in rows:
                table[(row.pop("cell_area"), row.pop("cell_year"))] = row
        return table

    def _groupings(self, source: Source):
        """Filters and area expressions: the nation, current provinces, then everything else."""
        nation = [a.pk for a in self.areas if a.level == AdminUnit.Level.NATION]
        current = [a.pk for a in self.areas if a.level == "province" and a.structure == AdminUnit.Structure.FROM_2025]
        others = [a.pk for a in self.areas if a.pk not in nation and a.pk not in current]
        lineage = f"{source.commune_path()}__lineage_ancestors__ancestor"
        if nation:
            yield {}, Value(nation[0])
        if current:
            # Asking for every current province (a full recompute), filter nothing: the planner then
            # scans and hashes like the hand-written floor instead of probing the index 35,000 times.
            every = len(current) == self.current_province_count
            where = (
                {f"{source.org_prefix}province__isnull": False}
                if every
                else {f"{source.org_prefix}province__in": current}
            )
            yield where, F(f"{source.org_prefix}province")
        if others:
            yield {f"{lineage}__in": others}, F(lineage)


# Rules ------------------------------------------------------------------------------------


class Rule:
    """Measures one kind of indicator. `params` come from the indicator, `denominator` from the target."""

    denominators: tuple[str, ...] = ("",)

    def need(self, agg: Aggregates, params: dict, denominator: str, key: str):
        raise NotImplementedError

    def measure(self, agg: Aggregates, area_id: int, year: int, params: dict, denominator: str, key: str) -> Measure:
        raise NotImplementedError

    def organisations(self, area, year, params, denominator):
        """The organisations behind a figure, for drill-down pages."""
        return Organisation.objects.in_area(area)


def org_filter(params, prefix=""):
    """Q for an indicator's organisation parameters: kind, kinds, sector."""
    q = Q()
    if "kind" in params:
        q &= Q(**{f"{prefix}kind": params["kind"]})
    if "kinds" in params:
        q &= Q(**{f"{prefix}kind__in": params["kinds"]})
    if "sector" in params:
        q &= Q(**{f"{prefix}sector": params["sector"]})
    return q


class Founded(Rule):
    """Organisations founded in the year (a flow)."""

    def need(self, agg, params, denominator, key):
        agg.need(FOUNDED, key, Count("pk", filter=org_filter(params)))

    def measure(self, agg, area_id, year, params, denominator, key):
        return Measure(Decimal(agg.get(FOUNDED, area_id, year, key)))

    def organisations(self, area, year, params, denominator):
        return super().organisations(area, year, params, denominator).filter(org_filter(params), founded_on__year=year)


class Active(Rule):
    """Organisations active at the year's end: founded by then and not dissolved by then."""

    def need(self, agg, params, denominator, key):
        agg.need(FOUNDED, key, Count("pk", filter=org_filter(params)))
        agg.need(DISSOLVED, key, Count("pk", filter=org_filter(params)))

    def measure(self, agg, area_id, year, params, denominator, key):
        founded = agg.years_up_to(FOUNDED, area_id, year, key)
        dissolved = agg.years_up_to(DISSOLVED, area_id, year, key)
        return Measure(Decimal(founded - dissolved), Decimal(founded), Decimal(dissolved))

    def organisations(self, area, year, params, denominator):
        return (
            super().organisations(area, year, params, denominator).filter(org_filter(params)).active_on(_year_end(year))
        )


class AllianceJoined(Rule):
    """Member units admitted to the provincial alliance in the year."""

    def need(self, agg, params, denominator, key):
        agg.need(JOINED, key, Count("pk", filter=org_filter(params)))

    def measure(self, agg, area_id, year, params, denominator, key):
        return Measure(Decimal(agg.get(JOINED, area_id, year, key)))

    def organisations(self, area, year, params, denominator):
        return super().organisations(area, year, params, denominator).filter(alliance_joined_on__year=year)


class SupportActions(Rule):
    """Support actions of one kind in the year: the sum of their counts (people trained, projects
    financed), or with `distinct_organisations` the number of organisations reached."""

    def _filter(self, params):
        return Q(kind=params["action"]) & org_filter(params, "organisation__")

    def need(self, agg, params, denominator, key):
        if params.get("distinct_organisations"):
            agg.need(ACTIONS, key, Count("organisation", distinct=True, filter=self._filter(params)))
        else:
            agg.need(ACTIONS, key, Sum("count", filter=self._filter(params)))

    def measure(self, agg, area_id, year, params, denominator, key):
        return Measure(Decimal(agg.get(ACTIONS, area_id, year, key)))

    def organisations(self, area, year, params, denominator):
        actions = SupportAction.objects.filter(
            self._filter(params), occurred_on__year=year, area__lineage_ancestors__ancestor=area
        )
        return Organisation.objects.filter(support_actions__in=actions).distinct()


class RatedCount(Rule):
    """HTX rated at the given levels in the year."""

    def need(self, agg, params, denominator, key):
        agg.need(RATINGS, key, Count("pk", filter=_rated(params)))

    def measure(self, agg, area_id, year, params, denominator, key):
        return Measure(Decimal(agg.get(RATINGS, area_id, year, key)))

    def organisations(self, area, year, params, denominator):
        return _rated_organisations(area, year, params)


class RatingShare(Rule):
    """Share of HTX rated at the given levels, over rated HTX (default) or every HTX active at the year's end."""

    denominators = (Target.Denominator.RATED_HTX, Target.Denominator.ACTIVE_HTX)

    def need(self, agg, params, denominator, key):
        agg.need(RATINGS, key, Count("pk", filter=_rated(params)))
        if denominator == Target.Denominator.ACTIVE_HTX:
            ACTIVE_RULE.need(agg, {"kind": HTX}, "", key + "_active")
        else:
            agg.need(RATINGS, key + "_rated", Count("pk", filter=~Q(level=Rating.Level.UNRATED)))

    def measure(self, agg, area_id, year, params, denominator, key):
        numerator = agg.get(RATINGS, area_id, year, key)
        if denominator == Target.Denominator.ACTIVE_HTX:
            return share(numerator, ACTIVE_RULE.measure(agg, area_id, year, {}, "", key + "_active").value)
        return share(numerator, agg.get(RATINGS, area_id, year, key + "_rated"))

    def organisations(self, area, year, params, denominator):
        return _rated_organisations(area, year, params)


class FiguresRatio(Rule):
    """A ratio of two aggregates of the HTX's yearly figures (averages and shares).

    Aggregates count `organisation` rather than `pk`: every column they read is in the
    yearly figures' covering index, so PostgreSQL answers from the index alone."""

    combine = staticmethod(share)

    def numerator_aggregate(self, params):
        raise NotImplementedError

    def denominator_aggregate(self, params):
        raise NotImplementedError

    def need(self, agg, params, denominator, key):
        agg.need(FIGURES, key + "_n", self.numerator_aggregate(params))
        agg.need(FIGURES, key + "_d", self.denominator_aggregate(params))

    def measure(self, agg, area_id, year, params, denominator, key):
        return self.combine(agg.get(FIGURES, area_id, year, key + "_n"), agg.get(FIGURES, area_id, year, key + "_d"))

    def organisations(self, area, year, params, denominator):
        figures = YearlyFigures.objects.filter(year=year, organisation__kind=HTX)
        return Organisation.objects.in_area(area).filter(yearly_figures__in=figures)


HTX_FIGURES = Q(organisation__kind=HTX)
AGRI_HTX_FIGURES = Q(organisation__kind=HTX, organisation__sector=AGRI)


class AverageRevenue(FiguresRatio):
    """Revenue per HTX: total revenue over the HTX that reported one."""

    combine = staticmethod(average)

    def numerator_aggregate(self, params):
        return Sum("revenue", filter=HTX_FIGURES)

    def denominator_aggregate(self, params):
        return Count("revenue", filter=HTX_FIGURES)


class AverageIncome(FiguresRatio):
    """Average income of members and workers: the mean over HTX that reported it."""

    combine = staticmethod(average)

    def numerator_aggregate(self, params):
        return Sum("average_income", filter=HTX_FIGURES)

    def denominator_aggregate(self, params):
        return Count("average_income", filter=HTX_FIGURES)


class SizeShare(FiguresRatio):
    """Share of HTX small or larger (50 members or more, TT 01/2020 art. 4) among HTX reporting members."""

    denominators = (Target.Denominator.ACTIVE_HTX,)

    def numerator_aggregate(self, params):
        return Count("organisation", filter=HTX_FIGURES & Q(members__gte=SMALL_OR_LARGER_FROM))

    def denominator_aggregate(self, params):
        return Count("members", filter=HTX_FIGURES)


class LinkedShare(FiguresRatio):
    """Share of agricultural HTX linked with an enterprise, among agricultural HTX reporting that year."""

    denominators = (Target.Denominator.AGRICULTURAL_HTX,)

    def numerator_aggregate(self, params):
        return Count("organisation", filter=AGRI_HTX_FIGURES & Q(linked_with_enterprise=True))

    def denominator_aggregate(self, params):
        return Count("organisation", filter=AGRI_HTX_FIGURES)


class TrainedShare(Rule):
    """Share of agricultural HTX active at the year's end whose key officers were trained at least
    once by then: trained ones (by first training) less trained ones dissolved, over active ones."""

    denominators = (Target.Denominator.AGRICULTURAL_HTX,)
    AGRI_HTX = {"kind": HTX, "sector": AGRI}

    def need(self, agg, params, denominator, key):
        agg.need(TRAINED, key, Count("pk", filter=org_filter(self.AGRI_HTX)))
        agg.need(DISSOLVED, key + "_trained", Count("pk", filter=org_filter(self.AGRI_HTX) & Q(Exists(_trainings()))))
        ACTIVE_RULE.need(agg, self.AGRI_HTX, "", key + "_active")

    def measure(self, agg, area_id, year, params, denominator, key):
        trained = agg.years_up_to(TRAINED, area_id, year, key)
        gone = agg.years_up_to(DISSOLVED, area_id, year, key + "_trained")
        active = ACTIVE_RULE.measure(agg, area_id, year, self.AGRI_HTX, "", key + "_active").value
        return share(trained - gone, active)

    def organisations(self, area, year, params, denominator):
        trained = _trainings().filter(occurred_on__year__lte=year)
        return ACTIVE_RULE.organisations(area, year, self.AGRI_HTX, "").filter(Exists(trained))


class Members(Rule):
    """Members of the organisations of the given kinds, as reported in the year's figures."""

    def need(self, agg, params, denominator, key):
        agg.need(FIGURES, key, Sum("members", filter=org_filter(params, "organisation__")))

    def measure(self, agg, area_id, year, params, denominator, key):
        return Measure(Decimal(agg.get(FIGURES, area_id, year, key)))


class AllianceShare(Rule):
    """Share of effective HTX (rated Tốt or Khá) that are alliance members at the year's end."""

    denominators = (Target.Denominator.EFFECTIVE_HTX,)

    def need(self, agg, params, denominator, key):
        member = Q(organisation__alliance_joined_on__year__lte=F("year"))
        agg.need(RATINGS, key + "_n", Count("pk", filter=Q(level__in=EFFECTIVE) & member))
        agg.need(RATINGS, key + "_d", Count("pk", filter=Q(level__in=EFFECTIVE)))

    def measure(self, agg, area_id, year, params, denominator, key):
        return share(agg.get(RATINGS, area_id, year, key + "_n"), agg.get(RATINGS, area_id, year, key + "_d"))

    def organisations(self, area, year, params, denominator):
        return _rated_organisations(area, year, {"levels": EFFECTIVE})


class Ntm13Communes(Rule):
    """Communes meeting new-rural criterion 13 (QĐ 318/QĐ-TTg): at least one effective HTX in the commune."""

    def need(self, agg, params, denominator, key):
        agg.need(RATINGS, key, Count("organisation__commune", distinct=True, filter=Q(level__in=EFFECTIVE)))

    def measure(self, agg, area_id, year, params, denominator, key):
        return Measure(Decimal(agg.get(RATINGS, area_id, year, key)))

    def organisations(self, area, year, params, denominator):
        return _rated_organisations(area, year, {"levels": EFFECTIVE})


def _rated(params) -> Q:
    return Q(level__in=params["levels"]) & org_filter(params, "organisation__")


def _rated_organisations(area, year, params):
    ratings = Rating.objects.filter(_rated(params), year=year)
    return Organisation.objects.in_area(area).filter(ratings__in=ratings).distinct()


def _year_end(year):
    return datetime.date(year, 12, 31)


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
    Indicator.Rule.SIZE_SHARE: SizeShare(),
    Indicator.Rule.LINKED_SHARE: LinkedShare(),
    Indicator.Rule.ALLIANCE_SHARE: AllianceShare(),
    Indicator.Rule.TRAINED_SHARE: TrainedShare(),
    Indicator.Rule.NTM13_COMMUNES: Ntm13Communes(),
}
