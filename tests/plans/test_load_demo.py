"""`load_demo`: the source plans on their places, a registry as patchy as a real one, idempotent.

tests/conftest.py has run it once; tests/plans/test_demo.py checks what each source sentence became.
"""

import datetime
import re

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Sum

from accounts.models import User
from cooperatives.models import AdminUnit, Organisation, Rating, SupportAction, YearlyFigures
from plans.models import EnteredValue, Indicator, Plan, ReportedResult, Target, Task

pytestmark = pytest.mark.django_db
STOPPED = [Organisation.Status.SUSPENDED, Organisation.Status.DORMANT, Organisation.Status.DISSOLVING]


def old_province(code) -> AdminUnit:
    return AdminUnit.objects.get(structure="63", level="province", code=code)


def test_every_source_plan_is_loaded_on_its_old_province_or_on_no_named_place():
    plans = {(p.area and (p.area.structure, p.area.code), p.first_year, p.last_year) for p in Plan.objects.all()}
    assert plans == {
        (("63", "01"), 2020, 2020),  # Hà Nội, NTM criterion 13
        (("63", "93"), 2021, 2025),  # Hậu Giang 28/KH-UBND
        (None, 2016, 2020),  # the district's NQ 05-NQ/HU: a district the source does not name
        (("63", "24"), 2020, 2025),  # Bắc Giang alliance congress
        (("63", "24"), 2020, 2020),  # Bắc Giang NTM 2020
        (("63", "17"), 2022, 2022),  # Hòa Bình 2022
    }
    assert Target.objects.count() == 3 + 0 + 0 + 13 + 15 + 10
    assert ReportedResult.objects.count() == 6
    assert Task.objects.count() == 4 + 3 + 2


def test_a_second_run_changes_nothing(capsys, settings):
    settings.DEBUG = True
    models = [
        Plan,
        Target,
        Task,
        ReportedResult,
        Indicator,
        EnteredValue,
        Organisation,
        YearlyFigures,
        Rating,
        SupportAction,
        User,
    ]
    before = {model: model.objects.count() for model in models}
    history_before = Target.history.count() + Organisation.history.count() + ReportedResult.history.count()
    call_command("load_demo")
    out = capsys.readouterr().out
    assert {model: model.objects.count() for model in models} == before
    assert Target.history.count() + Organisation.history.count() + ReportedResult.history.count() == history_before
    changes = re.findall(r"(\d+) [^,\d\n]*(?:created|updated|deleted)", out)
    assert len(changes) > 10 and set(changes) == {"0"}, out


def test_a_database_loaded_by_an_earlier_demo_ends_up_as_a_new_one(capsys, settings):
    settings.DEBUG = True  # load_demo refuses to run with DEBUG off
    plan = Plan.objects.get(document_number="28/KH-UBND")
    reported = plan.tasks.create(title="Nhiệm vụ cũ", wording="…", status="done")
    invented = plan.tasks.get(title="Thành lập mới Liên hiệp HTX")
    Task.objects.filter(pk=invented.pk).update(status=Task.Status.DONE)  # no date: nobody reported it
    staff_set = plan.tasks.get(title="Kiểm tra, nhân rộng mô hình HTX hiệu quả")
    Task.objects.filter(pk=staff_set.pk).update(status=Task.Status.STALLED, status_updated_on=datetime.date(2026, 3, 1))
    old = Plan.objects.create(
        issuer="Huyện ủy Phụng Hiệp",
        area=AdminUnit.objects.get(structure="63", level="district", code="934"),
        title="Nghị quyết 05-NQ/HU về phát triển kinh tế tập thể giai đoạn 2016–2020 (kết quả thực hiện)",
        first_year=2016,
        last_year=2020,
    )
    call_command("load_demo")
    assert "plans: 0 created, 0 updated, 6 unchanged, 1 deleted" in capsys.readouterr().out
    assert not Plan.objects.filter(pk=old.pk).exists()
    assert not plan.tasks.filter(pk=reported.pk).exists()
    assert plan.tasks.get(pk=invented.pk).status == Task.Status.NOT_REPORTED
    assert plan.tasks.get(pk=staff_set.pk).status == Task.Status.STALLED  # staff's own word stays


def test_registry_is_in_real_communes_on_both_sides_of_the_merger():
    in_bac_giang = Organisation.objects.in_area(old_province("24"))
    assert in_bac_giang.count() > 300
    assert in_bac_giang.filter(commune__structure="63", founded_on__lt="2025-07-01").exists()
    after = in_bac_giang.filter(founded_on__gte="2025-07-01")
    assert after.exists() and not after.exclude(commune__structure="34").exists()
    assert not Organisation.objects.filter(commune__isnull=True).exists()
    assert set(in_bac_giang.values_list("province__code", "province__structure").distinct()) == {("24", "34")}


def test_yearly_figures_and_ratings_run_from_2019_to_2025():
    assert set(YearlyFigures.objects.values_list("year", flat=True)) == set(range(2019, 2026))
    assert set(Rating.objects.values_list("year", flat=True)) == set(range(2019, 2026))


