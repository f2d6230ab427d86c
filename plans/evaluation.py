"""Judging a target against its measured values: a pure function, no database.

`evaluate(target, measures, today)` takes a Target (with its indicator), the
indicator's `Measure` for each year around the target's period, and the date to
judge on; it returns the overall result, with the parts of its explanation (no text:
plans.figures words them in the reader's language), and one result per year. The status rules
are written for leaders in the README ("How a status is decided"); the constants
below are the ones named there.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from plans.models import Indicator, Progress, Target
from plans.rules import Measure

Status = Progress.Status
Band = Progress.Band
C = Target.Comparator

ABOUT_TOLERANCE = Decimal("0.05")  # "khoảng X": within 5% of X
AT_RISK_MARGIN = Decimal("0.25")  # behind the path by less than a quarter of the way: at risk
HUNDRED = Decimal(100)


@dataclass
class YearResult:
    year: int
    value: Decimal | None = None
    actual: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    expected: Decimal | None = None
    base: Decimal | None = None  # what growth and point changes are measured against
    band: str = ""
    status: str = Status.NO_DATA


@dataclass
class Result:
    status: str
    year: int | None = None
    actual: Decimal | None = None
    ratio: Decimal | None = None
    expected: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    band: str = ""
    explanation: dict = field(default_factory=dict)  # the parts: see _parts
    years: list[YearResult] = field(default_factory=list)


# Comparing one actual value with the target -----------------------------------------------


def meets(target: Target, actual: Decimal) -> bool:
    value = target.value
    return {
        C.AT_LEAST: actual >= value,
        C.ABOVE: actual > value,
        C.AT_MOST: actual <= value,
        C.BELOW: actual < value,
        C.ABOUT: actual >= value * (1 - ABOUT_TOLERANCE),
        C.BETWEEN: actual >= value,  # above the range still meets it; the band says so
    }[target.comparator]


def band(target: Target, actual: Decimal) -> str:
    if target.comparator == C.BETWEEN:
        low, high = target.value, target.value_high
    elif target.comparator == C.ABOUT:
        low, high = target.value * (1 - ABOUT_TOLERANCE), target.value * (1 + ABOUT_TOLERANCE)
    else:
        return Band.NONE
    return Band.BELOW if actual < low else Band.ABOVE if actual > high else Band.WITHIN


def is_ceiling(target: Target) -> bool:
    """At-most and below targets are judged the other way: lower is better."""
    return target.comparator in (C.AT_MOST, C.BELOW)


def achievement(target: Target, actual: Decimal | None) -> Decimal | None:
    """How far the actual goes towards the target: 1 means met exactly."""
    if actual is None:
        return None
    if is_ceiling(target):
        if actual <= 0:
            return Decimal(1) if meets(target, actual) else None
        return min(Decimal(1), target.value / actual) if not meets(target, actual) else Decimal(1)
    return actual / target.value if target.value else None


# Turning measures into the actual values a target is stated in -----------------------------


class Series:
    """The indicator's values by year, turned into what the target compares: the value itself,
    a running total over the term (flows), growth in %, or a change in percentage points."""

    def __init__(self, target: Target, measures: dict[int, Measure]):
        self.target, self.measures = target, measures
        self.flow = target.indicator.shape == Indicator.Shape.FLOW

    def value(self, year) -> Decimal | None:
        measure = self.measures.get(year)
        return measure.value if measure else None

    def actual(self, year) -> Decimal | None:
        target = self.target
        if target.measure == Target.Measure.LEVEL:
            if self.flow and target.period == Target.Period.TERM:
                values = [self.value(y) for y in range(target.year_from, year + 1)]
                known = [v for v in values if v is not None]
                return sum(known, Decimal(0)) if known else None
            return self.value(year)
        current, base = self.value(year), self.base(year)
        if current is None or base is None:
            return None
        if target.measure == Target.Measure.CHANGE_PP:
            return current - base
        return (current - base) / base * HUNDRED if base else None

    def base(self, year) -> Decimal | None:
        target = self.target
        if target.baseline_value is not None:
            return target.baseline_value
        return self.value(target.baseline_year if target.baseline_year else year - 1)


# Judging ----------------------------------------------------------------------------------


def period_end(target: Target) -> datetime.date:
    return target.deadline or datetime.date(target.year_to, 12, 31)


def year_result(target: Target, series: Series, year: int) -> YearResult:
    measure = series.measures.get(year) or Measure(None)
    actual = series.actual(year)
    result = YearResult(year, measure.value, actual, measure.numerator, measure.denominator)
    if target.measure != Target.Measure.LEVEL:
        result.base = series.base(year)
    if actual is not None:
        result.band = band(target, actual)
        result.status = Status.ACHIEVED if meets(target, actual) else Status.MISSED
    return result


def time_share(target: Target, today: datetime.date, year: int | None = None) -> Decimal:
    """The share of the period elapsed on `today` (of one year, for an every-year target)."""
    start = datetime.date(year or target.year_from, 1, 1)
    end = datetime.date(year, 12, 31) if year else period_end(target)
    elapsed = (today - start).days + 1
    return min(Decimal(1), max(Decimal(0), Decimal(elapsed) / Decimal((end - start).days + 1)))


def path_status(target: Target, actual: Decimal, base: Decimal, expected: Decimal) -> str:
    """On track at or beyond the straight path from base to target; at risk if behind by less
    than a quarter of the way; off track beyond that."""
    if meets(target, actual):
        return Status.ON_TRACK
    way = abs(target.value - base) or abs(target.value) or Decimal(1)
    behind = (actual - expected) if is_ceiling(target) else (expected - actual)
    if behind <= 0:
        return Status.ON_TRACK
    return Status.AT_RISK if behind < AT_RISK_MARGIN * way else Status.OFF_TRACK


def open_flow(target: Target, series: Series, today: datetime.date, year: int | None = None):
    """A count still running: compare what is counted so far with the target pro rata to time."""
    actual = series.actual(year or target.year_to) if year else series.actual(min(today.year, target.year_to))
    if actual is None:
        return Status.NO_DATA, None, None
    expected = target.value * time_share(target, today, year)
    if meets(target, actual) and not is_ceiling(target):
        return Status.ACHIEVED, actual, expected
    return path_status(target, actual, Decimal(0), expected), actual, expected


def open_level(target: Target, series: Series, years: list[YearResult]):
    """A level, share or growth still running: compare the latest year's figure with the path."""
    known = [r for r in years if r.actual is not None]
    if not known:
        return Status.NO_DATA, None, None
    latest = known[-1]
    if target.measure != Target.Measure.LEVEL or target.period == Target.Period.YEAR:
        expected = target.value
        base = series.base(latest.year) if target.measure == Target.Measure.LEVEL else Decimal(0)
        return path_status(target, latest.actual, base or Decimal(0), expected), latest, expected
    base = series.value(target.year_from - 1)
    base = base if base is not None else known[0].actual
    steps = Decimal(latest.year - target.year_from + 1) / Decimal(target.year_to - target.year_from + 1)
    expected = base + (target.value - base) * steps
    return path_status(target, latest.actual, base, expected), latest, expected


