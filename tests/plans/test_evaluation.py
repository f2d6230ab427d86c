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


def test_every_year_is_missed_as_soon_as_a_closed_year_is_missed():
    # Mid-term: "at least 50 every year" can no longer be met once 2021 gave 47.
    yearly = target("gte", 50, period="every_year", years=(2020, 2025))
    result = evaluate(yearly, values(y2020=52, y2021=47, y2022=30), datetime.date(2022, 7, 1))
    assert result.status == S.MISSED
    assert result.years[-1].status == S.ON_TRACK  # 30 by 1 July is ahead of 50 pro rata
    assert result.explanation["missed_years"] == [2021]


@pytest.mark.parametrize(("counted", "status"), [(20, S.ON_TRACK), (13, S.AT_RISK), (5, S.OFF_TRACK), (35, S.ACHIEVED)])
def test_an_open_flow_is_judged_against_the_share_of_the_year_elapsed(counted, status):
    # 30 June 2022: about half the year gone, so 35 × 180/365 ≈ 17.3 expected; at risk down to a quarter of 35 behind.
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
    # 30 June 2022: 35 × 180/365 expected (the days before the day judged), kept at the four places the
    # columns hold.
    result = evaluate(target("gte", 35), values(y2022=13), datetime.date(2022, 6, 30))
    assert result.explanation == {"year": 2022, "closed": False, "actual": "13", "expected": "17.2603"}
    with translation.override("vi"):
        assert explain(target("gte", 35), result.explanation) == (
            "Năm 2022: thực hiện 13; mục tiêu ≥ 35; theo tiến độ cần 17,3."
        )


def test_the_explanation_of_an_every_year_target_lists_the_years_missed():
    yearly = target("gte", 50, period="every_year", years=(2020, 2023))
    result = evaluate(yearly, values(y2020=52, y2021=47, y2022=45, y2023=50), AFTER)
    assert result.explanation == {
        "year": 2023,
        "closed": True,
        "actual": "50",
        "strip": [[2020, "achieved"], [2021, "missed"], [2022, "missed"], [2023, "achieved"]],
        "missed_years": [2021, 2022],
    }
    with translation.override("vi"):
        assert (
            explain(yearly, result.explanation)
            == "2/4 năm đạt; không đạt 2021, 2022. Năm 2023: thực hiện 50; mục tiêu ≥ 50."
        )


def test_without_figures_the_explanation_says_which_year_has_no_data():
    result = evaluate(target(), {}, AFTER)
    assert result.explanation == {"year": 2022, "closed": True}
    with translation.override("vi"):
        assert explain(target(), result.explanation) == "Chưa có số liệu năm 2022."


# Statuses that never overstate (issue 11) -------------------------------------------------

JUNE_30_2022 = datetime.date(2022, 6, 30)
NEW_HTX = dict(y2020=52, y2021=47, y2022=55, y2023=51, y2024=44, y2025=50)  # the demo's Bắc Giang


def every_year(comparator="gte", value=50, high=None, **fields) -> Target:
    return target(comparator, value, high, period="every_year", years=(2020, 2025), **fields)


def test_every_year_is_at_best_on_track_while_the_term_runs():
    # Mid-term, every year so far met and the running year already at 50: still only on track.
    result = evaluate(every_year(), values(y2020=52, y2021=55, y2022=50), JUNE_30_2022)
    assert result.status == S.ON_TRACK
    assert [r.status for r in result.years] == [S.ACHIEVED, S.ACHIEVED, S.ACHIEVED]
    assert result.explanation["strip"] == [
        [2020, "achieved"],
        [2021, "achieved"],
        [2022, "running"],
        [2023, "later"],
        [2024, "later"],
        [2025, "later"],
    ]
    assert result.ratio == 1  # both closed years met


def test_every_year_is_achieved_once_the_term_is_over_with_every_year_met():
    met = dict(NEW_HTX, y2021=50, y2024=50)
    assert evaluate(every_year(), values(**met), datetime.date(2025, 12, 31)).status == S.ON_TRACK
    assert evaluate(every_year(), values(**met), datetime.date(2026, 1, 1)).status == S.ACHIEVED


def test_every_year_on_1_january_is_not_at_risk_because_nothing_is_counted_yet():
    new_year = datetime.date(2023, 1, 1)
    counted = evaluate(every_year(), values(y2020=52, y2021=55, y2022=60, y2023=0), new_year)
    assert (counted.status, counted.years[-1].status) == (S.ON_TRACK, S.ON_TRACK)
    entered_by_hand = evaluate(every_year(), values(y2020=52, y2021=55, y2022=60), new_year)  # nothing yet
    assert (entered_by_hand.status, entered_by_hand.years[-1].status) == (S.ON_TRACK, S.NO_DATA)
    # ...but the year just closed is judged on 1 January.
    assert evaluate(every_year(), values(y2020=52, y2021=55, y2022=49, y2023=0), new_year).status == S.MISSED


