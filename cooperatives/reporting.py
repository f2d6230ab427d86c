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
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import formats, timezone

from coop_tracker.lib.history import FieldChange, changes_between

from .models import (
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

COMPLETENESS_SECONDS = 600
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
    key = ":".join(map(str, ["reporting-completeness", *registry_stamp(), year, *deadline, scope]))
    counts = cache.get(key)
    if counts is None:
        counts = _completeness_counts(year, pks)
        cache.set(key, counts, COMPLETENESS_SECONDS)
    for place, (expected, reported, rated, on_time) in counts.items():
        line = by_pk[place]
        line.expected, line.reported, line.rated, line.on_time = expected, reported, rated, on_time
    for found in ReportingRound.objects.filter(year=year, province__in=provinces):
        by_pk[found.province_id].reporting_round = found
    return [by_pk[province.pk] for province in provinces]


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
    """The HTX of `province` expected to report for `year` that have no figures for it."""
    return (
        expected_htx(year)
        .filter(commune__lineage_ancestors__ancestor=province, reported=False)
        .select_related("commune")
        .order_by("name")
    )


def score_issues(reporting_round: ReportingRound, limit: int = 200) -> list[Rating]:
    """Ratings of the round whose verified score is missing, or whose self-score falls in another
    band than the verified one (the self-assessment a verifier should look at)."""
    ratings = (
        Rating.objects.filter(Rating.round_filter(reporting_round.province, reporting_round.year))
        .filter(self_score__isnull=False)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    found = []
    for rating in ratings.iterator():
        if rating.verified_score is None:
            rating.issue = "missing"
        elif Rating.Level.for_score(rating.self_score) != Rating.Level.for_score(rating.verified_score):
            rating.issue = "band"
        else:
            continue
        found.append(rating)
        if len(found) >= limit:
            break
    return found


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
        for pk in sorted(touched):
            change = _row_change(model, before.get(pk), after[pk])
            if change is not None:
                found.append(change)
        if len(found) >= limit:
            break
    return found[:limit]


def _row_change(model, before, after) -> RowChange | None:
    gone_before = before is None or before.history_type == "-"
    if gone_before and after.history_type == "-":
        return None
    if gone_before:
        return RowChange("added", model, _subject(after), [])
    if after.history_type == "-":
        return RowChange("deleted", model, _subject(before), [])
    changes = changes_between(before, after, exclude=NOT_CHANGES)
    if not changes:
        return None
    return RowChange("changed", model, _subject(after), changes)


def _subject(row) -> str:
    return f"{model_name(row.instance_type)}: {row.instance}"


def model_name(model) -> str:
    return str(model._meta.verbose_name).capitalize()


def round_counts(reporting_round: ReportingRound) -> list[tuple[str, int]]:
    """How many rows of each kind the round holds now, named."""
    counts = reporting_round.counts()
    return [(model_name(model), counts[model.round_kind]) for model in ROUND_ROW_MODELS]


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
