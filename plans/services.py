"""The progress recompute: the one place that writes Progress, ProgressYear and ProgressSnapshot.

One pipeline, three triggers (after an edit, nightly, on demand):
1. pick the targets (all, or those whose area holds a changed place);
2. ask each indicator's rule once for every (area, year) cell they need, in a handful of
   grouped queries (plans.rules), and read hand-entered values in one more;
3. judge each target (plans.evaluation, no database) and write every row in one
   transaction, so a worker killed part-way leaves the previous figures intact.
Recompute, never increment: running it twice gives the same rows.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from cooperatives.models import MERGER_DATE, AdminUnit, UnitLineage
from plans.evaluation import Result, evaluate
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
from plans.rules import RULES, Aggregates, Measure

PROGRESS_FIELDS = [
    "year",
    "actual",
    "ratio",
    "expected",
    "numerator",
    "denominator",
    "band",
    "status",
    "explanation",
    "computed_at",
]
YEAR_FIELDS = ["value", "actual", "numerator", "denominator", "expected", "band", "status"]


def progress_recompute(*, targets=None, today: datetime.date | None = None) -> int:
    """Recompute and store the progress of `targets` (default: every target). Returns how many."""
    today = today or timezone.localdate()
    everything = targets is None
    targets = list((Target.objects.all() if everything else targets).select_related("indicator", "area"))
    if not targets:
        return 0
    measures = measures_for(targets, today)
    results = {target.pk: evaluate(target, measures[target.pk], today) for target in targets}
    with transaction.atomic():
        _store(targets, results, today)
        if everything:
            RecomputeSchedule.objects.update_or_create(pk=1, defaults={"last_full_at": timezone.now()})
    return len(targets)


def progress_recompute_pending(*, today: datetime.date | None = None) -> int:
    """Recompute the targets whose area holds a place changed since the last run, and clear those marks."""
    RecomputeSchedule.objects.filter(pk=1).update(queued_at=None)
    with transaction.atomic():
        pending = list(PendingRecompute.objects.select_for_update(skip_locked=True).values_list("pk", "area_id"))
        if not pending:
            return 0
        areas = UnitLineage.objects.filter(descendant_id__in=[area for _, area in pending]).values("ancestor_id")
        count = progress_recompute(targets=Target.objects.filter(area_id__in=areas), today=today)
        PendingRecompute.objects.filter(pk__in=[pk for pk, _ in pending]).delete()
        RecomputeSchedule.objects.filter(pk=1).update(last_run_at=timezone.now())
    return count


# Measuring --------------------------------------------------------------------------------


def measures_for(targets: list[Target], today: datetime.date) -> dict[int, dict[int, Measure]]:
    """Each target's indicator values, by year, from the year before its period to its last year."""
    first = min(t.year_from for t in targets) - 1
    last = min(max(t.year_to for t in targets), today.year)
    derived = [t for t in targets if t.indicator.method == Indicator.Method.DERIVED]
    manual = [t for t in targets if t.indicator.method == Indicator.Method.MANUAL]
    result = derived_measures(derived, first, last) if derived else {}
    result.update(entered_measures(manual, first, last) if manual else {})
    return result


def _years(target: Target, first: int, last: int) -> range:
    return range(max(first, target.year_from - 1), min(last, target.year_to) + 1)


def _key(target: Target) -> str:
    """Targets that share indicator and denominator share their aggregate columns."""
    return f"i{target.indicator_id}_{target.denominator or 'default'}"


def derived_measures(targets, first, last) -> dict[int, dict[int, Measure]]:
    agg = Aggregates(list({t.area_id: t.area for t in targets}.values()), first, last)
    for target in targets:
        RULES[target.indicator.rule].need(agg, target.indicator.rule_params, target.denominator, _key(target))
    result = {}
    for target in targets:
        rule, params = RULES[target.indicator.rule], target.indicator.rule_params
        result[target.pk] = {
            year: rule.measure(agg, target.area_id, year, params, target.denominator, _key(target))
            for year in _years(target, first, last)
        }
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


def _store(targets: list[Target], results: dict[int, Result], today: datetime.date) -> None:
    now = timezone.now()
    Progress.objects.bulk_create(
        [_progress_row(target, results[target.pk], now) for target in targets],
        update_conflicts=True,
        unique_fields=["target"],
        update_fields=PROGRESS_FIELDS,
        batch_size=2000,
    )
    rows = [_year_row(target, year) for target in targets for year in results[target.pk].years]
    ProgressYear.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["target", "year"], update_fields=YEAR_FIELDS, batch_size=2000
    )
    ProgressYear.objects.filter(target_id__in=[t.pk for t in targets]).filter(
        # A target whose period was shortened keeps no rows for the years it lost.
        Q(year__lt=F("target__year_from")) | Q(year__gt=F("target__year_to"))
    ).delete()
    ProgressSnapshot.objects.bulk_create(
        [
            ProgressSnapshot(
                target=t,
                day=today,
                actual=results[t.pk].actual,
                ratio=_ratio(results[t.pk].ratio),
                status=results[t.pk].status,
            )
            for t in targets
        ],
        update_conflicts=True,
        unique_fields=["target", "day"],
        update_fields=["actual", "ratio", "status"],
        batch_size=2000,
    )


def _progress_row(target: Target, result: Result, now) -> Progress:
    return Progress(
        target=target,
        year=result.year,
        actual=result.actual,
        ratio=_ratio(result.ratio),
        expected=result.expected,
        numerator=result.numerator,
        denominator=result.denominator,
        band=result.band,
        status=result.status,
        explanation=result.explanation,
        computed_at=now,
    )


def _year_row(target: Target, year) -> ProgressYear:
    return ProgressYear(target=target, **{name: getattr(year, name) for name in ["year", *YEAR_FIELDS]})


def _ratio(ratio: Decimal | None) -> Decimal | None:
    # Stored with four decimals; a ratio beyond a million is noise from a tiny target.
    return None if ratio is None else max(min(ratio, Decimal(999_999)), Decimal(-999_999)).quantize(Decimal("0.0001"))
