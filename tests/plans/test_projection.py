"""Where a running target is heading, on hand-made series: no database (plans.projection is pure)."""

import datetime
import statistics
from decimal import Decimal as D

from plans.evaluation import evaluate
from plans.projection import project, trend, weights
from tests.plans.test_evaluation import LEVEL, SHARE, target, values

MID_2026 = datetime.date(2026, 6, 1)


def test_a_straight_series_is_carried_on_exactly_and_says_what_is_needed():
    share = target("gte", 60, shape=SHARE, period="term", years=(2024, 2028))
    parts = project(share, values(y2023=44, y2024=46, y2025=48), MID_2026)
    # +2 points a year from 48 in 2025 reaches 54 in 2028: short of 60.
    assert D(parts["value"]) == 54 and parts["meets"] is False
    assert parts["points"] == 3 and parts["year"] == 2028
    # A straight line has no scatter: the band is the projection itself.
    assert D(parts["low"]) == D(parts["high"]) == 54
    # 12 points missing over 2026, 2027 and 2028.
    assert (D(parts["needed"]), parts["needed_years"], parts["needed_fall"]) == (4, 3, False)


def test_an_accelerating_series_weighs_its_recent_years_more():
    points = [(2021, 10), (2022, 11), (2023, 13), (2024, 16), (2025, 20)]
    line = trend(points)
    plain = statistics.linear_regression([x for x, _ in points], [y for _, y in points])
    assert line.slope > plain.slope  # recent, steeper years count more than in a plain fit
    # The weighted least-squares normal equations hold at the line found.
    w = weights([x for x, _ in points])
    residuals = [y - float(line.at(x)) for x, y in points]
    assert abs(sum(wi * r for wi, r in zip(w, residuals, strict=True))) < 1e-3
    assert abs(sum(wi * (x - 2025) * r for wi, (x, _), r in zip(w, points, residuals, strict=True))) < 1e-3
    assert w == sorted(w) and w[-1] == 1  # the latest year weighs most

    level = target("gte", 30, shape=LEVEL, period="term", years=(2022, 2027))
    parts = project(level, values(**{f"y{x}": y for x, y in points}), MID_2026)
    assert D(parts["value"]) == line.at(2027)
    assert D(parts["low"]) < D(parts["value"]) < D(parts["high"])  # scatter about the line: a band


def test_fewer_than_two_points_give_no_projection_but_the_last_figure():
    share = target("gte", 75, shape=SHARE, period="year", years=(2026, 2026))
    parts = project(share, values(y2025="70.5"), MID_2026)
    assert "value" not in parts and parts["points"] == 1
    assert parts["last"] == {"year": 2025, "actual": "70.5"}
    assert project(share, values(), MID_2026) == {"year": 2026, "points": 0}


def test_a_term_count_adds_the_trend_of_its_years_to_what_is_done():
    founded = target("gte", 300, period="term", years=(2021, 2025))
    parts = project(founded, values(y2021=50, y2022=60, y2023=70, y2024=5), datetime.date(2024, 6, 1))
    # 180 done by 2023; the trend gives 80 in 2024 and 90 in 2025 (the running year's 5 is partial).
    assert D(parts["value"]) == 350 and parts["meets"] is True
    assert (D(parts["needed"]), parts["needed_years"]) == (60, 2)  # cần 60 HTX/năm trong 2 năm còn lại
    assert "last" not in parts  # a running total has no "last year's figure"


def test_a_ceiling_needs_a_fall():
    weak = target("lte", 9, shape=SHARE, period="term", years=(2024, 2027))
    parts = project(weak, values(y2023=15, y2024=13, y2025=11), MID_2026)
    assert D(parts["value"]) == 7 and parts["meets"] is True
    assert (D(parts["needed"]), parts["needed_years"], parts["needed_fall"]) == (1, 2, True)


def test_a_range_says_where_the_projection_falls_in_it():
    ranged = target("between", 6, 8, shape=SHARE, period="term", years=(2025, 2027))
    assert project(ranged, values(y2024=2, y2025=4), MID_2026)["band"] == "within"  # 8 in 2027: at the top
    assert project(ranged, values(y2024=2, y2025=5), MID_2026)["band"] == "above"
    assert project(ranged, values(y2024=2, y2025="2.5"), MID_2026)["band"] == "below"


def test_points_of_change_are_projected_from_the_indicator_against_its_base():
    plus = target("gte", 10, shape=SHARE, measure="change_pp", period="term", years=(2025, 2027), baseline_year=2024)
    parts = project(plus, values(y2024=40, y2025=43), MID_2026)
    # 3 points a year from 40: 49 in 2027, +9 against 2024; reaching 50 needs 3.5 a year from 43.
    assert D(parts["value"]) == 9 and parts["meets"] is False
    assert (D(parts["needed"]), parts["needed_years"], parts["needed_of"]) == (D("3.5"), 2, "indicator")


def test_a_closed_period_has_no_projection_and_the_status_is_the_rules():
    share = target("gte", 60, shape=SHARE, period="term", years=(2020, 2025))
    measures = values(y2019=40, y2020=45, y2021=50, y2022=55)
    assert project(share, measures, datetime.date(2026, 1, 1)) == {}
    running = datetime.date(2023, 6, 1)
    assert project(share, measures, running)["meets"] is True  # 70 in 2025 on the trend
    assert evaluate(share, measures, running).status == "on_track"  # what the rules say, unchanged
