"""Judging a target against its measured values: a pure function, no database.

`evaluate(target, measures, today)` takes a Target (with its indicator), the
indicator's `Measure` for each year around the target's period, and the date to
judge on; it returns the overall result, with the parts of its explanation (no text:
plans.figures words them in the reader's language), and one result per year. The status rules
are written for leaders in the README ("How a status is decided"); the constants
below are the ones named there.

Three ways a target is judged:
- once, at the end of its period (a year or a term): every year on the way is held against the
  path to the target and is never missed before the period is over;
- every year of a term: each year is a one-year target, and the term is missed as soon as one
  closed year was, achieved only once every year was met;
- growth and point changes of a year still running are not judged until the year is over.
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
ONE, ZERO = Decimal(1), Decimal(0)
ONE_DAY = datetime.timedelta(days=1)


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
    zero_base: bool = False  # a growth from 0: it cannot be computed
    not_over: bool = False  # a growth or change of a year still running: judged when the year is over


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
    projection: dict = field(default_factory=dict)  # plans.projection, set by the recompute


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
    """How far the actual goes towards the target: 1 means met exactly. A range is met (1) from
    its low end: where the figure sits inside or above it is the band's to say, not a ratio's."""
    if actual is None:
        return None
    if is_ceiling(target):
        if actual <= 0:
            return ONE if meets(target, actual) else None
        return min(ONE, target.value / actual) if not meets(target, actual) else ONE
    if target.comparator == C.BETWEEN and band(target, actual) != Band.BELOW:
        return ONE
    return actual / target.value if target.value else None


# Turning measures into the actual values a target is stated in -----------------------------


class Series:
    """The indicator's values by year, turned into what the target compares: the value itself,
    a running total over the term (flows), growth in %, or a change in percentage points."""

    def __init__(self, target: Target, measures: dict[int, Measure]):
        self.target, self.measures = target, measures
        self.flow = target.indicator.shape == Indicator.Shape.FLOW and target.measure == Target.Measure.LEVEL
        self.change = target.measure != Target.Measure.LEVEL

    def value(self, year) -> Decimal | None:
        measure = self.measures.get(year)
        return measure.value if measure else None

    def actual(self, year) -> Decimal | None:
        target = self.target
        if not self.change:
            if self.flow and target.period == Target.Period.TERM:
                values = [self.value(y) for y in range(target.year_from, year + 1)]
                known = [v for v in values if v is not None]
                return sum(known, ZERO) if known else None
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

    def origin(self, year: int) -> Decimal:
        """Where the path to the target starts, for a period starting in `year`: nothing for counts
        and changes; for a level or share, its figure the year before, else (a term) its first
        figure in the term, else 0 (what is done towards a deadline starts the year at nothing)."""
        if self.flow or self.change:
            return ZERO
        before = self.value(year - 1)
        if before is not None:
            return before
        if self.target.period == Target.Period.TERM:
            known = [v for v in map(self.value, self.target.years) if v is not None]
            if known:
                return known[0]
        return ZERO


# The calendar of a target -------------------------------------------------------------------


def period_end(target: Target) -> datetime.date:
    return target.deadline or datetime.date(target.year_to, 12, 31)


def year_end(target: Target, year: int) -> datetime.date:
    """The last day of one year of the target: its deadline in the deadline's year."""
    if target.deadline and target.deadline.year == year:
        return target.deadline
    return datetime.date(year, 12, 31)


def year_elapsed(target: Target, year: int, on: datetime.date) -> Decimal:
    """The share of one year of the target gone by at the end of `on` (up to its deadline)."""
    start = datetime.date(year, 1, 1)
    share = Decimal((on - start).days + 1) / Decimal((year_end(target, year) - start).days + 1)
    return min(ONE, max(ZERO, share))


def elapsed(target: Target, on: datetime.date) -> Decimal:
    """The share of the period gone by at the end of `on`: each year of it an equal step, the year
    of `on` pro rata to its days (35 HTX in a year expect about 17 by the end of June)."""
    if on < datetime.date(target.year_from, 1, 1):
        return ZERO
    if on >= period_end(target):
        return ONE
    steps = Decimal(target.year_to - target.year_from + 1)
    return (Decimal(on.year - target.year_from) + year_elapsed(target, on.year, on)) / steps


# Judging ----------------------------------------------------------------------------------


