"""Where a running target is heading: a pure function, no database (as plans.evaluation).

`project(target, measures, today)` projects the target's value at the end of its period from the
years whose figures are final (the year before the period and every closed year of it): a
weighted linear trend, recent years weighted more, as UN ESCAP's anticipated-progress method
does. Here the latest year weighs 1, the one before 1/2, then 1/3… (weight 1 / (1 + years before
the latest)). With fewer than two years there is no projection. It says, beside the projection:

- its band: the 80% prediction interval of the weighted fit (none from two points, which any
  line fits exactly), and, for a range target, where the projected figure falls in the range;
- whether the projected figure would meet the target (the rules of plans.evaluation.meets);
- what is needed to meet it: how much a year over the years left ("cần 58 HTX/năm trong 2 năm
  còn lại");
- the latest final figure before the running year (`last`), which the pages show beside "Chưa
  có số liệu" while the running year has none.

The rule-based status is not changed by any of this: the projection is stored beside it
(Progress.projection) and always labelled as a projection. The parts are JSON-safe (Decimal
strings), worded by the templates in the reader's language.
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from plans.evaluation import HUNDRED, ZERO, Series, _exact, band, is_ceiling, meets, period_end
from plans.models import Target
from plans.rules import Measure

MIN_POINTS = 2
FOUR_PLACES = Decimal("0.0001")  # as the progress columns keep figures
# The two-sided 80% quantiles of Student's t by degrees of freedom (n - 2); 1.282 beyond.
T80 = {1: "3.078", 2: "1.886", 3: "1.638", 4: "1.533", 5: "1.476", 6: "1.440", 7: "1.415", 8: "1.397"}
T80_LARGE = "1.282"


@dataclass
class Trend:
    """A weighted least-squares line through (year, value) points, in floats (a projection needs
    no more than their 15 digits; what is stored is rounded to four decimals)."""

    slope: float
    mean: float  # the weighted mean value, at the weighted mean year
    points: int
    spread: float | None  # the weighted residual standard error (None from two points)
    centre: float  # the weighted mean year
    sxx: float  # the weighted sum of squares of the years about it
    total_weight: float

    def at(self, year: int) -> Decimal:
        return Decimal(repr(self.mean + self.slope * (year - self.centre))).quantize(FOUR_PLACES)

    def half_width(self, year: int) -> Decimal | None:
        """Half the 80% prediction interval at `year`, for a new figure weighted as the latest (1)."""
        if self.spread is None:
            return None
        t = float(T80.get(self.points - 2, T80_LARGE))
        variance = 1 + 1 / self.total_weight + (year - self.centre) ** 2 / self.sxx
        return Decimal(repr(t * self.spread * math.sqrt(variance))).quantize(FOUR_PLACES)


def weights(years: list[int]) -> list[float]:
    latest = max(years)
    return [1 / (1 + latest - year) for year in years]


def trend(points: list[tuple[int, Decimal]]) -> Trend | None:
    """The weighted linear trend of the points; None with fewer than two years."""
    points = sorted((year, float(value)) for year, value in points if value is not None)
    if len({year for year, _value in points}) < MIN_POINTS:
        return None
    years = [year for year, _value in points]
    w = weights(years)
    total = math.fsum(w)
    centre = math.fsum(wi * x for wi, x in zip(w, years, strict=True)) / total
    mean = math.fsum(wi * y for wi, (_x, y) in zip(w, points, strict=True)) / total
    sxx = math.fsum(wi * (x - centre) ** 2 for wi, x in zip(w, years, strict=True))
    sxy = math.fsum(wi * (x - centre) * (y - mean) for wi, (x, y) in zip(w, points, strict=True))
    slope = sxy / sxx
    spread = None
    if len(points) > MIN_POINTS:
        residuals = math.fsum(wi * (y - mean - slope * (x - centre)) ** 2 for wi, (x, y) in zip(w, points, strict=True))
        spread = math.sqrt(residuals / (len(points) - MIN_POINTS))
    return Trend(slope, mean, len(points), spread, centre, sxx, total)


def project(target: Target, measures: dict[int, Measure], today: datetime.date) -> dict:
    """The projection's parts for a target still running ({} once its period is over)."""
    if today > period_end(target):
        return {}
    series = Series(target, measures)
    closed = today.year - 1  # the latest year whose figures are final
    parts = {"year": target.year_to}
    last = _last(target, series, closed)
    if last:
        parts["last"] = last
    if series.flow and target.period == Target.Period.TERM:
        parts.update(_term_flow(target, series, closed))
    else:
        parts.update(_level(target, series, closed))
    return parts


