"""How figures read, on the pages and in the exports: the one place numbers, units, comparator
symbols and a target's explanation are formatted. Numbers are grouped by the active language
(1.234,5 in Vietnamese, 1,234.5 in English), with the unit a leader expects (%, điểm %, tỷ đồng,
the indicator's count noun). plans.templatetags.figures registers these as template filters.
"""

from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans.models import Indicator, Progress, Target

BILLION = Decimal(1_000_000_000)
MILLION = Decimal(1_000_000)
SYMBOLS = {
    Target.Comparator.AT_LEAST: "≥",
    Target.Comparator.ABOVE: ">",
    Target.Comparator.AT_MOST: "≤",
    Target.Comparator.BELOW: "<",
    Target.Comparator.ABOUT: "≈",
}
BANDS = {
    Progress.Band.BELOW: gettext_lazy("dưới khoảng mục tiêu"),
    Progress.Band.WITHIN: gettext_lazy("trong khoảng mục tiêu"),
    Progress.Band.ABOVE: gettext_lazy("trên khoảng mục tiêu"),
}


def number(value, digits=1):
    """A number grouped in the active language, with at most `digits` decimals."""
    if value is None or value == "":
        return "—"
    return floatformat(value, f"-{digits}g")


def unit_of(value: Decimal, target: Target) -> tuple[Decimal, str]:
    """How a value of this target is printed: the divisor (money in tỷ or triệu đồng, by the
    value's size) and the unit: %, điểm %, đồng, km or the indicator's count noun."""
    if target.measure == Target.Measure.GROWTH_PCT:
        return Decimal(1), "%"
    if target.measure == Target.Measure.CHANGE_PP:
        return Decimal(1), " " + _("điểm %")
    return indicator_unit_of(value, target.indicator)


def indicator_unit_of(value: Decimal, indicator: Indicator) -> tuple[Decimal, str]:
    """The divisor and unit of a value of the indicator itself (what a growth is measured on)."""
    unit = indicator.unit
    if unit == Indicator.Unit.PERCENT:
        return Decimal(1), "%"
    if unit == Indicator.Unit.VND:
        if abs(value) >= BILLION:
            return BILLION, " " + _("tỷ đồng")
        if abs(value) >= MILLION:
            return MILLION, " " + _("triệu đồng")
        return Decimal(1), " " + _("đồng")
    if unit == Indicator.Unit.KM:
        return Decimal(1), " km"
    return Decimal(1), f" {indicator.count_noun}" if indicator.count_noun else ""


def figure(value, target: Target) -> str:
    """An actual or target value in the target's terms: "62,1%", "27 tỷ đồng", "50 HTX"
    ("—" for none, and for the empty string a missing progress row reads as)."""
    if value is None or value == "":
        return "—"
    divisor, unit = unit_of(Decimal(value), target)
    return f"{number(Decimal(value) / divisor)}{unit}"


def amount(value, indicator: Indicator) -> str:
    """A value of the indicator in its own unit: "3,1 tỷ đồng", "44,1%", "14.714 thành viên"."""
    if value is None or value == "":
        return "—"
    divisor, unit = indicator_unit_of(Decimal(value), indicator)
    return f"{number(Decimal(value) / divisor)}{unit}"


def formula(target: Target) -> str:
    """The target as a short formula with its unit: "≥ 50 HTX", "6–8%", "> 50%"."""
    if target.comparator == Target.Comparator.BETWEEN:
        divisor, _unit = unit_of(target.value, target)
        return f"{number(target.value / divisor)}–{figure(target.value_high, target)}"
    return f"{SYMBOLS[target.comparator]} {figure(target.value, target)}"


def explain(target: Target, parts: dict) -> str:
    """The one line a leader reads under a status, built in the active language from the parts
    plans.evaluation stored (Progress.explanation): what was measured, from what, against what.
    "" for no parts (a row not recomputed since the parts were introduced)."""
    if not parts:
        return ""
    if parts.get("actual") is None:
        text = _("Chưa có số liệu năm %(year)s.") % {"year": parts["year"]}
    else:
        values = {"year": parts["year"], "actual": _actual(target, parts), "target": formula(target)}
        if parts.get("expected") is not None and not parts.get("closed"):
            values["expected"] = figure(parts["expected"], target)
            text = _("Năm %(year)s: thực hiện %(actual)s; mục tiêu %(target)s; theo tiến độ cần %(expected)s.") % values
        else:
            text = _("Năm %(year)s: thực hiện %(actual)s; mục tiêu %(target)s.") % values
    if parts.get("missed_years"):
        text += " " + _("Các năm không đạt: %(years)s.") % {"years": ", ".join(map(str, parts["missed_years"]))}
    return text


def _actual(target: Target, parts: dict) -> str:
    """The actual with what it is made of: the value against its base, or numerator/denominator."""
    text = figure(parts["actual"], target)
    if parts.get("base") is not None:
        indicator = target.indicator
        inputs = {"value": amount(parts.get("value"), indicator), "base": amount(parts["base"], indicator)}
        text += " (" + _("%(value)s so với %(base)s năm gốc") % inputs + ")"
    elif parts.get("denominator") and Decimal(parts["denominator"]):
        text += f" ({number(parts['numerator'])}/{number(parts['denominator'])})"
    if parts.get("band") in BANDS:
        text += f", {BANDS[parts['band']]}"
    return text
