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
    plans.evaluation stored (Progress.explanation): for an every-year target its years first
    ("4/6 năm đạt; không đạt 2021, 2024."), then what was measured, from what, against what, and
    why a growth could not be computed. "" for no parts (a row not recomputed since the parts
    were introduced)."""
    if not parts:
        return ""
    if "error" in parts:
        return _("Không tính được số liệu của chỉ tiêu này; quản trị viên xem lý do ở trang mục tiêu.")
    sentences = [years_summary(parts), _year_sentence(target, parts), *_not_computed(parts)]
    return " ".join(sentence for sentence in sentences if sentence)


def _year_sentence(target: Target, parts: dict) -> str:
    year = parts["year"]
    if parts.get("actual") is None:
        if year in parts.get("zero_base_years", ()) or year == parts.get("not_over_year"):
            return ""  # the reason is said instead
        return _("Chưa có số liệu năm %(year)s.") % {"year": year}
    values = {"year": year, "actual": _actual(target, parts), "target": formula(target)}
    if parts.get("expected") is not None and not parts.get("closed"):
        values["expected"] = figure(parts["expected"], target)
        return _("Năm %(year)s: thực hiện %(actual)s; mục tiêu %(target)s; theo tiến độ cần %(expected)s.") % values
    return _("Năm %(year)s: thực hiện %(actual)s; mục tiêu %(target)s.") % values


def _not_computed(parts: dict) -> list[str]:
    said = []
    if parts.get("zero_base_years"):
        years = _years(parts["zero_base_years"])
        said.append(_("Không tính được tăng trưởng năm %(years)s: giá trị gốc bằng 0.") % {"years": years})
    if parts.get("not_over_year"):
        year = parts["not_over_year"]
        said.append(_("Năm %(year)s chưa kết thúc: mức tăng được đánh giá khi hết năm.") % {"year": year})
    return said


def years_summary(parts: dict) -> str:
    """An every-year target's closed years in words: "4/6 năm đạt; không đạt 2021, 2024." once the
    term is over, "2/3 năm đã qua đạt; chưa có số liệu 2022." while it runs ("" before a year closed)."""
    judged = [mark for _year, mark in parts.get("strip", ()) if mark in CLOSED_MARKS]
    if not judged:
        return ""
    counts = {"met": judged.count(Progress.Status.ACHIEVED), "of": len(judged)}
    words = [(_("%(met)s/%(of)s năm đạt") if parts.get("closed") else _("%(met)s/%(of)s năm đã qua đạt")) % counts]
    if parts.get("missed_years"):
        words.append(_("không đạt %(years)s") % {"years": _years(parts["missed_years"])})
    if parts.get("no_data_years"):
        words.append(_("chưa có số liệu %(years)s") % {"years": _years(parts["no_data_years"])})
    return "; ".join(words) + "."


CLOSED_MARKS = (Progress.Status.ACHIEVED, Progress.Status.MISSED, Progress.Status.NO_DATA)
MARKS = {
    # Each year says where it stands by a symbol and in words, never by colour alone.
    Progress.Status.ACHIEVED: ("✓", gettext_lazy("đạt")),
    Progress.Status.MISSED: ("✗", gettext_lazy("không đạt")),
    Progress.Status.NO_DATA: ("?", gettext_lazy("chưa có số liệu")),
    "running": ("…", gettext_lazy("đang thực hiện")),
    "later": ("·", gettext_lazy("chưa đến")),
}


def year_strip(parts: dict) -> list[dict]:
    """The years of an every-year target, each with its mark, symbol and words, for the strip the
    rows and the target page show ([] for other targets)."""
    return [
        {"year": year, "mark": mark, "symbol": MARKS[mark][0], "label": MARKS[mark][1]}
        for year, mark in (parts or {}).get("strip", ())
        if mark in MARKS
    ]


def _years(years) -> str:
    return ", ".join(map(str, years))


def _actual(target: Target, parts: dict) -> str:
    """The actual with what it is made of: the value against its base, or numerator/denominator
    (an amount of money in its unit: "3,1 tỷ đồng (124 tỷ đồng/40)")."""
    text = figure(parts["actual"], target)
    indicator = target.indicator
    if parts.get("base") is not None:
        inputs = {"value": amount(parts.get("value"), indicator), "base": amount(parts["base"], indicator)}
        text += " (" + _("%(value)s so với %(base)s năm gốc") % inputs + ")"
    elif parts.get("denominator") and Decimal(parts["denominator"]):
        numerator = parts["numerator"]
        numerator = amount(numerator, indicator) if indicator.unit == Indicator.Unit.VND else number(numerator)
        text += f" ({numerator}/{number(parts['denominator'])})"
    if parts.get("band") in BANDS:
        text += f", {BANDS[parts['band']]}"
    return text


def projection(target: Target, parts: dict) -> dict:
    """A running target's projection (plans.projection) in words, in the active language: the
    projected figure with its band and whether it would meet the target, what is needed a year,
    the short flag of an overview row, and the latest final figure; {} for none stored."""
    if not parts:
        return {}
    said = {"year": parts["year"], "points": parts.get("points", 0)}
    if parts.get("last"):
        said["last"] = _("Năm %(year)s: %(figure)s") % {
            "year": parts["last"]["year"],
            "figure": figure(parts["last"]["actual"], target),
        }
    if "value" in parts:
        values = {"year": parts["year"], "figure": figure(parts["value"], target)}
        text = _("Dự báo năm %(year)s: %(figure)s") % values
        if "low" in parts and parts["low"] != parts["high"]:
            text += " " + _("(khoảng %(low)s – %(high)s)") % {
                "low": figure(parts["low"], target),
                "high": figure(parts["high"], target),
            }
        if parts.get("band") in BANDS:
            text += f", {BANDS[parts['band']]}"
        said["meets"] = parts["meets"]
        said["verdict"] = _("dự báo đạt") if parts["meets"] else _("dự báo không đạt")
        said["flag"] = _("dự báo: đạt") if parts["meets"] else _("dự báo: không đạt")
        said["headline"] = text
        said["method"] = _(
            "Xu hướng tuyến tính có trọng số (năm gần đây nặng hơn) của %(points)s năm có số liệu cuối cùng; "
            "đây là dự báo, không thay đổi tình trạng của mục tiêu."
        ) % {"points": parts["points"]}
    else:
        said["headline"] = _("Chưa đủ số liệu để dự báo: cần số liệu của ít nhất 2 năm (hiện có %(points)s).") % {
            "points": parts.get("points", 0)
        }
    if parts.get("needed"):
        needed = parts["needed"]
        if parts.get("needed_of") == "indicator":
            amount_text = amount(needed, target.indicator)
        elif target.indicator.unit == Indicator.Unit.PERCENT and target.measure == Target.Measure.LEVEL:
            amount_text = f"{number(needed)} " + _("điểm %")
        else:
            amount_text = figure(needed, target)
        words = {"amount": amount_text, "years": parts["needed_years"]}
        if parts.get("needed_fall"):
            said["needed"] = _("Để đạt: cần giảm %(amount)s/năm trong %(years)s năm còn lại.") % words
        elif target.indicator.shape == Indicator.Shape.FLOW and target.measure == Target.Measure.LEVEL:
            said["needed"] = _("Để đạt: cần %(amount)s/năm trong %(years)s năm còn lại.") % words
        else:
            said["needed"] = _("Để đạt: cần tăng %(amount)s/năm trong %(years)s năm còn lại.") % words
    return said
