"""A target's explanation worded from its stored parts, in the reader's language (plans.figures)."""

from decimal import Decimal as D

import pytest
from django.utils import translation

from plans.figures import explain, year_strip
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
        {
            "year": 2025,
            "closed": True,
            "actual": "1234",
            "strip": [[2020, "achieved"], [2021, "missed"], [2022, "achieved"], [2023, "achieved"]]
            + [[2024, "missed"], [2025, "achieved"]],
            "missed_years": [2021, 2024],
        },
        "4/6 năm đạt; không đạt 2021, 2024. Năm 2025: thực hiện 1.234 HTX; mục tiêu ≥ 50 HTX.",
        "4/6 years met; missed 2021, 2024. 2025: actual 1,234 HTX; target ≥ 50 HTX.",
    ),
    "an average of money with its inputs in tỷ đồng": (
        target("gte", 3_000_000_000, unit=U.VND),
        {"year": 2022, "closed": True, "actual": "3100000000", "numerator": "124000000000", "denominator": "40"},
        "Năm 2022: thực hiện 3,1 tỷ đồng (124 tỷ đồng/40); mục tiêu ≥ 3 tỷ đồng.",
        "2022: actual 3.1 billion VND (124 billion VND/40); target ≥ 3 billion VND.",
    ),
    "a range with its band": (
        target("between", 50, 80, count_noun="HTX"),
        {"year": 2025, "closed": True, "actual": "66", "band": "within"},
        "Năm 2025: thực hiện 66 HTX, trong khoảng mục tiêu; mục tiêu 50–80 HTX.",
        "2025: actual 66 HTX, within the target range; target 50–80 HTX.",
    ),
    "every year while the term runs": (
        EVERY_YEAR,
        {
            "year": 2022,
            "closed": False,
            "actual": "20",
            "expected": "24.9315",
            "strip": [[2020, "achieved"], [2021, "no_data"], [2022, "running"], [2023, "later"]],
            "no_data_years": [2021],
        },
        "1/2 năm đã qua đạt; chưa có số liệu 2021. Năm 2022: thực hiện 20 HTX; mục tiêu ≥ 50 HTX; theo tiến độ cần"
        " 24,9 HTX.",
        "1/2 past years met; no data for 2021. 2022: actual 20 HTX; target ≥ 50 HTX; on the path 24.9 HTX needed.",
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


def test_the_strip_gives_each_year_a_symbol_and_words_not_only_a_colour():
    parts = {"strip": [[2020, "achieved"], [2021, "missed"], [2022, "no_data"], [2023, "running"], [2024, "later"]]}
    with translation.override("vi"):
        strip = [(m["year"], m["symbol"], str(m["label"])) for m in year_strip(parts)]
    assert strip == [
        (2020, "✓", "đạt"),
        (2021, "✗", "không đạt"),
        (2022, "?", "chưa có số liệu"),
        (2023, "…", "đang thực hiện"),
        (2024, "·", "chưa đến"),
    ]
    with translation.override("en"):
        assert [str(m["label"]) for m in year_strip(parts)] == ["met", "missed", "no data", "under way", "to come"]
    assert year_strip({"year": 2025}) == [] and year_strip({}) == []
