"""What the yearly reporting pages read (issue 16): completeness from the registry, the ratings a
verifier should look at, and what changed in a round since it was accepted.

Completeness counts over the HTX expected to report: operating at the year's end (founded by
then, not stopped by then: `operating_at_end_of`). Reported, rated and on time count among those
only, so a closed HTX leaves the numerator with the denominator and no rate exceeds 100%."""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Value, When, prefetch_related_objects
from django.utils import formats, timezone

from coop_tracker.lib.history import FieldChange, changes_between

from .models import (
    REGISTRY_STAMPED,
    ROUND_ROW_MODELS,
    AdminUnit,
    Organisation,
    Rating,
    ReportingRound,
    UnitLineage,
    YearlyFigures,
    operating_at_end_of,
    registry_stamp,
    structure_of_year,
)

COMPLETENESS_SECONDS = 600  # what is cached under the registry's stamp: a change is a new key anyway
# Fields whose change is bookkeeping, not a change of the figures.
NOT_CHANGES = {"entered_at", "entered_by", "province"}


def htx_deadline(year: int) -> datetime.datetime:
    """The end of the day HTX must report by (TT 09/2024/TT-BKHĐT: 15/12), in the project's time zone."""
    day, month = settings.REPORTING_HTX_DEADLINE
    return timezone.make_aware(datetime.datetime(year, month, day, 23, 59, 59, 999999))


def province_deadline(year: int) -> datetime.date:
    day, month = settings.REPORTING_PROVINCE_DEADLINE
    return datetime.date(year, month, day)


def expected_htx(year: int):
    """The HTX expected to report for `year`, each with whether it reported, was rated and on time."""
    figures = YearlyFigures.objects.filter(organisation=OuterRef("pk"), year=year)
    rated = Rating.objects.filter(organisation=OuterRef("pk"), year=year).filter(
        ~Q(level=Rating.Level.UNRATED) | ~Q(unrated_reason="")
    )
    first_entered = YearlyFigures.history.filter(
        organisation_id=OuterRef("pk"), year=year, history_type="+", history_date__lte=htx_deadline(year)
    )
    return (
        Organisation.objects.cooperatives()
        .filter(operating_at_end_of(year))
        .annotate(reported=Exists(figures), rated=Exists(rated), on_time=Exists(first_entered))
    )


@dataclass
class Completeness:
    province: AdminUnit
    year: int
    expected: int = 0
    reported: int = 0
    rated: int = 0
    on_time: int = 0
    reporting_round: ReportingRound | None = None

    def _share(self, count):
        return None if not self.expected else round(100 * count / self.expected, 1)

    @staticmethod
    def shown(share) -> str:
        """A share as the page writes it (72,5 in Vietnamese), or a dash; faster than floatformat."""
        if share is None:
            return "—"
        return f"{share:.1f}".replace(".", formats.get_format("DECIMAL_SEPARATOR"))

    @property
    def reported_shown(self):
        return self.shown(self.reported_pct)

    @property
    def rated_shown(self):
        return self.shown(self.rated_pct)

    @property
    def on_time_shown(self):
        return self.shown(self.on_time_pct)

    @property
    def reported_pct(self):
        return self._share(self.reported)

    @property
    def rated_pct(self):
        return self._share(self.rated)

    @property
    def on_time_pct(self):
        return self._share(self.on_time)

    @property
    def state(self):
        return self.reporting_round.state if self.reporting_round else ReportingRound.State.OPEN

    @property
    def state_label(self):
        return ReportingRound.State(self.state).label

    @property
    def changed_at(self):
        return self.reporting_round.changed_at if self.reporting_round else None


def provinces_of_year(year: int, user):
    """The provinces reporting for `year` that the account reads: the 34, or the 63 before 2025."""
    provinces = AdminUnit.objects.provinces().of_structure(structure_of_year(year))
    return AdminUnit.objects.visible_to(user).filter(pk__in=provinces.values("pk")).order_by("code")


