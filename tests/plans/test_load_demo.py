"""`load_demo` holds what the source documents say (tests/conftest.py has run it once)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from cooperatives.models import AdminUnit, Organisation, Rating, SupportAction, YearlyFigures
from plans.models import EnteredValue, Indicator, Plan, Target, Task

pytestmark = pytest.mark.django_db


def target(wording_part) -> Target:
    return Target.objects.select_related("indicator", "plan").get(wording__contains=wording_part)


def test_every_source_plan_is_loaded_on_its_old_province():
    plans = {(p.area.structure, p.area.code, p.first_year, p.last_year) for p in Plan.objects.select_related("area")}
    assert plans == {
        ("63", "01", 2020, 2020),  # Hà Nội, NTM criterion 13
        ("63", "93", 2021, 2025),  # Hậu Giang 28/KH-UBND
        ("63", "934", 2016, 2020),  # the district's NQ 05-NQ/HU
        ("63", "24", 2020, 2025),  # Bắc Giang alliance congress
        ("63", "24", 2020, 2020),  # Bắc Giang NTM 2020
        ("63", "17", 2022, 2022),  # Hòa Bình 2022
    }
    assert Target.objects.count() == 2 + 3 + 14 + 15 + 10


def test_above_95_percent_is_strict():
    above = target("Trên 95%")
    assert (above.comparator, above.value, above.period) == (Target.Comparator.ABOVE, Decimal(95), "year")
    assert above.indicator.shape == Indicator.Shape.SHARE
    assert above.denominator == Target.Denominator.COMMUNES


def test_weak_below_9_percent_is_strict_over_rated_htx_by_end_of_term():
    weak = target("yếu dưới 9%")
    assert (weak.comparator, weak.value) == (Target.Comparator.BELOW, Decimal(9))
    assert (weak.period, weak.year_from, weak.year_to) == (Target.Period.TERM, 2020, 2025)
    assert weak.denominator == Target.Denominator.RATED_HTX
    assert weak.indicator.rule_params == {"levels": ["weak"]}


@pytest.mark.parametrize(
    ("wording", "low", "high", "measure", "period"),
    [
        ("tăng từ 6–8%", 6, 8, Target.Measure.GROWTH_PCT, Target.Period.YEAR),
        ("từ 15–20 HTX điển hình", 15, 20, Target.Measure.LEVEL, Target.Period.YEAR),
        ("từ 50–80 HTX tham gia hội chợ", 50, 80, Target.Measure.LEVEL, Target.Period.EVERY_YEAR),
        ("tăng từ 8–10%", 8, 10, Target.Measure.GROWTH_PCT, Target.Period.EVERY_YEAR),
    ],
)
def test_ranges_keep_both_bounds(wording, low, high, measure, period):
    ranged = target(wording)
    assert ranged.comparator == Target.Comparator.BETWEEN
    assert (ranged.value, ranged.value_high) == (Decimal(low), Decimal(high))
    assert (ranged.measure, ranged.period) == (measure, period)


def test_growth_of_6_percent_is_against_the_previous_year():
    income = target("tăng bình quân 6%")
    assert (income.measure, income.comparator, income.value) == (Target.Measure.GROWTH_PCT, "gte", Decimal(6))
    assert income.baseline_year is None  # None means the previous year


def test_plus_4_percent_of_a_share_is_four_percentage_points():
    small = target("tăng thêm 4%")
    assert (small.measure, small.value, small.year_from) == (Target.Measure.CHANGE_PP, Decimal(4), 2022)
    assert small.indicator.unit == Indicator.Unit.PERCENT


def test_deadline_inside_the_year():
    disbursed = target("đến hết 30/9/2020")
    assert disbursed.deadline == datetime.date(2020, 9, 30)
    assert (disbursed.period, disbursed.year_from, disbursed.comparator) == ("year", 2020, "gte")


def test_every_year_covers_the_whole_term():
    new_htx = target("Hàng năm thành lập mới ít nhất 50 HTX")
    assert (new_htx.period, new_htx.year_from, new_htx.year_to) == (Target.Period.EVERY_YEAR, 2020, 2025)
    assert (new_htx.comparator, new_htx.value, new_htx.indicator.rule) == ("gte", Decimal(50), "founded")


def test_30_billion_dong_is_a_money_level():
    fund = target("30 tỷ đồng")
    assert fund.value == Decimal(30_000_000_000)
    assert (fund.indicator.unit, fund.indicator.shape) == (Indicator.Unit.VND, Indicator.Shape.LEVEL)
    assert fund.indicator.method == Indicator.Method.MANUAL


def test_about_250_loan_projects_over_the_term():
    loans = target("khoảng 250 dự án")
    assert (loans.comparator, loans.period, loans.value) == (Target.Comparator.ABOUT, Target.Period.TERM, 250)


def test_hau_giang_plan_holds_tasks_without_numbers():
    plan = Plan.objects.get(document_number="28/KH-UBND")
    assert not plan.targets.exists()
    titles = set(plan.tasks.values_list("title", flat=True))
    assert len(titles) == 4
    assert any("chuỗi giá trị" in t for t in titles) and any("công nghệ cao" in t for t in titles)
    assert any("Liên hiệp" in t for t in titles) and any("nhân rộng" in t for t in titles)
    assert set(plan.tasks.values_list("status", flat=True)) <= set(Task.Status.values)


def test_a_second_run_changes_nothing(capsys, settings):
    settings.DEBUG = True
    models = [Plan, Target, Task, Indicator, EnteredValue, Organisation, YearlyFigures, Rating, SupportAction, User]
    before = {model: model.objects.count() for model in models}
    history_before = Target.history.count() + Organisation.history.count()
    call_command("load_demo")
    out = capsys.readouterr().out
    assert {model: model.objects.count() for model in models} == before
    assert Target.history.count() + Organisation.history.count() == history_before
    changes = re.findall(r"(\d+) [^,\d\n]*(?:created|updated)", out)
    assert len(changes) > 10 and set(changes) == {"0"}, out


def test_registry_is_in_real_communes_on_both_sides_of_the_merger():
    bac_giang = AdminUnit.objects.get(structure="63", level="province", code="24")
    in_bac_giang = Organisation.objects.in_area(bac_giang)
    assert in_bac_giang.count() > 300
    assert in_bac_giang.filter(commune__structure="63", founded_on__lt="2025-07-01").exists()
    after = in_bac_giang.filter(founded_on__gte="2025-07-01")
    assert after.exists() and not after.exclude(commune__structure="34").exists()
    assert not Organisation.objects.filter(commune__isnull=True).exists()
    assert set(in_bac_giang.values_list("province__code", "province__structure").distinct()) == {("24", "34")}


def test_yearly_figures_and_ratings_run_from_2019_to_2025():
    years = set(YearlyFigures.objects.values_list("year", flat=True))
    assert years == set(range(2019, 2026))
    assert set(Rating.objects.values_list("year", flat=True)) == set(range(2019, 2026))
    assert Rating.objects.filter(level=Rating.Level.UNRATED).exists()


def test_the_district_results_are_in_the_registry():
    district = AdminUnit.objects.get(structure="63", level="district", code="934")
    founded = Organisation.objects.in_area(district).cooperatives().filter(founded_on__year__range=(2016, 2020))
    assert founded.count() == 15
    agri = founded.filter(sector=Organisation.Sector.AGRICULTURE)
    assert agri.count() == 10
    levels = sorted(Rating.objects.filter(organisation__in=agri, year=2019).values_list("level", flat=True))
    assert levels == sorted(["fair"] * 2 + ["average"] + ["weak"] * 2 + ["unrated"] * 5)


def test_every_target_has_something_to_measure():
    for tgt in Target.objects.select_related("indicator", "area"):
        indicator, years = tgt.indicator, (tgt.year_from, tgt.year_to)
        if indicator.method == Indicator.Method.MANUAL:
            entered = EnteredValue.objects.filter(indicator=indicator, area__in=AdminUnit.objects.containing(tgt.area))
            entered |= EnteredValue.objects.filter(indicator=indicator, area__in=AdminUnit.objects.inside(tgt.area))
            assert entered.filter(as_of__year__range=years).exists(), tgt.wording
        elif indicator.rule == Indicator.Rule.SUPPORT_ACTIONS:
            actions = SupportAction.objects.filter(
                kind=indicator.rule_params["action"], organisation__in=Organisation.objects.in_area(tgt.area)
            )
            assert actions.filter(occurred_on__year__range=years).exists(), tgt.wording
        else:
            assert Organisation.objects.in_area(tgt.area).filter(founded_on__year__lte=tgt.year_to).exists()


def test_demo_accounts_cover_the_three_roles():
    roles = {
        (u.role, u.province.code if u.province else None)
        for u in User.objects.filter(username__in=["admin", "canbo.bacninh", "lanhdao", "lanhdao.bacninh"])
    }
    assert roles == {("admin", None), ("staff", "24"), ("leader", None), ("leader", "24")}
    assert User.objects.get(username="canbo.bacninh").check_password("coop-staff-2026")


def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    before = User.objects.count()
    with pytest.raises(CommandError, match="chỉ chạy khi DEBUG bật"):
        call_command("load_demo")
    assert User.objects.count() == before
