"""A target's explanation worded from its stored parts, in the reader's language (plans.figures)."""

from decimal import Decimal as D

import pytest
from django.utils import translation

from plans.figures import explain
from plans.models import Indicator, Target

U = Indicator.Unit


def target(comparator, value, high=None, *, unit=U.COUNT, count_noun="", measure="level") -> Target:
    return Target(
        indicator=Indicator(unit=unit, count_noun=count_noun),
        comparator=comparator,
        value=D(value),
        value_high=None if high is None else D(high),
        measure=measure,
    )


SHARE = target("gt", 50, unit=U.PERCENT)
GROWTH = target("between", 6, 8, unit=U.VND, measure="growth_pct")
POINTS = target("gte", 4, unit=U.PERCENT, measure="change_pp")
MONEY = target("gte", 30_000_000_000, unit=U.VND)
EVERY_YEAR = target("gte", 50, count_noun="HTX")

CASES = {
    "share": (
        SHARE,
        {"year": 2025, "closed": True, "actual": "64.898", "numerator": "318", "denominator": "490"},
        "Năm 2025: thực hiện 64,9% (318/490); mục tiêu > 50%.",
        "2025: actual 64.9% (318/490); target > 50%.",
    ),
    "growth": (
        GROWTH,
        {
            "year": 2022,
            "closed": True,
            "actual": "7.6895",
            "value": "3086877554.0541",
            "base": "2866459707.6923",
            "band": "within",
        },
        "Năm 2022: thực hiện 7,7% (3,1 tỷ đồng so với 2,9 tỷ đồng năm gốc), trong khoảng mục tiêu; mục tiêu 6–8%.",
        "2022: actual 7.7% (3.1 billion VND against a baseline of 2.9 billion VND), within the target range;"
        " target 6–8%.",
    ),
    "points": (
        POINTS,
        {"year": 2022, "closed": True, "actual": "-2", "value": "44.1", "base": "46.1"},
        "Năm 2022: thực hiện -2 điểm % (44,1% so với 46,1% năm gốc); mục tiêu ≥ 4 điểm %.",
        "2022: actual -2 percentage points (44.1% against a baseline of 46.1%); target ≥ 4 percentage points.",
    ),
    "money on the path": (
        MONEY,
        {"year": 2024, "closed": False, "actual": "27000000000", "expected": "28500000000"},
        "Năm 2024: thực hiện 27 tỷ đồng; mục tiêu ≥ 30 tỷ đồng; theo tiến độ cần 28,5 tỷ đồng.",
        "2024: actual 27 billion VND; target ≥ 30 billion VND; on the path 28.5 billion VND needed.",
    ),
    "every year with missed years": (
        EVERY_YEAR,
        {"year": 2025, "closed": True, "actual": "1234", "missed_years": [2021, 2024]},
        "Năm 2025: thực hiện 1.234 HTX; mục tiêu ≥ 50 HTX. Các năm không đạt: 2021, 2024.",
        "2025: actual 1,234 HTX; target ≥ 50 HTX. Years missed: 2021, 2024.",
    ),
    "no data": (
        SHARE,
        {"year": 2025, "closed": False},
        "Chưa có số liệu năm 2025.",
        "No data for 2025.",
    ),
}


@pytest.mark.parametrize(("target", "parts", "vietnamese", "english"), CASES.values(), ids=CASES.keys())
def test_the_explanation_reads_in_the_active_language(target, parts, vietnamese, english):
    with translation.override("vi"):
        assert explain(target, parts) == vietnamese
    with translation.override("en"):
        assert explain(target, parts) == english


def test_the_level_on_the_path_is_left_out_once_the_period_is_closed():
    parts = {"year": 2025, "closed": True, "actual": "27000000000", "expected": "28500000000"}
    with translation.override("vi"):
        assert explain(MONEY, parts) == "Năm 2025: thực hiện 27 tỷ đồng; mục tiêu ≥ 30 tỷ đồng."


def test_a_row_without_parts_has_no_explanation_yet():
    assert explain(SHARE, {}) == ""