def completeness(year: int, provinces) -> list[Completeness]:
    """Per province: HTX expected, reported, rated and on time, and its round. The counts are one
    grouped query (through the lineage, so an old province of a year before 2025 counts its HTX
    too), 0.2 s for the whole country: cached until the registry changes (`registry_stamp`)."""
    provinces = list(provinces)
    by_pk = {province.pk: Completeness(province, year) for province in provinces}
    pks = sorted(by_pk)
    scope = hashlib.blake2b(repr(pks).encode(), digest_size=8).hexdigest()
    deadline = settings.REPORTING_HTX_DEADLINE
    counts = until_registry_changes(
        lambda: _completeness_counts(year, pks), "reporting-completeness", year, *deadline, scope
    )
    for place, (expected, reported, rated, on_time) in counts.items():
        line = by_pk[place]
        line.expected, line.reported, line.rated, line.on_time = expected, reported, rated, on_time
    for found in ReportingRound.objects.filter(year=year, province__in=provinces):
        by_pk[found.province_id].reporting_round = found
    return [by_pk[province.pk] for province in provinces]


def until_registry_changes(compute, *key):
    """`compute()`, cached under `key` and the registry's stamp: any change of the organisations,
    their yearly figures or ratings, or the lineage, is a new key, so nothing stale is read. For
    what reads nothing else of the database (REGISTRY_STAMPED)."""
    name = ":".join(map(str, [*key, *registry_stamp()]))
    value = cache.get(name)
    if value is None:
        value = compute()
        cache.set(name, value, COMPLETENESS_SECONDS)
    return value


def _completeness_counts(year: int, province_pks: list[int]) -> dict[int, tuple[int, int, int, int]]:
    rows = (
        expected_htx(year)
        .filter(commune__lineage_ancestors__ancestor__in=province_pks)
        .order_by()
        .values(place=F("commune__lineage_ancestors__ancestor"))
        .annotate(
            expected=Count("pk"),
            reported_count=Count("pk", filter=Q(reported=True)),
            rated_count=Count("pk", filter=Q(rated=True)),
            on_time_count=Count("pk", filter=Q(on_time=True)),
        )
    )
    return {
        row["place"]: (row["expected"], row["reported_count"], row["rated_count"], row["on_time_count"]) for row in rows
    }


def not_reported(year: int, province):
    """The HTX of `province` expected to report for `year` that have no figures for it (the same
    HTX as completeness counts: operating at the year's end, through the lineage); whether each
    was rated or on time, which the list does not show, is not asked (two subqueries a row)."""
    figures = YearlyFigures.objects.filter(organisation=OuterRef("pk"), year=year)
    return (
        Organisation.objects.cooperatives()
        .filter(operating_at_end_of(year), ~Exists(figures), commune__lineage_ancestors__ancestor=province)
        .select_related("commune")
        .order_by("name")
    )


def score_band(field: str) -> Case:
    """The TT 01/2020 band of a score column, in SQL (Rating.Level.for_score)."""
    bands = [(80, Rating.Level.GOOD), (65, Rating.Level.FAIR), (50, Rating.Level.AVERAGE)]
    return Case(
        *(When(**{f"{field}__gte": low}, then=Value(level)) for low, level in bands),
        default=Value(Rating.Level.WEAK),
        output_field=CharField(),
    )


def score_issues(reporting_round: ReportingRound, limit: int = 200) -> list[Rating]:
    """Ratings of the round whose verified score is missing, or whose self-score falls in another
    band than the verified one (the self-assessment a verifier should look at), by organisation
    name, the first `limit`. Chosen in SQL and cached until the registry changes: the province's
    ratings of the year read one by one took 60 ms at national scale, for a list mostly empty."""
    province, year = reporting_round.province, reporting_round.year

    def found():
        ratings = (
            Rating.objects.filter(Rating.round_filter(province, year))
            .filter(self_score__isnull=False)
            .alias(self_band=score_band("self_score"), verified_band=score_band("verified_score"))
            .filter(Q(verified_score__isnull=True) | ~Q(self_band=F("verified_band")))
            .select_related("organisation")
            .only("organisation__name", "self_score", "verified_score")
            .order_by("organisation__name", "pk")[:limit]
        )
        ratings = list(ratings)
        for rating in ratings:
            rating.issue = "missing" if rating.verified_score is None else "band"
        return ratings

    return until_registry_changes(found, "round-score-issues", province.pk, year, limit)


@dataclass
class RowChange:
    """A row of the round added, changed or deleted since its acceptance."""

    kind: str  # "added", "changed" or "deleted"
    model: type
    subject: str
    changes: list[FieldChange]