def test_every_year_follows_the_running_year_on_its_path():
    # 30 June: about 25 expected of 50; 5 is far behind, 20 a little.
    assert evaluate(every_year(), values(y2020=52, y2021=55, y2022=5), JUNE_30_2022).status == S.OFF_TRACK
    assert evaluate(every_year(), values(y2020=52, y2021=55, y2022=20), JUNE_30_2022).status == S.AT_RISK


def test_every_year_with_a_closed_year_without_data_cannot_be_on_track_or_achieved():
    mid_term = evaluate(every_year(), values(y2020=52, y2022=30), JUNE_30_2022)
    assert mid_term.status == S.NO_DATA and mid_term.explanation["no_data_years"] == [2021]
    after = evaluate(every_year(), values(**dict(NEW_HTX, y2021=None, y2024=50)), AFTER)
    assert after.status == S.NO_DATA
    with translation.override("vi"):
        assert explain(every_year(), mid_term.explanation).startswith("1/2 năm đã qua đạt; chưa có số liệu 2021. ")
        assert explain(every_year(), after.explanation).startswith("5/6 năm đạt; chưa có số liệu 2021. ")
    with translation.override("en"):
        assert explain(every_year(), after.explanation).startswith("5/6 years met; no data for 2021. ")


def test_every_year_says_how_many_years_were_met_and_which_were_not():
    result = evaluate(every_year(), values(**NEW_HTX), AFTER)
    assert result.status == S.MISSED
    assert result.ratio == D(4) / D(6)  # not the last year's 100%
    assert [mark for _year, mark in result.explanation["strip"]] == ["achieved", "missed"] + ["achieved"] * 2 + [
        "missed",
        "achieved",
    ]
    with translation.override("vi"):
        assert explain(every_year(), result.explanation) == (
            "4/6 năm đạt; không đạt 2021, 2024. Năm 2025: thực hiện 50; mục tiêu ≥ 50."
        )
    with translation.override("en"):
        assert explain(every_year(), result.explanation) == (
            "4/6 years met; missed 2021, 2024. 2025: actual 50; target ≥ 50."
        )


def test_past_years_of_a_running_term_are_judged_against_the_path_and_never_missed():
    # "About 250 loans in the term", 2020–2025, on 30 June 2025: each year's running total against
    # 250 × the share of the term gone by at that year's end.
    loans = target("about", 250, period="term", years=(2020, 2025))
    on_pace = evaluate(loans, values(y2020=42, y2021=42, y2022=42, y2023=42, y2024=42), datetime.date(2025, 6, 30))
    assert [round(r.expected, 4) for r in on_pace.years[:5]] == [round(D(250) * n / 6, 4) for n in range(1, 6)]
    assert [r.status for r in on_pace.years[:5]] == [S.ON_TRACK] * 5
    slow = evaluate(loans, values(y2020=20, y2021=20, y2022=20, y2023=20, y2024=20), datetime.date(2025, 6, 30))
    assert [r.status for r in slow.years[:5]] == [S.AT_RISK, S.AT_RISK, S.OFF_TRACK, S.OFF_TRACK, S.OFF_TRACK]
    closed = evaluate(loans, values(y2020=20, y2021=20, y2022=20, y2023=20, y2024=20, y2025=20), AFTER)
    assert closed.status == S.MISSED
    assert [r.status for r in closed.years] == [S.AT_RISK, S.AT_RISK] + [S.OFF_TRACK] * 3 + [S.MISSED]
    assert closed.expected is None and closed.years[-1].expected == 250


def test_past_years_of_a_term_share_are_held_against_the_path_by_their_own_end():
    effective = target("gte", 70, shape=SHARE, period="term", years=(2021, 2025))
    result = evaluate(effective, values(y2020=50, y2021=54, y2022=55, y2023=60), datetime.date(2024, 6, 1))
    assert [(r.year, r.expected, r.status) for r in result.years] == [
        (2021, D(54), S.ON_TRACK),
        (2022, D(58), S.AT_RISK),
        (2023, D(62), S.AT_RISK),
        (2024, D(66), S.NO_DATA),  # 2024 ratings are not in yet
    ]
    assert (result.year, result.status) == (2023, S.AT_RISK)


def test_growth_of_a_running_year_is_not_judged_until_the_year_ends():
    # New THT +8–10% every year: in June the year's count is a part of a year, not comparable
    # with the whole previous one (25 THT in 2021, 10 so far in 2022 is not −60%).
    tht = every_year("between", 8, 10, measure="growth_pct")
    result = evaluate(tht, values(y2019=20, y2020=22, y2021=24, y2022=10), JUNE_30_2022)
    assert result.status == S.ON_TRACK
    running = result.years[-1]
    assert (running.actual, running.status, running.not_over) == (None, S.NO_DATA, True)
    assert result.explanation["not_over_year"] == 2022 and result.year == 2021
    with translation.override("vi"):
        assert explain(tht, result.explanation).endswith("Năm 2022 chưa kết thúc: mức tăng được đánh giá khi hết năm.")
    # On 1 January the year is over and judged.
    over = evaluate(tht, values(y2019=20, y2020=22, y2021=24, y2022=10), datetime.date(2023, 1, 1))
    judged = next(r for r in over.years if r.year == 2022)
    assert (over.status, round(judged.actual, 2), judged.status) == (S.MISSED, D("-58.33"), S.MISSED)