def _last(target: Target, series: Series, closed: int) -> dict | None:
    """The latest final figure (a level, share or yearly count, not a running total or a change)."""
    if series.change or (series.flow and target.period == Target.Period.TERM):
        return None
    for year in range(closed, target.year_from - 2, -1):
        value = series.value(year)
        if value is not None:
            return {"year": year, "actual": _exact(value)}
    return None


def _term_flow(target: Target, series: Series, closed: int) -> dict:
    """A count or amount added up over the term: the trend of the yearly figures of its closed
    years carried to its end, added to what is done so far."""
    done_years = range(target.year_from, closed + 1)
    points = [(year, series.value(year)) for year in done_years]
    line = trend(points)
    known = [value for _year, value in points if value is not None]
    done = sum(known, ZERO)
    left = list(range(max(closed + 1, target.year_from), target.year_to + 1))
    parts = {"points": len(known)}
    if line is not None:
        ahead = [max(ZERO, line.at(year)) for year in left]
        value = done + sum(ahead, ZERO)
        widths = [line.half_width(year) for year in left]
        spread = None if None in widths else sum((w * w for w in widths), ZERO).sqrt()
        parts.update(_judged(target, value, spread))
    parts.update(_needed(target, target.value - done, left, ceiling=False))
    return parts


def _level(target: Target, series: Series, closed: int) -> dict:
    """A level, a share, a yearly count, or a change of one: the trend of the indicator's own
    figures carried to the last year of the period, turned into what the target compares."""
    first = target.year_from - 1
    points = [(year, series.value(year)) for year in range(first, closed + 1)]
    points = [(year, value) for year, value in points if value is not None]
    line = trend(points)
    parts = {"points": len(points)}
    end = target.year_to
    if line is not None:
        underlying = line.at(end)
        value = _as_target(target, series, underlying, line)
        width = line.half_width(end)
        spread = None
        if width is not None and value is not None:
            high = _as_target(target, series, underlying + width, line)
            spread = abs(high - value) if high is not None else None
        if value is not None:
            parts.update(_judged(target, value, spread))
    if points and not series.flow:  # a yearly count starts again each year: its target is what it needs
        required = _required(target, series)
        latest_year, latest = points[-1]
        if required is not None:
            left = list(range(latest_year + 1, end + 1))
            parts.update(_needed(target, required - latest, left, ceiling=is_ceiling(target)))
            if series.change:
                parts["needed_of"] = "indicator"  # an amount of the indicator, not of the change
    return parts


def _as_target(target: Target, series: Series, underlying: Decimal, line: Trend) -> Decimal | None:
    """A projected figure of the indicator as the target states it: itself, or its change."""
    if not series.change:
        return underlying
    base = series.base(target.year_to)
    if base is None:
        base = line.at(target.year_to - 1)
    if target.measure == Target.Measure.CHANGE_PP:
        return underlying - base
    return (underlying - base) / base * HUNDRED if base else None


def _required(target: Target, series: Series) -> Decimal | None:
    """The indicator's figure the last year must reach: the target, or for a change against a
    fixed base the base moved by it (a change year on year has no one figure to reach)."""
    if not series.change:
        return target.value
    if target.baseline_value is None and target.baseline_year is None:
        return None
    base = series.base(target.year_to)
    if base is None:
        return None
    if target.measure == Target.Measure.CHANGE_PP:
        return base + target.value
    return base * (1 + target.value / HUNDRED)


def _judged(target: Target, value: Decimal, spread: Decimal | None) -> dict:
    parts = {"value": _exact(value), "meets": meets(target, value)}
    if spread is not None:
        parts["low"], parts["high"] = _exact(value - spread), _exact(value + spread)
    if band(target, value):
        parts["band"] = band(target, value)
    return parts


def _needed(target: Target, gap: Decimal, left: list[int], *, ceiling: bool) -> dict:
    """How much a year over the years left: `gap` is what is missing (negative for a ceiling,
    which needs a fall); nothing when it is already reached or no year is left."""
    if not left or (gap <= 0 if not ceiling else gap >= 0):
        return {}
    return {"needed": _exact(abs(gap) / len(left)), "needed_years": len(left), "needed_fall": ceiling}
