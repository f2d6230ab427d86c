"""The status rules on plain values: no database (plans.evaluation is a pure function)."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import translation

from plans.evaluation import evaluate
from plans.figures import explain
from plans.models import Indicator, Progress, Target
from plans.rules import Measure

S = Progress.Status
FLOW, LEVEL, SHARE = Indicator.Shape.FLOW, Indicator.Shape.LEVEL, Indicator.Shape.SHARE
AFTER = datetime.date(2030, 1, 1)  # every period below is over


def target(
    comparator="gte",
    value=50,
    high=None,
    *,
    shape=FLOW,
    period="year",
    years=(2022, 2022),
    measure="level",
    deadline=None,
    baseline_year=None,
    baseline_value=None,
) -> Target:
    return Target(
        indicator=Indicator(shape=shape, unit=Indicator.Unit.PERCENT if shape == SHARE else Indicator.Unit.COUNT),
        comparator=comparator,
        value=D(value),
        value_high=None if high is None else D(high),
        period=period,
        year_from=years[0],
        year_to=years[1],
        measure=measure,
        deadline=deadline,
        baseline_year=baseline_year,
        baseline_value=None if baseline_value is None else D(baseline_value),
    )


def values(**by_year) -> dict[int, Measure]:
    return {int(year[1:]): Measure(None if v is None else D(v)) for year, v in by_year.items()}


@pytest.mark.parametrize(
    ("comparator", "value", "actual", "status"),
    [
        ("gte", 50, 50, S.ACHIEVED),
        ("gte", 50, 49, S.MISSED),
        ("gt", 95, 95, S.MISSED),
        ("gt", 95, "95.1", S.ACHIEVED),  # "trên 95%" is strict
        ("lt", 9, 9, S.MISSED),
        ("lt", 9, "8.9", S.ACHIEVED),  # "dưới 9%" is strict
        ("lte", 9, 9, S.ACHIEVED),
        ("lte", 9, "9.1", S.MISSED),
        ("about", 250, 238, S.ACHIEVED),
        ("about", 250, 237, S.MISSED),  # within 5%
    ],
)
def test_comparators_on_a_closed_year(comparator, value, actual, status):
    result = evaluate(target(comparator, value), values(y2022=actual), AFTER)
    assert result.status == status


@pytest.mark.parametrize(
    ("actual", "band", "status"),
    [(5, "below", S.MISSED), (6, "within", S.ACHIEVED), (8, "within", S.ACHIEVED), (9, "above", S.ACHIEVED)],
)
def test_a_range_says_below_within_or_above(actual, band, status):
    result = evaluate(target("between", 6, 8), values(y2022=actual), AFTER)
    assert (result.band, result.status) == (band, status)


def test_at_most_targets_are_judged_the_other_way():
    met = evaluate(target("lt", 9, shape=SHARE), values(y2022=4), AFTER)
    missed = evaluate(target("lt", 9, shape=SHARE), values(y2022=12), AFTER)
    assert (met.status, met.ratio) == (S.ACHIEVED, 1)
    assert missed.status == S.MISSED and missed.ratio == D(9) / D(12)


def test_achievement_ratio_of_an_at_least_target():
    assert evaluate(target("gte", 50), values(y2022=40), AFTER).ratio == D("0.8")


def test_growth_is_against_the_previous_year_unless_a_baseline_is_named():
    grow = target("between", 6, 8, shape=LEVEL, measure="growth_pct")
    result = evaluate(grow, values(y2021=100, y2022=107), AFTER)
    assert (result.actual, result.status, result.years[0].base) == (D(7), S.ACHIEVED, D(100))
    named = target("gte", 10, shape=LEVEL, measure="growth_pct", baseline_year=2020)
    assert evaluate(named, values(y2020=100, y2021=104, y2022=109), AFTER).actual == D(9)
    fixed = target("gte", 10, shape=LEVEL, measure="growth_pct", baseline_value=90)
    assert evaluate(fixed, values(y2022=99), AFTER).actual == D(10)


def test_plus_four_points_of_a_share():
    small = target("gte", 4, shape=SHARE, measure="change_pp")
    assert evaluate(small, values(y2021="40.5", y2022="44.5"), AFTER).status == S.ACHIEVED
    assert evaluate(small, values(y2021="40.5", y2022="44.4"), AFTER).status == S.MISSED


def test_growth_without_the_base_year_has_no_data():
    assert evaluate(target("gte", 6, shape=LEVEL, measure="growth_pct"), values(y2022=100), AFTER).status == S.NO_DATA


def test_a_term_flow_adds_up_the_years():
    loans = target("about", 250, period="term", years=(2020, 2025))
    result = evaluate(loans, values(y2020=40, y2021=40, y2022=40, y2023=40, y2024=40, y2025=42), AFTER)
    assert (result.actual, result.status) == (D(242), S.ACHIEVED)


def test_a_term_level_is_judged_on_its_last_year():
    share = target("gt", 50, shape=SHARE, period="term", years=(2020, 2025))
    result = evaluate(share, values(y2020=30, y2024=55, y2025=49), AFTER)
    assert (result.year, result.actual, result.status) == (2025, D(49), S.MISSED)


def test_every_year_gives_a_result_per_year_and_one_for_the_term():
    yearly = target("gte", 50, period="every_year", years=(2020, 2023))
    result = evaluate(yearly, values(y2020=52, y2021=47, y2022=55, y2023=50), AFTER)
    assert [(r.year, r.status) for r in result.years] == [
        (2020, S.ACHIEVED),
        (2021, S.MISSED),
        (2022, S.ACHIEVED),
        (2023, S.ACHIEVED),
    ]
    assert result.status == S.MISSED and result.explanation["missed_years"] == [2021]
    assert evaluate(yearly, values(y2020=52, y2021=50, y2022=55, y2023=50), AFTER).status == S.ACHIEVED


def test_every_year_during_the_term_is_off_track_after_a_missed_year():
    yearly = target("gte", 50, period="every_year", years=(2020, 2025))
    result = evaluate(yearly, values(y2020=52, y2021=47, y2022=30), datetime.date(2022, 7, 1))
    assert result.status == S.OFF_TRACK
    assert result.years[-1].status == S.ON_TRACK  # 30 by 1 July is ahead of 50 pro rata


@pytest.mark.parametrize(("counted", "status"), [(20, S.ON_TRACK), (13, S.AT_RISK), (5, S.OFF_TRACK), (35, S.ACHIEVED)])
def test_an_open_flow_is_judged_against_the_share_of_the_year_elapsed(counted, status):
    # 30 June 2022: about half the year, so 35 × 0.5 ≈ 17.4 expected; at risk down to a quarter of 35 behind.
    result = evaluate(target("gte", 35), values(y2022=counted), datetime.date(2022, 6, 30))
    assert result.status == status
    assert D(17) < result.expected < D(18)


def test_an_open_share_is_judged_against_the_straight_path_from_its_baseline():
    effective = target("gte", 70, shape=SHARE, period="term", years=(2021, 2025))
    today = datetime.date(2023, 6, 1)  # 2023 ratings not in: the latest year is 2022
    on_path = evaluate(effective, values(y2020=50, y2021=54, y2022=58), today)
    assert (on_path.year, on_path.expected, on_path.status) == (2022, D(58), S.ON_TRACK)
    assert evaluate(effective, values(y2020=50, y2021=53, y2022=55), today).status == S.AT_RISK
    assert evaluate(effective, values(y2020=50, y2021=50, y2022=50), today).status == S.OFF_TRACK


def test_a_falling_share_is_on_track_when_it_falls_fast_enough():
    weak = target("lt", 9, shape=SHARE, period="term", years=(2021, 2025))
    today = datetime.date(2023, 6, 1)
    assert evaluate(weak, values(y2020=19, y2021=17, y2022=15), today).status == S.ON_TRACK
    assert evaluate(weak, values(y2020=19, y2021=19, y2022=19), today).status == S.OFF_TRACK


def test_missed_starts_once_the_deadline_is_over():
    disbursed = target("gte", 60, shape=SHARE, deadline=datetime.date(2020, 9, 30), years=(2020, 2020))
    before = evaluate(disbursed, values(y2020=40), datetime.date(2020, 9, 1))
    after = evaluate(disbursed, values(y2020=40), datetime.date(2020, 10, 1))
    assert before.status in (S.AT_RISK, S.OFF_TRACK) and after.status == S.MISSED


def test_no_figures_means_no_data():
    assert evaluate(target(), {}, AFTER).status == S.NO_DATA
    assert (
        evaluate(target(shape=SHARE, period="term", years=(2024, 2026)), {}, datetime.date(2025, 5, 1)).status
        == S.NO_DATA
    )


def test_the_explanation_names_the_inputs():
    share = target("gt", 50, shape=SHARE, period="term", years=(2020, 2025))
    result = evaluate(share, {2025: Measure(D("64.9"), D(318), D(490))}, AFTER)
    assert result.explanation == {
        "year": 2025,
        "closed": True,
        "actual": "64.9",
        "numerator": "318",
        "denominator": "490",
    }
    assert (result.numerator, result.denominator) == (D(318), D(490))
    with translation.override("vi"):
        assert explain(share, result.explanation) == "Năm 2025: thực hiện 64,9% (318/490); mục tiêu > 50%."


def test_the_explanation_of_a_growth_names_its_value_and_base_and_the_band():
    grow = target("between", 6, 8, shape=LEVEL, measure="growth_pct")
    result = evaluate(grow, values(y2021=100, y2022=107), AFTER)
    assert result.explanation == {
        "year": 2022,
        "closed": True,
        "actual": "7",
        "value": "107",
        "base": "100",
        "band": "within",
    }


def test_the_explanation_of_an_open_target_gives_the_level_expected_on_the_path():
    # 30 June 2022: 35 × 181/365 of the year expected, kept at the four places the columns hold.
    result = evaluate(target("gte", 35), values(y2022=13), datetime.date(2022, 6, 30))
    assert result.explanation == {"year": 2022, "closed": False, "actual": "13", "expected": "17.3562"}
    with translation.override("vi"):
        assert explain(target("gte", 35), result.explanation) == (
            "Năm 2022: thực hiện 13; mục tiêu ≥ 35; theo tiến độ cần 17,4."
        )


def test_the_explanation_of_an_every_year_target_lists_the_years_missed():
    yearly = target("gte", 50, period="every_year", years=(2020, 2023))
    result = evaluate(yearly, values(y2020=52, y2021=47, y2022=45, y2023=50), AFTER)
    assert result.explanation == {"year": 2023, "closed": True, "actual": "50", "missed_years": [2021, 2022]}
    with translation.override("vi"):
        assert (
            explain(yearly, result.explanation)
            == "Năm 2023: thực hiện 50; mục tiêu ≥ 50. Các năm không đạt: 2021, 2022."
        )


def test_without_figures_the_explanation_says_which_year_has_no_data():
    result = evaluate(target(), {}, AFTER)
    assert result.explanation == {"year": 2022, "closed": True}
    with translation.override("vi"):
        assert explain(target(), result.explanation) == "Chưa có số liệu năm 2022."