def measured(target: Target, series: Series, year: int, today: datetime.date) -> YearResult:
    """A year's figures, before any judging. A change of a year still running is left out:
    the part of a year cannot be compared with a whole one."""
    measure = series.measures.get(year) or Measure(None)
    result = YearResult(year, measure.value, None, measure.numerator, measure.denominator)
    if series.change:
        result.base = series.base(year)
        result.not_over = today <= year_end(target, year)
        result.zero_base = (
            target.measure == Target.Measure.GROWTH_PCT and result.base == 0 and measure.value is not None
        )
        if result.not_over or result.zero_base:
            return result
    result.actual = series.actual(year)
    if result.actual is not None:
        result.band = band(target, result.actual)
    return result


def expected(target: Target, series: Series, year: int, today: datetime.date, start: Decimal) -> Decimal:
    """The level the path expects of the figure of `year` on `today`. Counts grow day by day and
    are expected pro rata to the days gone by before today (the nightly run counts what was
    entered by then; 1 January expects nothing of the new year); a level or share is held
    against the path at its year's end, or, in the year of a deadline, on the day; a change
    against the target itself (with a baseline over a term: a straight path from 0)."""
    end = year_end(target, year)
    if series.change and not (target.period == Target.Period.TERM and _has_baseline(target)):
        return target.value
    if series.flow or (target.deadline and target.deadline.year == year):
        end = min(today - ONE_DAY, end)
    share = year_elapsed(target, year, end) if target.period == Target.Period.EVERY_YEAR else elapsed(target, end)
    return start + (target.value - start) * share


def _has_baseline(target: Target) -> bool:
    return target.baseline_year is not None or target.baseline_value is not None


def path_status(target: Target, actual: Decimal, start: Decimal, expected: Decimal) -> str:
    """On track at or beyond the straight path from its start to the target; at risk if behind by
    less than a quarter of the way; off track beyond that. A count is on track less than one unit
    behind: nobody founds a fraction of an HTX, so 1 January expects none yet."""
    if meets(target, actual):
        return Status.ON_TRACK
    way = abs(target.value - start) or abs(target.value) or ONE
    behind = (actual - expected) if is_ceiling(target) else (expected - actual)
    counted = target.indicator.unit == Indicator.Unit.COUNT and target.measure == Target.Measure.LEVEL
    if behind <= 0 or (counted and behind < 1):
        return Status.ON_TRACK
    return Status.AT_RISK if behind < AT_RISK_MARGIN * way else Status.OFF_TRACK


def judge(target: Target, series: Series, result: YearResult, start: Decimal, final: bool) -> str:
    """A year's status: met or missed if its figure is final, else against the path; a count that
    has reached its target already has achieved it."""
    if result.actual is None:
        return Status.NO_DATA
    if final:
        return Status.ACHIEVED if meets(target, result.actual) else Status.MISSED
    if series.flow and not is_ceiling(target) and meets(target, result.actual):
        return Status.ACHIEVED
    return path_status(target, result.actual, start, result.expected)


def evaluate(target: Target, measures: dict[int, Measure], today: datetime.date) -> Result:
    series = Series(target, measures)
    if target.period == Target.Period.EVERY_YEAR:
        return _every_year(target, series, today)
    return _once(target, series, today)


def _once(target: Target, series: Series, today: datetime.date) -> Result:
    """A target of one year or of a term: final once its period is over; until then the latest
    year with a figure against the path, every earlier year against the path by its own end."""
    over = today > period_end(target)
    start = series.origin(target.year_from)
    years = []
    for year in range(target.year_from, min(target.year_to, today.year) + 1):
        result = measured(target, series, year, today)
        result.expected = expected(target, series, year, today, start)
        result.status = judge(target, series, result, start, final=over and year == target.year_to)
        years.append(result)
    if over:
        shown = years[-1] if years else YearResult(target.year_to)
    else:
        known = [r for r in years if r.actual is not None]
        shown = known[-1] if known else years[-1] if years else YearResult(target.year_from)
    return _result(
        target,
        shown.status,
        shown,
        years,
        over=over,
        final=over,
        zero_base_years=[r.year for r in years if r.zero_base and r.year >= shown.year],
        not_over_year=next((r.year for r in years if r.not_over), None),
    )