def test_no_htx_of_the_district_is_placed_in_a_district_the_source_does_not_name():
    phung_hiep = AdminUnit.objects.get(structure="63", level="district", code="934")
    assert not Plan.objects.filter(area=phung_hiep).exists()
    assert not ReportedResult.objects.exclude(plan__area__isnull=True).exists()


# The gaps of a real registry ---------------------------------------------------------------


def test_some_htx_file_no_figures_for_a_year():
    # Active all through 2019–2025 outside Hà Nội (silent in 2023): seven years of figures each, but some are missing.
    steady = (
        Organisation.objects.cooperatives()
        .filter(founded_on__year__lt=2019, status=Organisation.Status.ACTIVE)
        .exclude(pk__in=Organisation.objects.in_area(old_province("01")).values("pk"))
        .annotate(years=Count("yearly_figures"))
    )
    short = steady.filter(years__lt=7).count()
    assert 0.1 < short / steady.count() < 0.5


def test_a_few_htx_are_suspended_dormant_or_dissolving_since_a_date_and_then_file_nothing():
    stopped = Organisation.objects.filter(status__in=STOPPED)
    assert set(stopped.values_list("status", flat=True)) == set(STOPPED)
    assert 5 <= stopped.count() <= 60
    for org in stopped:
        assert org.status_since is not None and org.dissolved_on is None and org.status_since > org.founded_on
        assert not org.yearly_figures.filter(year__gte=org.status_since.year).exists()
        unrated = org.ratings.filter(year__gte=org.status_since.year)
        assert set(unrated.values_list("level", "unrated_reason")) <= {("unrated", "stopped")}
        assert not org.support_actions.filter(occurred_on__gte=org.status_since).exists()


def test_unrated_htx_say_why():
    unrated = Rating.objects.filter(level=Rating.Level.UNRATED)
    reasons = set(unrated.values_list("unrated_reason", flat=True))
    assert reasons == {Rating.UnratedReason.NEW, Rating.UnratedReason.STOPPED}
    for rating in unrated.filter(unrated_reason=Rating.UnratedReason.NEW).select_related("organisation")[:50]:
        assert rating.organisation.founded_on.year == rating.year  # under 12 months of operation
    assert not Rating.objects.exclude(level=Rating.Level.UNRATED).exclude(unrated_reason="").exists()


def test_some_support_actions_name_a_place_and_no_organisation():
    events = SupportAction.objects.filter(organisation__isnull=True)
    assert set(events.values_list("kind", flat=True)) == {"trade_fair", "trade_promotion", "manager_training"}
    for event in events.select_related("area"):
        assert event.area == old_province(event.area.code) and event.count > 1 and event.description


def test_some_htx_have_more_than_one_turn_of_trade_fairs_in_a_year():
    turns = SupportAction.objects.filter(kind="trade_fair", organisation__isnull=False, occurred_on__year=2023)
    assert turns.count() > turns.values("organisation").distinct().count()


def test_ha_noi_filed_nothing_at_all_for_2023():
    ha_noi = Organisation.objects.in_area(old_province("01"))
    for model in (YearlyFigures, Rating):
        assert not model.objects.filter(organisation__in=ha_noi, year=2023).exists()
        assert model.objects.filter(organisation__in=ha_noi, year=2022).exists()


def test_one_entered_value_is_missing():
    sports = Target.objects.get(wording="43 công trình thể thao")
    assert not EnteredValue.objects.filter(indicator=sports.indicator).exists()


def test_bac_giang_agricultural_htx_report_their_key_officers_and_how_many_were_trained():
    figures = YearlyFigures.objects.filter(
        organisation__in=Organisation.objects.in_area(old_province("24")).cooperatives(),
        organisation__sector="agriculture",
    )
    assert not figures.filter(key_officers__isnull=True).exists()
    assert not figures.filter(year=2019, key_officers_trained__isnull=False).exists()  # before the term
    for year in range(2020, 2026):
        totals = figures.filter(year=year).aggregate(officers=Sum("key_officers"), trained=Sum("key_officers_trained"))
        assert 0 < totals["trained"] < totals["officers"]
    assert not figures.filter(key_officers_trained__gt=F("key_officers")).exists()


def test_criterion_13_has_what_to_read_linkages_in_2019_and_2020():
    linked = YearlyFigures.objects.filter(organisation__kind="htx", linked_with_enterprise=True)
    assert linked.filter(year=2019).exists() and linked.filter(year=2020).exists()


def test_every_target_has_something_to_measure_but_the_one_left_out():
    for tgt in Target.objects.select_related("indicator", "area"):
        indicator, years = tgt.indicator, (tgt.year_from, tgt.year_to)
        if indicator.method == Indicator.Method.MANUAL:
            entered = EnteredValue.objects.filter(indicator=indicator, area__in=AdminUnit.objects.containing(tgt.area))
            entered |= EnteredValue.objects.filter(indicator=indicator, area__in=AdminUnit.objects.inside(tgt.area))
            assert entered.filter(as_of__year__range=years).exists() == (tgt.wording != "43 công trình thể thao")
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