def evaluate(target: Target, measures: dict[int, Measure], today: datetime.date) -> Result:
    series = Series(target, measures)
    last_year = min(target.year_to, today.year)
    years = [year_result(target, series, y) for y in range(target.year_from, last_year + 1)]
    if target.period == Target.Period.EVERY_YEAR:
        return _every_year(target, series, years, today)
    if today > period_end(target):
        return _closed(target, years)
    return _open(target, series, years, today)


def _closed(target: Target, years: list[YearResult]) -> Result:
    final = years[-1] if years else YearResult(target.year_to)
    return _result(target, final.status, final, years, _parts(final, closed=True))


def _open(target: Target, series: Series, years: list[YearResult], today: datetime.date) -> Result:
    if series.flow and target.measure == Target.Measure.LEVEL:
        status, actual, expected = open_flow(target, series, today)
        current = years[-1] if years else YearResult(today.year)
        current.expected = expected
        return _result(target, status, current, years, _parts(current, closed=False))
    status, latest, expected = open_level(target, series, years)
    latest = latest or YearResult(today.year)
    latest.expected = expected
    return _result(target, status, latest, years, _parts(latest, closed=False))


def _every_year(target: Target, series: Series, years: list[YearResult], today: datetime.date) -> Result:
    """Each year is judged as a one-year target; the term is achieved only if every year is."""
    closed = [r for r in years if datetime.date(r.year, 12, 31) < today]
    current = next((r for r in years if r not in closed), None)
    if current is not None and series.flow and target.measure == Target.Measure.LEVEL:
        current.status, _, current.expected = open_flow(target, series, today, current.year)
    elif current is not None and current.actual is not None:
        current.status = Status.ON_TRACK if meets(target, current.actual) else Status.AT_RISK
    missed = [r.year for r in closed if r.status == Status.MISSED]
    latest = current or (years[-1] if years else YearResult(target.year_to))
    if today > period_end(target):
        gaps = any(r.actual is None for r in years)
        status = Status.MISSED if missed else Status.NO_DATA if gaps else Status.ACHIEVED
    else:
        status = Status.OFF_TRACK if missed else latest.status
    parts = _parts(latest, closed=today > period_end(target), missed_years=missed)
    return _result(target, status, latest, years, parts)


def _result(target, status, shown: YearResult, years, explanation: dict) -> Result:
    return Result(
        status=status,
        year=shown.year,
        actual=shown.actual,
        ratio=achievement(target, shown.actual),
        expected=shown.expected,
        numerator=shown.numerator,
        denominator=shown.denominator,
        band=shown.band,
        explanation=explanation,
        years=years,
    )


# What the explanation is built from -------------------------------------------------------

FOUR_PLACES = Decimal("0.0001")


def _parts(shown: YearResult, closed: bool, missed_years: list[int] | None = None) -> dict:
    """What a leader's one-line explanation says, as JSON-safe parts (plans.figures.explain
    turns them into a sentence in the reader's language): the year shown; its actual (absent:
    no data for that year); the value and base a growth or change is measured from; numerator
    and denominator; the level expected on the path while the period is open; whether the
    period is closed; the band of a range; the missed years of an every-year target. Numbers
    are Decimal strings at the four places the progress columns keep, so that a recompute
    over unchanged figures gives equal parts."""
    parts = {"year": shown.year, "closed": closed}
    numbers = {
        "actual": shown.actual,
        "value": shown.value if shown.base is not None else None,
        "base": shown.base,
        "numerator": shown.numerator,
        "denominator": shown.denominator,
        "expected": None if closed else shown.expected,
    }
    parts.update({name: _exact(value) for name, value in numbers.items() if value is not None})
    if shown.band:
        parts["band"] = shown.band
    if missed_years:
        parts["missed_years"] = missed_years
    return parts


def _exact(value: Decimal) -> str:
    """A Decimal as JSON keeps it: "64.898", "27000000000", "-2.1" (no exponent, no trailing zeros)."""
    return format((Decimal(value).quantize(FOUR_PLACES) + 0).normalize(), "f")
