"""How figures read on the pages: grouped by the active language (1.234,5 in Vietnamese),
with the unit a leader expects (%, điểm %, tỷ đồng, the indicator's count noun)."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from plans.models import Indicator, Target

register = template.Library()

BILLION = Decimal(1_000_000_000)
MILLION = Decimal(1_000_000)
SYMBOLS = {
    Target.Comparator.AT_LEAST: "≥",
    Target.Comparator.ABOVE: ">",
    Target.Comparator.AT_MOST: "≤",
    Target.Comparator.BELOW: "<",
    Target.Comparator.ABOUT: "≈",
}


@register.filter
def number(value, digits=1):
    """A number grouped in the active language, with at most `digits` decimals."""
    if value is None or value == "":
        return "—"
    return floatformat(value, f"-{digits}g")


def _scale(value: Decimal, target: Target) -> tuple[Decimal, str]:
    """The value and its unit as printed: money in tỷ/triệu đồng, changes in % or points."""
    if target.measure == Target.Measure.GROWTH_PCT:
        return value, "%"
    if target.measure == Target.Measure.CHANGE_PP:
        return value, " " + _("điểm %")
    unit = target.indicator.unit
    if unit == Indicator.Unit.PERCENT:
        return value, "%"
    if unit == Indicator.Unit.VND:
        if abs(value) >= BILLION:
            return value / BILLION, " " + _("tỷ đồng")
        if abs(value) >= MILLION:
            return value / MILLION, " " + _("triệu đồng")
        return value, " " + _("đồng")
    if unit == Indicator.Unit.KM:
        return value, " km"
    return value, f" {target.indicator.count_noun}" if target.indicator.count_noun else ""


@register.filter
def figure(value, target: Target):
    """An actual or target value in the target's terms: "62,1%", "27 tỷ đồng", "50 HTX"."""
    if value is None or value == "":  # "": a target not recomputed yet has no progress row
        return "—"
    scaled, unit = _scale(Decimal(value), target)
    return f"{number(scaled)}{unit}"


@register.filter
def formula(target: Target):
    """The target as a short formula with its unit: "≥ 50 HTX", "6–8%", "> 50%"."""
    if target.comparator == Target.Comparator.BETWEEN:
        low, _unit = _scale(target.value, target)
        return f"{number(low)}–{figure(target.value_high, target)}"
    return f"{SYMBOLS[target.comparator]} {figure(target.value, target)}"