def changes_since(reporting_round: ReportingRound, limit: int = 500) -> list[RowChange]:
    """What changed in the round's rows since the verifier last decided on it (its latest
    acceptance, or never accepted, its latest return: `ReportingRound.reviewed()`), from their
    history: each row added, changed (every field before → after, as it stood then and now) or
    deleted. A row added and deleted since then, or changed and changed back, is no change."""
    since, _how = reporting_round.reviewed()
    if since is None:
        return []
    found = []
    for model in ROUND_ROW_MODELS:
        history = model.history.filter(model.round_filter(reporting_round.province, reporting_round.year))
        touched = set(history.filter(history_date__gt=since).values_list("id", flat=True))
        before, after = {}, {}
        rows = model.history.filter(id__in=touched).order_by("id", "history_date", "history_id")
        for row in rows.select_related("history_user"):
            if row.history_date <= since:
                before[row.id] = row
            after[row.id] = row
        changed = [change for pk in sorted(touched) if (change := _row_change(before.get(pk), after[pk]))]
        found += _named(model, changed)
        if len(found) >= limit:
            break
    return found[:limit]


def _row_change(before, after):
    """(kind, the row as it stood then or now, its changes), or None if it is no change."""
    gone_before = before is None or before.history_type == "-"
    if gone_before and after.history_type == "-":
        return None
    if gone_before:
        return "added", after, []
    if after.history_type == "-":
        return "deleted", before, []
    changes = changes_between(before, after, exclude=NOT_CHANGES)
    if not changes:
        return None
    return "changed", after, changes


def _named(model, changed) -> list[RowChange]:
    """The changes, each with the name of its row ("Số liệu năm: HTX … – 2025"). What a name reads
    through a foreign key (the organisation) is loaded once for all: a query per row took 25 ms
    for 50 changed figures at national scale."""
    instances = [row.instance for _kind, row, _changes in changed]
    relations = [field.name for field in model._meta.concrete_fields if field.many_to_one]
    prefetch_related_objects(instances, *relations)
    return [
        RowChange(kind, model, f"{model_name(model)}: {instance}", changes)
        for (kind, _row, changes), instance in zip(changed, instances, strict=True)
    ]


def model_name(model) -> str:
    return str(model._meta.verbose_name).capitalize()


def round_counts(reporting_round: ReportingRound) -> list[tuple[str, int]]:
    """How many rows of each kind the round holds now, named. The yearly figures and ratings (a
    join over the province's organisations, 20–40 ms each at national scale) are counted once
    until the registry changes; support actions and entered values, which its stamp does not
    cover, each time (an index look-up)."""
    province, year = reporting_round.province, reporting_round.year

    def count(model):
        return model._default_manager.filter(model.round_filter(province, year)).count()

    stamped = [model for model in ROUND_ROW_MODELS if model in REGISTRY_STAMPED]
    counts = until_registry_changes(
        lambda: {model.round_kind: count(model) for model in stamped}, "round-counts", province.pk, year
    )
    return [
        (model_name(model), counts[model.round_kind] if model in stamped else count(model))
        for model in ROUND_ROW_MODELS
    ]


def final_figures(pairs) -> set[tuple[int, int]]:
    """Of (place id, year) pairs, those whose figures are final: every province of the year's map
    the place overlaps (the one holding it, or those inside it) has its round of the year
    accepted. A national figure is final once every province's is; any other is provisional."""
    pairs = {pair for pair in pairs if pair[1] is not None}
    years = {year for _place, year in pairs}
    accepted = set(
        ReportingRound.objects.filter(year__in=years, state=ReportingRound.State.ACCEPTED).values_list(
            "province_id", "year"
        )
    )
    if not accepted:
        return set()
    places = {place for place, _year in pairs}
    province = AdminUnit.Level.PROVINCE
    links = UnitLineage.objects.filter(
        Q(descendant__in=places, ancestor__level=province) | Q(ancestor__in=places, descendant__level=province)
    ).values_list(
        "ancestor_id",
        "ancestor__level",
        "ancestor__structure",
        "descendant_id",
        "descendant__level",
        "descendant__structure",
    )
    overlaps = defaultdict(set)  # (place, structure) -> provinces of that map it overlaps
    for ancestor, ancestor_level, ancestor_map, descendant, descendant_level, descendant_map in links:
        if descendant in places and ancestor_level == province:
            overlaps[(descendant, ancestor_map)].add(ancestor)
        if ancestor in places and descendant_level == province:
            overlaps[(ancestor, descendant_map)].add(descendant)
    final = set()
    for place, year in pairs:
        provinces = overlaps.get((place, structure_of_year(year)))
        if provinces and all((pk, year) in accepted for pk in provinces):
            final.add((place, year))
    return final
