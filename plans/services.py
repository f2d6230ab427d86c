"""The progress recompute: the one place that writes Progress, ProgressYear and ProgressSnapshot;
and, at the end, the saving of a plan entered with its targets and tasks.

One pipeline, three triggers (after an edit, nightly, on demand):
1. pick the targets (all, or those whose area holds a changed place);
2. ask each indicator's rule once for every (area, year) cell they need, in a handful of
   grouped queries (plans.rules), and read hand-entered values in one more;
3. judge each target (plans.evaluation, no database) and write every row in one
   transaction, so a worker killed part-way leaves the previous figures intact.
Recompute, never increment: running it twice gives the same rows.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperatives.models import MERGER_DATE, AdminUnit, UnitLineage
from plans.evaluation import Result, YearResult, evaluate
from plans.models import (
    EnteredValue,
    Indicator,
    PendingRecompute,
    Progress,
    ProgressSnapshot,
    ProgressYear,
    RecomputeSchedule,
    Target,
)
from plans.national import serialised
from plans.projection import project
from plans.rules import RULES, Aggregates, IndicatorError, Measure, reason_of

logger = logging.getLogger(__name__)

PROGRESS_FIELDS = [
    *["year", "actual", "ratio", "expected", "numerator", "denominator", "band", "status"],
    *["explanation", "projection"],
]
SNAPSHOT_FIELDS = ["actual", "ratio", "status"]
YEAR_FIELDS = ["value", "actual", "numerator", "denominator", "expected", "band", "status"]


def progress_recompute(*, targets=None, today: datetime.date | None = None, changed=None, periods=True) -> int:
    """Recompute and store the progress of `targets` (default: every target). Returns how many.
    `changed`: the current provinces whose rows changed since the last recompute (the drain's
    marks), so the national figures add the other provinces' stored parts (plans.national); by
    default every part is computed again. `periods`: whether a target's years may have changed
    since (a drain says so only when a target was saved)."""
    today = today or timezone.localdate()
    everything = targets is None
    chosen = Target.objects.all() if everything else targets
    with transaction.atomic():
        # One recompute at a time reads and writes (plans.national): what it stores is never
        # older than what another stored meanwhile.
        serialised()
        targets = list(chosen.select_related("indicator", "area").defer("wording", "note", "indicator__description"))
        if not targets:
            return 0
        failures: dict[int, str] = {}
        measures = measures_for(targets, today, failures, changed)
        results = {target.pk: _judged(target, measures[target.pk], today, failures) for target in targets}
        _log_failures(targets, failures)
        _store(targets, results, today, periods)
        if everything:
            RecomputeSchedule.objects.update_or_create(pk=1, defaults={"last_full_at": timezone.now()})
    return len(targets)


def _judged(target: Target, measures, today, failures: dict[int, str]) -> Result:
    """The target judged on its figures, or, when they could not be computed (or judged), the
    status "error" with the reason, for every year of its period so far."""
    if target.pk not in failures:
        try:
            result = evaluate(target, measures, today)
            result.projection = project(target, measures, today)
            return result
        except Exception as error:
            failures[target.pk] = reason_of(error)
    years = [YearResult(year, status=Progress.Status.ERROR) for year in _period_so_far(target, today)]
    return Result(Progress.Status.ERROR, explanation={"error": failures[target.pk]}, years=years)


def _period_so_far(target: Target, today) -> range:
    return range(target.year_from, max(target.year_from, min(target.year_to, today.year)) + 1)


def _log_failures(targets, failures: dict[int, str]) -> None:
    """One line per recompute, naming each indicator that failed and why."""
    if not failures:
        return
    by_indicator = defaultdict(set)
    for target in targets:
        if target.pk in failures:
            by_indicator[target.indicator.code].add(failures[target.pk])
    logger.error(
        "recompute: %d of %d targets could not be computed: %s",
        len(failures),
        len(targets),
        "; ".join(f"{code}: {' / '.join(sorted(reasons))}" for code, reasons in sorted(by_indicator.items())),
    )


def progress_recompute_pending(*, today: datetime.date | None = None) -> int:
    """Recompute the targets whose area holds a place changed since the last run, and clear those marks."""
    RecomputeSchedule.objects.filter(pk=1).update(queued_at=None)
    with transaction.atomic():
        pending = list(PendingRecompute.objects.select_for_update(skip_locked=True).values_list("pk", "area", "source"))
        if not pending:
            return 0
        serialised()  # here, outside any savepoint: a savepoint rolled back would release it
        targets = Target.objects.filter(_affected(pending))
        saved = any(source == PendingRecompute.Source.TARGETS for _pk, _area, source in pending)  # periods too
        count = progress_recompute(targets=targets, today=today, changed=_changed_provinces(pending), periods=saved)
        PendingRecompute.objects.filter(pk__in=[row[0] for row in pending]).delete()
        RecomputeSchedule.objects.filter(pk=1).update(last_run_at=timezone.now())
    return count


def _changed_provinces(pending) -> set[int] | None:
    """The current provinces the marked places lie in, or None when a place lies in none (the
    nation itself: a national target saved, an action of the nation's own), which has every
    province's part computed again."""
    areas = {area for _pk, area, _source in pending}
    lying_in = UnitLineage.objects.filter(
        descendant_id__in=areas,
        ancestor__level=AdminUnit.Level.PROVINCE,
        ancestor__structure=AdminUnit.Structure.FROM_2025,
    ).values_list("descendant_id", "ancestor_id")
    provinces = defaultdict(set)
    for area, province in lying_in:
        provinces[area].add(province)
    if areas - provinces.keys():
        return None
    return set().union(*provinces.values())


# Which indicators read which source: an edit recomputes only the targets that can move.
FIGURE_RULES = [
    Indicator.Rule.AVERAGE_FIGURE,
    Indicator.Rule.SIZE_COUNT,
    Indicator.Rule.AVERAGE_REVENUE,
    Indicator.Rule.AVERAGE_INCOME,
    Indicator.Rule.MEMBERS,
    Indicator.Rule.SIZE_SHARE,
    Indicator.Rule.LINKED_SHARE,
    Indicator.Rule.OFFICERS_TRAINED_SHARE,
    Indicator.Rule.NTM13_COMMUNES,  # until 2020 criterion 13 reads the production linkage
]
RATING_RULES = [
    Indicator.Rule.RATED_COUNT,
    Indicator.Rule.RATING_SHARE,
    Indicator.Rule.ALLIANCE_SHARE,
    Indicator.Rule.NTM13_COMMUNES,
]
ACTION_RULES = [Indicator.Rule.SUPPORT_ACTIONS, Indicator.Rule.TRAINED_SHARE]
NTM_RULES = [Indicator.Rule.NTM_COMMUNES, Indicator.Rule.NTM_RECOGNISED, Indicator.Rule.NTM_SHARE]
READERS = {
    PendingRecompute.Source.ORGANISATIONS: Q(indicator__method=Indicator.Method.DERIVED),
    PendingRecompute.Source.ALLIANCE: Q(
        indicator__rule__in=[Indicator.Rule.ALLIANCE_JOINED, Indicator.Rule.ALLIANCE_SHARE]
    ),
    PendingRecompute.Source.FIGURES: Q(indicator__rule__in=FIGURE_RULES),
    PendingRecompute.Source.RATINGS: Q(indicator__rule__in=RATING_RULES),
    PendingRecompute.Source.ACTIONS: Q(indicator__rule__in=ACTION_RULES),
    PendingRecompute.Source.NTM: Q(indicator__rule__in=NTM_RULES),
    PendingRecompute.Source.ENTERED: Q(indicator__method=Indicator.Method.MANUAL),
    PendingRecompute.Source.TARGETS: Q(),
}


def _affected(pending) -> Q:
    """Targets whose area holds a changed place and whose indicator reads the changed source."""
    places = defaultdict(list)
    for _pk, area, source in pending:
        places[source].append(area)
    affected = Q(pk__in=[])
    for source, areas in places.items():
        holding = UnitLineage.objects.filter(descendant_id__in=areas).values("ancestor_id")
        readers = Q(indicator__in=readers_of("sector")) if source == PendingRecompute.Source.SECTOR else READERS[source]
        affected |= Q(area_id__in=holding) & readers
    return affected


def readers_of(field: str) -> list[int]:
    """The derived indicators whose figures read an organisation's `field`: those whose columns
    (as the recompute registers them, for every denominator and year) name it in a condition.
    One that cannot say (a rule this code does not know, parameters it refuses) is counted in."""
    found = []
    for indicator in Indicator.objects.filter(method=Indicator.Method.DERIVED).only("pk", "rule", "rule_params"):
        try:
            rule, params = rule_of(indicator), indicator.rule_params
            agg = Aggregates([], 2000, 2030)
            for denominator in rule.allowed_denominators(params) or ("",):
                rule.need(agg, params, denominator, f"i{denominator}")
            columns = [aggregate for columns in agg.columns.values() for aggregate in columns.values()]
            if any(field in repr(aggregate) for aggregate in columns):
                found.append(indicator.pk)
        except Exception:
            found.append(indicator.pk)
    return found


# Measuring --------------------------------------------------------------------------------


def measures_for(targets: list[Target], today: datetime.date, failures: dict | None = None, changed=None):
    """Each target's indicator values, by year, from the year before its period to its last year.

    A target whose indicator cannot be computed gets no values, and its reason in `failures`
    (target id → reason): every other target is still measured."""
    failures = {} if failures is None else failures
    derived = [t for t in targets if t.indicator.method == Indicator.Method.DERIVED]
    first, last = min(t.year_from for t in targets), max(t.year_to for t in targets)
    if any(t.area.level == AdminUnit.Level.NATION for t in derived):
        # The years of every target, not of those an edit touched: a national figure's stored
        # parts (plans.national) are added only to parts of the same years, whichever drain asks.
        span = Target.objects.aggregate(first=Min("year_from"), last=Max("year_to"))
        first, last = min(first, span["first"]), max(last, span["last"])
    first, last = first - 1, min(last, today.year)
    manual = [t for t in targets if t.indicator.method == Indicator.Method.MANUAL]
    result = {target.pk: {} for target in targets}
    if derived:
        result.update(derived_measures(derived, first, last, failures, changed))
    if manual:
        try:
            result.update(entered_measures(manual, first, last))
        except Exception as error:
            failures.update({target.pk: reason_of(error) for target in manual})
    return result


def _years(target: Target, first: int, last: int) -> range:
    return range(max(first, target.year_from - 1), min(last, target.year_to) + 1)


def _key(target: Target) -> str:
    """Targets that share indicator and denominator share their aggregate columns."""
    return f"i{target.indicator_id}_{target.denominator or 'default'}"


def rule_of(indicator: Indicator):
    """The rule that measures a derived indicator (an indicator catalogue can be newer than the
    code: a rule added on another branch is refused, never guessed)."""
    if indicator.rule not in RULES:
        message = _("Quy tắc tính “%(rule)s” không có trong phiên bản này của phần mềm.") % {"rule": indicator.rule}
        raise IndicatorError(message)
    return RULES[indicator.rule]


def derived_measures(targets, first, last, failures: dict, changed=None) -> dict[int, dict[int, Measure]]:
    """Each derived target's figures by year. A target with a deadline reads its deadline's year
    as of that day, from one more pass over the sources per deadline (rows dated after it left
    out: organisations by founding, dissolution or alliance joining, support actions by their
    date); yearly figures and ratings have no day and stay the year's."""
    result = _derived_measures(targets, first, last, failures, changed=changed)
    by_deadline = defaultdict(list)
    for target in targets:
        if target.pk in failures:
            continue
        if target.deadline and target.year_from <= target.deadline.year <= min(last, target.year_to):
            by_deadline[target.deadline].append(target)
    for deadline, cut in by_deadline.items():
        as_of = _derived_measures(cut, first, deadline.year, failures, cutoff=deadline, changed=changed)
        for target in cut:
            if target.pk in failures:
                result[target.pk] = {}
            else:
                result[target.pk][deadline.year] = as_of[target.pk][deadline.year]
    return result


def _derived_measures(targets, first, last, failures: dict, cutoff=None, changed=None) -> dict[int, dict[int, Measure]]:
    """The figures of every target, each key (indicator and denominator) registered and measured
    on its own: a failure is recorded for its targets and stops no other."""
    agg = Aggregates(list({t.area_id: t.area for t in targets}.values()), first, last, cutoff, changed)
    for target in {_key(t): t for t in targets}.values():
        with agg.owning(_key(target)):
            indicator, rule = target.indicator, rule_of(target.indicator)
            rule.check(indicator.rule_params, target.denominator)
            rule.need(agg, indicator.rule_params, target.denominator, _key(target))
    result = {}
    for target in targets:
        key, indicator = _key(target), target.indicator
        try:
            if key in agg.failures:
                raise IndicatorError(agg.failures[key])
            rule, params = rule_of(indicator), indicator.rule_params
            result[target.pk] = {
                year: rule.measure(agg, target.area_id, year, params, target.denominator, key)
                for year in _years(target, first, last)
            }
        except Exception as error:
            failures[target.pk] = reason_of(error)
            result[target.pk] = {}
    agg.national_parts.finish()
    return result


def entered_measures(targets, first, last) -> dict[int, dict[int, Measure]]:
    """Hand-entered values: the latest entry of each year (by the deadline, if the target has one).

    A current province's years before the merger add up the old provinces it was formed from,
    for counts and amounts; a share cannot be added up and stays without data.
    """
    predecessors = _predecessors({t.area_id for t in targets})
    areas = {t.area_id for t in targets} | {p for ps in predecessors.values() for p in ps}
    entries = defaultdict(list)  # (indicator, area, year) -> [(as_of, value)], in date order
    for row in (
        EnteredValue.objects.filter(
            indicator__in={t.indicator_id for t in targets}, area__in=areas, as_of__year__range=(first, last)
        )
        .order_by("as_of")
        .values_list("indicator_id", "area_id", "as_of", "value")
    ):
        entries[(row[0], row[1], row[2].year)].append((row[2], row[3]))

    def latest(indicator, area, year, cutoff):
        values = [value for day, value in entries.get((indicator, area, year), []) if day <= cutoff]
        return values[-1] if values else None

    result = {}
    for target in targets:
        result[target.pk] = {}
        for year in _years(target, first, last):
            by_deadline = target.deadline and target.deadline.year == year
            cutoff = target.deadline if by_deadline else datetime.date(year, 12, 31)
            value = latest(target.indicator_id, target.area_id, year, cutoff)
            if value is None and year < MERGER_DATE.year + 1 and target.indicator.shape != Indicator.Shape.SHARE:
                parts = [latest(target.indicator_id, p, year, cutoff) for p in predecessors.get(target.area_id, [])]
                value = sum(parts) if parts and None not in parts else None
            result[target.pk][year] = Measure(value)
    return result


def _predecessors(area_ids) -> dict[int, list[int]]:
    rows = AdminUnit.objects.filter(pk__in=area_ids, level="province", structure="34").values_list(
        "pk", "predecessions__predecessor_id"
    )
    found = defaultdict(list)
    for area, predecessor in rows:
        if predecessor and predecessor != area:
            found[area].append(predecessor)
    return found


# Storing ----------------------------------------------------------------------------------


def _store(targets: list[Target], results: dict[int, Result], today: datetime.date, periods=True) -> None:
    """Write only the rows that differ from what is stored: a nightly run over unchanged data
    writes almost nothing, and `computed_at` says when a figure last changed."""
    now, ids = timezone.now(), [t.pk for t in targets]
    progress = {(t.pk,): _progress_values(results[t.pk]) for t in targets}
    _upsert(Progress, progress, ["target"], PROGRESS_FIELDS, Progress.objects.filter(target__in=ids), computed_at=now)
    years = {(t.pk, y.year): _year_values(y) for t in targets for y in results[t.pk].years}
    stored_years = ProgressYear.objects.filter(target__in=ids)
    _upsert(ProgressYear, years, ["target", "year"], YEAR_FIELDS, stored_years)
    # A target whose period was shortened keeps no rows for the years it lost.
    if periods:
        stored_years.filter(Q(year__lt=F("target__year_from")) | Q(year__gt=F("target__year_to"))).delete()
    snapshots = {(pk, today): (values[1], values[2], values[7]) for (pk,), values in progress.items()}
    stored_snapshots = ProgressSnapshot.objects.filter(target__in=ids, day=today)
    _upsert(ProgressSnapshot, snapshots, ["target", "day"], SNAPSHOT_FIELDS, stored_snapshots)


def _upsert(model, rows: dict[tuple, tuple], keys: list[str], fields: list[str], stored, **constant):
    """Insert or update the rows (key tuple → values in `fields` order) that differ from `stored`."""
    columns = [f"{key}_id" if key == "target" else key for key in keys]
    have = {tuple(row[: len(keys)]): tuple(row[len(keys) :]) for row in stored.values_list(*columns, *fields)}
    changed = [
        model(**dict(zip(columns, key, strict=True)), **dict(zip(fields, values, strict=True)), **constant)
        for key, values in rows.items()
        if have.get(key) != values
    ]
    model.objects.bulk_create(
        changed, update_conflicts=True, unique_fields=keys, update_fields=fields + list(constant), batch_size=2000
    )


def _progress_values(result: Result) -> tuple:
    return (
        result.year,
        _fixed(result.actual),
        _ratio(result.ratio),
        _fixed(result.expected),
        _fixed(result.numerator),
        _fixed(result.denominator),
        result.band,
        result.status,
        result.explanation,
        result.projection,
    )


def _year_values(year) -> tuple:
    return (
        _fixed(year.value),
        _fixed(year.actual),
        _fixed(year.numerator),
        _fixed(year.denominator),
        _fixed(year.expected),
        year.band,
        year.status,
    )


FOUR_PLACES = Decimal("0.0001")


def _fixed(value: Decimal | None) -> Decimal | None:
    """As the database stores it (four decimals), so stored and computed rows compare equal."""
    return None if value is None else Decimal(value).quantize(FOUR_PLACES)


def _ratio(ratio: Decimal | None) -> Decimal | None:
    # A ratio beyond a million is noise from a tiny target; the column holds less.
    return None if ratio is None else _fixed(max(min(ratio, Decimal(999_999)), Decimal(-999_999)))


def plan_save(*, form, targets, tasks):
    """A plan entered from its document, with its targets and tasks, all saved or none.
    Saving targets queues their recompute (plans.signals)."""
    with transaction.atomic():
        plan = form.save()
        targets.instance = tasks.instance = plan
        targets.save()
        tasks.save()
    return plan


# Indicators -------------------------------------------------------------------------------

PREVIEW_ROWS = 10


@dataclass
class Preview:
    """An unsaved indicator computed for one place and year, with what makes its figure."""

    area: AdminUnit
    year: int
    measure: Measure | None = None
    rows: list = field(default_factory=list)  # a few of the organisations (or actions) counted
    counted: int = 0
    lists_actions: bool = False
    denominator_label: str = ""
    error: str = ""


def indicator_preview(*, indicator: Indicator, area: AdminUnit, year: int, denominator: str = "") -> Preview:
    """Compute `indicator` (saved or not) for `area` and `year` with the recompute's own machinery
    (one Aggregates pass, the rule's Parts and their lists), writing nothing."""
    preview = Preview(area, year)
    try:
        rule, params = rule_of(indicator), indicator.rule_params
        rule.check(params, denominator)
        agg = Aggregates([area], year, year, store_parts=False)
        rule.need(agg, params, denominator, "preview")
        preview.measure = rule.measure(agg, area.pk, year, params, denominator, "preview")
        numerator, below = rule.parts(params, denominator, year)
        listed = numerator.listed(area, year)
        preview.counted = listed.count()
        preview.rows = list(listed.select_related(*_listed_relations(numerator))[:PREVIEW_ROWS])
        preview.lists_actions = numerator.lists_actions
        preview.denominator_label = str(getattr(below, "label", "") or "")
    except Exception as error:
        preview.error = reason_of(error)
    return preview


def _listed_relations(part) -> list[str]:
    return ["organisation", "area"] if part.lists_actions else ["commune"]


def indicator_save(*, form) -> Indicator:
    """An indicator defined or corrected by an admin. The targets that read it are recomputed
    after the commit (their figures may change with its rule or parameters)."""
    from plans.tasks import recompute_indicator_progress  # the tasks call these services

    with transaction.atomic():
        indicator = form.save()
        if indicator.targets.exists():
            recompute_indicator_progress.delay_on_commit(indicator.pk)
    return indicator


def indicator_delete(*, indicator: Indicator) -> bool:
    """Delete an indicator nothing reads; one that targets, results or entered figures use stays
    (False)."""
    if indicator.targets.exists() or indicator.results.exists() or indicator.entered_values.exists():
        return False
    indicator.delete()
    return True
