"""Chart data for the plan pages: small aggregates the page scripts draw with plotly.js.

Each function turns rows a view already loaded into a dict for `json_script`; labels
are translated here so the scripts hold no text of their own.
"""

import statistics
from decimal import Decimal

from django.utils.translation import gettext as _

from cooperatives.models import AdminUnit
from plans.figures import year_strip
from plans.models import Progress, Target


def _float(value):
    return None if value is None else float(value)


def status_rows(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    labels = dict(Progress.Status.choices)
    return [(status, labels[status], count) for status, count in counts.items()]


def status_chart(counts: dict[str, int]) -> dict:
    labels = dict(Progress.Status.choices)
    return {
        "statuses": list(counts),
        "labels": [str(labels[status]) for status in counts],
        "values": list(counts.values()),
        "title": _("Số mục tiêu theo tình trạng"),
    }


def plan_chart(targets: list[Target]) -> dict:
    """Each target's achievement in percent of its target (100 = met exactly)."""
    rows = [t for t in targets if hasattr(t, "progress") and t.progress.ratio is not None]
    return {
        "labels": [t.indicator.name for t in rows],
        "values": [round(float(t.progress.percent), 1) for t in rows],
        "statuses": [t.progress.status for t in rows],
        "title": _("Mức hoàn thành từng mục tiêu (100 = đạt mục tiêu)"),
        "axis": _("% mục tiêu"),
    }


def progress_chart(target: Target, progress: Progress | None) -> dict:
    """The figure as a bar against the target: a line, or a band for a range."""
    return {
        "label": str(progress.year) if progress and progress.year else "",
        "actual": _float(progress.actual) if progress else None,
        "expected": _float(progress.expected) if progress else None,
        "value": _float(target.value),
        "value_high": _float(target.value_high),
        "status": progress.status if progress else Progress.Status.NO_DATA,
        "names": {"actual": _("Thực hiện"), "target": _("Mục tiêu"), "expected": _("Cần đạt theo tiến độ")},
        "title": _("Thực hiện so với mục tiêu"),
    }


def _straight_path(target: Target, years: list[int], first_actual: Decimal | None) -> list[float | None]:
    """From the first year's figure to the target in the last year of the period."""
    if first_actual is None or not years or target.year_to == years[0]:
        return [_float(target.value)] * len(years)
    step = (target.value - first_actual) / (target.year_to - years[0])
    return [_float(first_actual + step * (year - years[0])) for year in years]


# How a year of an every-year target is drawn: a marker shape and the symbol written above it,
# so that met and missed years read apart without colour.
MARKER_SHAPES = {"achieved": "circle", "missed": "x", "no_data": "circle-open", "running": "diamond-open"}


def trend_chart(target: Target, rows, parts: dict | None = None, projection: dict | None = None) -> dict:
    """The figure year by year against the path to the target; an every-year target's years also
    carry their mark (met, missed, no data, running) from its explanation's strip; a running
    target's projection (plans.projection) is a dotted line to its last year, with its band."""
    years = [row.year for row in rows]
    repeated = target.period == Target.Period.EVERY_YEAR or target.measure != Target.Measure.LEVEL
    if repeated:
        path = [_float(target.value)] * len(years)
    else:
        path = _straight_path(target, years, rows[0].actual if rows else None)
        path = [
            _float(row.expected) if row.expected is not None else line for row, line in zip(rows, path, strict=True)
        ]
    return {
        "years": years,
        "actual": [_float(row.actual) for row in rows],
        "path": path,
        "marks": _marks(years, parts),
        "names": {"actual": _("Thực hiện"), "path": _("Lộ trình đến mục tiêu"), "projection": _("Dự báo")},
        "title": _("Diễn biến qua các năm"),
        "projection": _projection_line(rows, projection),
    }


def _projection_line(rows, projection: dict | None) -> dict | None:
    """From the latest year with a figure to the projected one at the end of the period."""
    if not projection or "value" not in projection:
        return None
    known = [row for row in rows if row.actual is not None and row.year < projection["year"]]
    start = [known[-1].year, _float(known[-1].actual)] if known else None
    value = float(projection["value"])
    line = {"years": [start[0], projection["year"]] if start else [projection["year"]], "value": value}
    line["values"] = [start[1], value] if start else [value]
    if "low" in projection:
        line["minus"], line["plus"] = value - float(projection["low"]), float(projection["high"]) - value
    return line


def _marks(years: list[int], parts: dict | None) -> dict | None:
    """Each year's symbol, words and marker shape, in the chart's year order (None: no strip)."""
    strip = {mark["year"]: mark for mark in year_strip(parts or {})}
    if not strip:
        return None
    marks = [strip.get(year) for year in years]
    return {
        "symbols": [mark["symbol"] if mark else "" for mark in marks],
        "labels": [f"{year}: {mark['label']}" if mark else str(year) for year, mark in zip(years, marks, strict=True)],
        "shapes": [MARKER_SHAPES.get(mark["mark"], "circle") if mark else "circle" for mark in marks],
    }


def comparison_chart(rows: list[tuple], units: dict[int, AdminUnit], highlighted: set[int]) -> dict:
    """Provinces with a target of the same indicator, sorted, the viewer's own highlighted: `rows`
    are (area id, year, figure), `units` the areas by id."""
    return {
        "labels": [f"{units[area]} ({year})" for area, year, _actual in rows],
        "values": [_float(actual) for _area, _year, actual in rows],
        "highlight": [area in highlighted for area, _year, _actual in rows],
        "title": _("So sánh giữa các tỉnh (số liệu đã tính của các mục tiêu cùng chỉ tiêu)"),
    }


# The fewest other provinces whose figures a provincial account sees summed up: with one or two, a
# median or a mean would be a province's own figure under another name.
MIN_PROVINCES_IN_AGGREGATE = 3


def comparison_chart_for_province(rows: list[tuple], own: dict[int, AdminUnit]) -> dict | None:
    """The comparison a provincial account sees (README, "Security"): its own province's figures by
    name (`own`: the areas of `rows` inside its province, by id), and the others only as their
    median and mean; None when fewer than MIN_PROVINCES_IN_AGGREGATE others have one."""
    others = [float(actual) for area, _year, actual in rows if area not in own]
    if len(others) < MIN_PROVINCES_IN_AGGREGATE:
        return None
    bars = [(f"{own[area]} ({year})", _float(actual), True) for area, year, actual in rows if area in own]
    words = {"count": len(others)}
    bars.append((_("Trung vị của %(count)s tỉnh khác") % words, statistics.median(others), False))
    bars.append((_("Trung bình của %(count)s tỉnh khác") % words, round(statistics.fmean(others), 2), False))
    bars.sort(key=lambda bar: bar[1], reverse=True)
    return {
        "labels": [label for label, _value, _own in bars],
        "values": [value for _label, value, _own in bars],
        "highlight": [mine for _label, _value, mine in bars],
        "title": _("So sánh với các tỉnh khác (số liệu đã tính của các mục tiêu cùng chỉ tiêu)"),
    }