def test_a_one_year_growth_in_its_year_has_no_status_yet_and_says_why():
    revenue = target("between", 6, 8, shape=LEVEL, measure="growth_pct")
    result = evaluate(revenue, values(y2021=100, y2022=40), JUNE_30_2022)
    assert (result.status, result.actual, result.ratio) == (S.NO_DATA, None, None)
    with translation.override("en"):
        assert explain(revenue, result.explanation) == "2022 is not over: the change is judged when the year ends."


def test_a_zero_base_says_growth_cannot_be_computed():
    grow = target("gte", 10, measure="growth_pct")
    result = evaluate(grow, values(y2021=0, y2022=5), AFTER)
    assert (result.status, result.actual) == (S.NO_DATA, None)
    assert result.explanation["zero_base_years"] == [2022]
    with translation.override("vi"):
        assert explain(grow, result.explanation) == "Không tính được tăng trưởng năm 2022: giá trị gốc bằng 0."
    with translation.override("en"):
        assert explain(grow, result.explanation) == "Growth cannot be computed for 2022: the baseline is 0."
    # A point change from 0 is a plain difference.
    assert evaluate(target("gte", 4, shape=SHARE, measure="change_pp"), values(y2021=0, y2022=5), AFTER).actual == 5


def test_a_share_with_a_deadline_follows_the_path_to_the_deadline():
    # "At least 60% by 30/9/2020": on 30 June, 181 of the 274 days to the deadline are over (those
    # before the day judged), so about 39.6% is expected (from 0: nothing of the year's plan is
    # disbursed on 1 January).
    disbursed = target("gte", 60, shape=SHARE, deadline=datetime.date(2020, 9, 30), years=(2020, 2020))
    june = datetime.date(2020, 6, 30)
    on_path = evaluate(disbursed, values(y2020=40), june)
    assert (on_path.status, on_path.expected) == (S.ON_TRACK, D(60) * 181 / 274)
    assert evaluate(disbursed, values(y2020=30), june).status == S.AT_RISK
    assert evaluate(disbursed, values(y2020=20), june).status == S.OFF_TRACK
    assert evaluate(disbursed, values(y2020=40), datetime.date(2020, 10, 1)).status == S.MISSED
    # From the figure of the year before where there is one.
    assert evaluate(disbursed, values(y2019=30, y2020=40), june).expected == 30 + D(30) * 181 / 274


def test_a_share_without_a_deadline_is_held_against_its_target_at_the_year_s_end():
    effective = target("gte", 70, shape=SHARE)
    assert evaluate(effective, values(y2021=60, y2022=66), JUNE_30_2022).expected == 70


def test_a_count_with_a_deadline_is_expected_pro_rata_up_to_the_deadline():
    works = target("gte", 298, deadline=datetime.date(2020, 9, 30), years=(2020, 2020))
    result = evaluate(works, values(y2020=150), datetime.date(2020, 6, 30))
    assert result.expected == D(298) * 181 / 274 and result.status == S.AT_RISK


@pytest.mark.parametrize(
    ("actual", "band", "ratio"), [(45, "below", D("0.9")), (50, "within", 1), (66, "within", 1), (90, "above", 1)]
)
def test_a_range_says_where_the_figure_sits_not_a_ratio_to_its_low_end(actual, band, ratio):
    fairs = target("between", 50, 80)
    result = evaluate(fairs, values(y2022=actual), AFTER)
    assert (result.band, result.ratio) == (band, ratio)  # 66 within 50–80 is not 132%
    assert result.explanation["band"] == band


def test_an_every_year_range_shows_each_year_s_band():
    fairs = every_year("between", 50, 80)
    result = evaluate(fairs, values(y2020=45, y2021=66, y2022=90, y2023=60, y2024=70, y2025=66), AFTER)
    assert [r.band for r in result.years] == ["below", "within", "above", "within", "within", "within"]
    assert (result.status, result.ratio, result.explanation["missed_years"]) == (S.MISSED, D(5) / D(6), [2020])


def test_on_1_january_no_count_is_expected_of_the_new_year_whatever_its_size():
    trainings = target("gte", 500, years=(2023, 2023))
    result = evaluate(trainings, values(y2023=0), datetime.date(2023, 1, 1))
    assert (result.status, result.expected) == (S.ON_TRACK, 0)
    assert evaluate(trainings, values(y2023=0), datetime.date(2023, 1, 3)).status == S.AT_RISK  # 2 days, 2.7 due
