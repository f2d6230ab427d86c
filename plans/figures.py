"""How figures read, on the pages and in the exports: the one place numbers, units and comparator
symbols are formatted. Numbers are grouped by the active language (1.234,5 in Vietnamese,
1,234.5 in English), with the unit a leader expects (%, điểm %, tỷ đồng, the indicator's count
noun). plans.templatetags.figures registers these as template filters.
"""

from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from plans.models import Indicator, Target

BILLION = Decimal(1_000_000_000)
MILLION = Decimal(1_000_000)
SYMBOLS = {
    Target.Comparator.AT_LEAST: "≥",
    Target.Comparator.ABOVE: ">",
    Target.Comparator.AT_MOST: "≤",
    Target.Comparator.BELOW: "<",
    Target.Comparator.ABOUT: "≈",
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


def formula(target: Target) -> str:
    """The target as a short formula with its unit: "≥ 50 HTX", "6–8%", "> 50%"."""
    if target.comparator == Target.Comparator.BETWEEN:
        divisor, _unit = unit_of(target.value, target)
        return f"{number(target.value / divisor)}–{figure(target.value_high, target)}"
    return f"{SYMBOLS[target.comparator]} {figure(target.value, target)}"