def _every_year(target: Target, series: Series, today: datetime.date) -> Result:
    """Each year is a one-year target. The term is missed as soon as a closed year was missed (it
    can no longer be met); without a figure for a closed year it cannot be judged; it is achieved
    once it is over with every year met. While it runs it is at best on track: the running year
    counts with its status on the path once it has a figure, and adds nothing before."""
    years = []
    for year in range(target.year_from, min(target.year_to, today.year) + 1):
        result = measured(target, series, year, today)
        start = series.origin(year)
        result.expected = expected(target, series, year, today, start)
        result.status = judge(target, series, result, start, final=today > year_end(target, year))
        years.append(result)
    closed = [r for r in years if today > year_end(target, r.year)]
    running = next((r for r in years if r not in closed), None)
    missed = [r.year for r in closed if r.status == Status.MISSED]
    gaps = [r.year for r in closed if r.status == Status.NO_DATA]
    if missed:
        status = Status.MISSED
    elif gaps or not years:
        status = Status.NO_DATA
    elif running is None:
        status = Status.ACHIEVED
    elif running.status == Status.NO_DATA:
        status = Status.ON_TRACK if closed else Status.NO_DATA
    else:
        status = Status.ON_TRACK if running.status == Status.ACHIEVED else running.status
    known = [r for r in years if r.actual is not None]
    shown = known[-1] if known else years[-1] if years else YearResult(target.year_from)
    result = _result(
        target,
        status,
        shown,
        years,
        over=today > period_end(target),
        final=shown is not running,
        strip=_strip(target, years, closed, running),
        missed_years=missed,
        no_data_years=gaps,
        zero_base_years=[r.year for r in years if r.zero_base],
        not_over_year=running.year if running and running.not_over else None,
    )
    result.ratio = Decimal(len(closed) - len(missed) - len(gaps)) / len(closed) if closed else None
    return result


def _strip(target: Target, years: list[YearResult], closed: list[YearResult], running) -> list[list]:
    """Every year of the term with what it stands at: the status of a closed year (achieved,
    missed, no_data), "running" for the year under way, "later" for those still to come."""
    marks = {r.year: str(r.status) for r in closed}
    if running is not None:
        marks[running.year] = "running"
    return [[year, marks.get(year, "later")] for year in target.years]


def _result(target, status, shown: YearResult, years, over: bool, final: bool, **extra) -> Result:
    """The result shown: `over` says the period is, `final` that the figure shown is (no path then)."""
    expected = None if final else shown.expected
    return Result(
        status=status,
        year=shown.year,
        actual=shown.actual,
        ratio=achievement(target, shown.actual),
        expected=expected,
        numerator=shown.numerator,
        denominator=shown.denominator,
        band=shown.band,
        explanation=_parts(shown, over, expected, **extra),
        years=years,
    )


# What the explanation is built from -------------------------------------------------------

FOUR_PLACES = Decimal("0.0001")


def _parts(shown: YearResult, closed: bool, expected: Decimal | None, **extra) -> dict:
    """What a leader's one-line explanation says, as JSON-safe parts (plans.figures.explain
    turns them into a sentence in the reader's language): the year shown; its actual (absent:
    no data for that year); the value and base a growth or change is measured from; numerator
    and denominator; the level expected on the path while the figure shown is not final; whether
    the period is closed; the band of a range. An every-year target adds its `strip` (each year of
    the term and where it stands) and the years missed and without data. Growth that cannot be
    computed says why: `zero_base_years` (a base of 0), `not_over_year` (the year is running).
    Numbers are Decimal strings at the four places the progress columns keep, so that a
    recompute over unchanged figures gives equal parts."""
    parts = {"year": shown.year, "closed": closed}
    numbers = {
        "actual": shown.actual,
        "value": shown.value if shown.base is not None else None,
        "base": shown.base,
        "numerator": shown.numerator,
        "denominator": shown.denominator,
        "expected": expected,
    }
    parts.update({name: _exact(value) for name, value in numbers.items() if value is not None})
    if shown.band:
        parts["band"] = shown.band
    parts.update({name: value for name, value in extra.items() if value})
    return parts


def _exact(value: Decimal) -> str:
    """A Decimal as JSON keeps it: "64.898", "27000000000", "-2.1" (no exponent, no trailing zeros)."""
    return format((Decimal(value).quantize(FOUR_PLACES) + 0).normalize(), "f")
