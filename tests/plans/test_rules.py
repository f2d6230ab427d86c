"""Every derived indicator on small hand-made data where the right answer is obvious.

The places are real units with no demo organisations: Cao Bằng (04, unchanged by the
merger) for the rules, Quảng Trị (old 44 Quảng Bình + old 45 Quảng Trị → new 44) for
the merger.
"""

import datetime
from decimal import Decimal as D

import pytest

from cooperatives.models import Organisation, Rating, SupportAction, YearlyFigures
from plans.models import EnteredValue, Indicator, Target
from plans.rules import RULES
from plans.services import measures_for
from tests.factories import OrganisationFactory, PlanFactory, TargetFactory, commune, province

pytestmark = pytest.mark.django_db
day = datetime.date
TODAY = day(2026, 11, 22)
THT, UNION = Organisation.Kind.COOPERATIVE_GROUP, Organisation.Kind.UNION


@pytest.fixture
def here():
    """Two communes of Cao Bằng (new map) and the province."""
    area = province("04")
    communes = list(area.children.order_by("code")[:2])
    return area, communes


def measured(code, area, year, denominator="", years=None) -> D | None:
    return measure(code, area, year, denominator, years).value


def measure(code, area, year, denominator="", years=None):
    plan = PlanFactory(area=area, first_year=2015, last_year=2030)
    first, last = years or (year, year)
    target = TargetFactory(
        plan=plan,
        area=area,
        indicator=Indicator.objects.get(code=code),
        period="term",
        year_from=first,
        year_to=last,
        denominator=denominator,
    )
    target.refresh_from_db()
    return measures_for([target], TODAY)[target.pk][year]


def derived_indicator(code, rule, shape, **params):
    """An indicator the catalogue does not hold, measured by `rule` with `params`."""
    unit = "percent" if shape == "share" else "count"
    return Indicator.objects.create(
        code=code, name_vi=code, name_en=code, unit=unit, shape=shape, method="derived", rule=rule, rule_params=params
    )


def org(communes, i=0, **fields):
    return OrganisationFactory(commune=communes[i], **fields)


def test_founded_counts_by_kind_and_sector_within_the_year(here):
    area, communes = here
    org(communes, founded_on=day(2022, 1, 1))
    org(communes, founded_on=day(2022, 12, 31), sector="transport")
    org(communes, founded_on=day(2023, 1, 1))
    org(communes, kind=THT, registration_code="", founded_on=day(2022, 6, 1))
    assert measured("htx_founded", area, 2022) == 2
    assert measured("htx_agri_founded", area, 2022) == 1
    assert measured("tht_founded", area, 2022) == 1
    assert measured("htx_founded", area, 2021) is None  # no organisation there yet: no data, not 0
    org(communes, founded_on=day(2020, 1, 1))
    assert measured("htx_founded", area, 2021) == 0  # the registry knows the place: none founded


def test_alliance_admissions_count_in_the_year_of_joining(here):
    area, communes = here
    org(communes, alliance_joined_on=day(2023, 5, 1))
    org(communes, alliance_joined_on=day(2024, 1, 1))
    org(communes)
    assert measured("alliance_members_admitted", area, 2023) == 1


def test_support_actions_add_their_counts_or_count_organisations_once(here):
    area, communes = here
    htx, other = org(communes), org(communes, 1)
    union = org(communes, kind=UNION)
    for who, kind, count in [
        (htx, "manager_training", 5),
        (other, "manager_training", 4),
        (htx, "trade_fair", 1),
        (htx, "trade_fair", 1),
        (other, "trade_fair", 1),
        (htx, "consolidation", 1),
        (union, "consolidation", 1),
    ]:
        SupportAction.objects.create(kind=kind, occurred_on=day(2022, 5, 1), organisation=who, count=count)
    SupportAction.objects.create(kind="trade_fair", occurred_on=day(2021, 5, 1), organisation=other)
    assert measured("manager_training_turns", area, 2022) == 9
    assert measured("trade_fair_htx", area, 2022) == 2  # two HTX, three participations
    assert measured("htx_consolidated", area, 2022) == 1  # the union's consolidation is not an HTX's


def rate(communes, levels, year=2022, i=0, **fields):
    for level in levels:
        Rating.objects.create(organisation=org(communes, i, **fields), year=year, level=level)


def test_rating_shares_are_over_rated_htx_and_unrated_is_left_out(here):
    area, communes = here
    rate(communes, ["good", "fair", "average", "weak", "unrated", "unrated"])
    effective = measure("htx_effective_share", area, 2022, Target.Denominator.RATED_HTX)
    assert (effective.value, effective.numerator, effective.denominator) == (D(50), 2, 4)
    assert measured("htx_weak_share", area, 2022, Target.Denominator.RATED_HTX) == D(25)


def test_a_share_over_active_htx_counts_every_htx_active_at_year_end(here):
    area, communes = here
    rate(communes, ["good", "weak"])
    org(communes)  # active, not rated
    org(communes, status="dissolved", dissolved_on=day(2022, 6, 1))  # gone by the year's end
    assert measure("htx_effective_share", area, 2022, Target.Denominator.ACTIVE_HTX).denominator == 3


def test_the_general_scheme_wins_when_an_htx_has_two_ratings(here):
    area, communes = here
    both = org(communes)
    Rating.objects.create(organisation=both, year=2022, scheme="tt01_2020", verified_score=70)
    Rating.objects.create(organisation=both, year=2022, scheme="tt09_2017", verified_score=40)
    only_agri = org(communes)
    Rating.objects.create(organisation=only_agri, year=2022, scheme="tt09_2017", self_score=45)
    weak = measure("htx_weak_share", area, 2022, Target.Denominator.RATED_HTX)
    assert (weak.numerator, weak.denominator) == (1, 2)


def figures(communes, year, i=0, kind="htx", sector="agriculture", **values):
    blank_code = {"registration_code": ""} if kind == THT else {}
    organisation = org(communes, i, kind=kind, sector=sector, **blank_code)
    return YearlyFigures.objects.create(organisation=organisation, year=year, **values)


def test_average_revenue_is_over_htx_that_reported_one(here):
    area, communes = here
    figures(communes, 2022, revenue=D(3_000_000_000))
    figures(communes, 2022, revenue=D(1_000_000_000))
    figures(communes, 2022, revenue=None)
    figures(communes, 2022, kind=THT, revenue=D(9_000_000_000))
    assert measured("htx_average_revenue", area, 2022) == D(2_000_000_000)


def test_average_income_is_the_mean_over_htx(here):
    area, communes = here
    figures(communes, 2022, average_income=D(60_000_000))
    figures(communes, 2022, average_income=D(40_000_000))
    assert measured("member_average_income", area, 2022) == D(50_000_000)


def test_members_add_up_htx_and_tht(here):
    area, communes = here
    figures(communes, 2022, members=60)
    figures(communes, 2022, kind=THT, members=7)
    figures(communes, 2021, members=1000)
    assert measured("members_total", area, 2022) == 67


def test_small_or_larger_starts_at_50_members(here):
    area, communes = here
    for members in (49, 50, 300, 1200):
        figures(communes, 2022, members=members)
    figures(communes, 2022, members=None)
    small = measure("htx_small_or_larger_share", area, 2022, Target.Denominator.ACTIVE_HTX)
    assert (small.value, small.numerator, small.denominator) == (D(75), 3, 4)


def test_size_bands_count_htx_by_members_from_one_band_to_another(here):
    area, communes = here
    for members in (10, 49, 50, 300, 301, 1000, 1001):
        figures(communes, 2022, members=members)
    figures(communes, 2022, members=None)
    figures(communes, 2022, sector="transport", members=60)
    derived_indicator("micro_test", "size_count", "level", max_band="micro")
    derived_indicator("small_medium_test", "size_count", "level", min_band="small", max_band="medium")
    derived_indicator("large_test", "size_count", "level", min_band="large")
    derived_indicator("agri_small_up_test", "size_share", "share", min_band="small", sector="agriculture")
    assert measured("micro_test", area, 2022) == 2
    assert measured("small_medium_test", area, 2022) == 5  # 50, 300, 301, 1000 and the transport HTX
    assert measured("large_test", area, 2022) == 1
    share = measure("agri_small_up_test", area, 2022, Target.Denominator.ACTIVE_HTX)
    assert (share.numerator, share.denominator) == (5, 7)


def test_an_average_of_any_yearly_figure_is_over_the_htx_that_reported_it(here):
    area, communes = here
    figures(communes, 2022, profit=D(300_000_000), members=10)
    figures(communes, 2022, profit=D(100_000_000), members=30)
    figures(communes, 2022, profit=None, members=50)
    figures(communes, 2022, kind=THT, profit=D(900_000_000))
    derived_indicator("profit_test", "average_figure", "level", field="profit")
    derived_indicator("members_test", "average_figure", "level", field="members")
    assert measured("profit_test", area, 2022) == D(200_000_000)
    assert measured("members_test", area, 2022) == D(30)


def test_linkage_is_over_agricultural_htx_only(here):
    area, communes = here
    figures(communes, 2022, linked_with_enterprise=True)
    figures(communes, 2022, linked_with_enterprise=False)
    figures(communes, 2022, sector="transport", linked_with_enterprise=True)
    assert measured("htx_agri_linked_share", area, 2022, Target.Denominator.AGRICULTURAL_HTX) == D(50)


def test_trained_share_counts_training_up_to_the_year(here):
    area, communes = here
    trained_2021, trained_2023, never = (figures(communes, 2022).organisation for _ in range(3))
    SupportAction.objects.create(kind="manager_training", occurred_on=day(2021, 3, 1), organisation=trained_2021)
    SupportAction.objects.create(kind="manager_training", occurred_on=day(2023, 3, 1), organisation=trained_2023)
    trained = measure("htx_agri_trained_share", area, 2022, Target.Denominator.AGRICULTURAL_HTX)
    assert (trained.numerator, trained.denominator) == (1, 3)


def test_trained_share_counts_an_htx_once_it_is_both_founded_and_trained_and_not_after_it_ended(here):
    area, communes = here
    ended = org(communes, founded_on=day(2019, 1, 1), dissolved_on=day(2021, 6, 1), status="dissolved")
    trained_before_founding = org(communes, founded_on=day(2023, 2, 1))
    for who, on in ((ended, day(2022, 3, 1)), (trained_before_founding, day(2021, 3, 1))):
        SupportAction.objects.create(kind="manager_training", occurred_on=on, organisation=who)
    by_year = {
        year: measure("htx_agri_trained_share", area, year, Target.Denominator.AGRICULTURAL_HTX, years=(2020, 2024))
        for year in (2020, 2022, 2023)
    }
    assert {year: (m.numerator, m.denominator) for year, m in by_year.items()} == {
        2020: (0, 1),  # the first HTX, not trained yet
        2022: (0, 0),  # it ended in 2021, before its (recorded) training; the second is not founded yet
        2023: (1, 1),
    }


def test_alliance_share_is_over_effective_htx_members_by_year_end(here):
    area, communes = here
    rate(communes, ["good"], alliance_joined_on=day(2020, 1, 1))
    rate(communes, ["fair"], alliance_joined_on=day(2023, 1, 1))
    rate(communes, ["weak"], alliance_joined_on=day(2020, 1, 1))
    share = measure("effective_htx_alliance_share", area, 2022, Target.Denominator.EFFECTIVE_HTX)
    assert (share.value, share.numerator, share.denominator) == (D(50), 1, 2)


def test_criterion_13_counts_communes_with_an_effective_htx(here):
    area, communes = here
    xa = [c for c in area.children.filter(kind="commune").order_by("code")[:2]]
    rate(xa, ["good", "fair"], i=0)
    rate(xa, ["average"], i=1)
    assert measured("ntm13_communes", area, 2022) == 1


def test_criterion_13_follows_the_definition_in_force_and_counts_xa_only():
    """2016–2020 (QĐ 1980/QĐ-TTg): an HTX operating under the law with a production linkage;
    2021–2025 (QĐ 318/QĐ-TTg): an HTX operating effectively. Phường are not new-rural communes."""
    area = province("04")
    xa = list(area.children.filter(kind="commune").order_by("code")[:3])
    phuong = area.children.filter(kind="ward").order_by("code").first()
    linked = figures(xa, 2020, i=0, linked_with_enterprise=True).organisation
    Rating.objects.create(organisation=linked, year=2021, level="average")  # linked, not effective
    figures(xa, 2020, i=1, linked_with_enterprise=False)  # operating, no linkage
    stopped = figures(xa, 2020, i=2, linked_with_enterprise=True).organisation
    stopped.status, stopped.status_since = "suspended", day(2020, 8, 1)
    stopped.save()
    figures([phuong], 2020, linked_with_enterprise=True)
    effective = org(xa, 1)
    Rating.objects.create(organisation=effective, year=2021, level="good")
    Rating.objects.create(organisation=org([phuong]), year=2021, level="good")
    assert measured("ntm13_communes", area, 2020, years=(2020, 2021)) == 1  # the first xã
    assert measured("ntm13_communes", area, 2021, years=(2020, 2021)) == 1  # the second xã


def test_communes_reached_by_an_action_and_xa_only(here):
    """Hà Nội: "củng cố 50 HTX tại 50 xã xây dựng NTM": HTX in xã, and the xã themselves."""
    area, _ = here
    xa = list(area.children.filter(kind="commune").order_by("code")[:2])
    phuong = area.children.filter(kind="ward").order_by("code").first()
    for place in (xa[0], xa[0], xa[1], phuong):
        SupportAction.objects.create(kind="consolidation", occurred_on=day(2020, 4, 1), organisation=org([place]))
    SupportAction.objects.create(kind="consolidation", occurred_on=day(2020, 4, 1), area=area)  # the province
    params = {"action": "consolidation", "kind": "htx", "communes_only": True}
    for code, extra in (("htx_in_xa", {"distinct_organisations": True}), ("xa_reached", {"distinct_communes": True})):
        derived_indicator(code, "support_actions", "flow", **params, **extra)
    assert measured("htx_in_xa", area, 2020) == 3
    assert measured("xa_reached", area, 2020) == 2


def manual_target(code, area, year, deadline=None):
    plan = PlanFactory(area=area, first_year=year, last_year=year)
    return TargetFactory(
        plan=plan,
        area=area,
        indicator=Indicator.objects.get(code=code),
        year_from=year,
        year_to=year,
        deadline=deadline,
    )


def enter(code, area, as_of, value):
    EnteredValue.objects.create(
        indicator=Indicator.objects.get(code=code), area=area, as_of=as_of, value=value, source="test"
    )


def test_entered_values_read_the_latest_entry_of_the_year_or_by_the_deadline(here):
    area, _ = here
    enter("ntm_capital_disbursed_share", area, day(2022, 6, 30), 35)
    enter("ntm_capital_disbursed_share", area, day(2022, 9, 30), 58)
    enter("ntm_capital_disbursed_share", area, day(2022, 12, 31), 96)
    plain = manual_target("ntm_capital_disbursed_share", area, 2022)
    by_deadline = manual_target("ntm_communes_new", area, 2022, deadline=day(2022, 9, 30))
    by_deadline.indicator = plain.indicator
    results = measures_for([plain, by_deadline], TODAY)
    assert results[plain.pk][2022].value == 96
    assert results[by_deadline.pk][2022].value == 58


def test_a_current_province_before_the_merger_adds_up_its_old_provinces():
    new_quang_tri = province("44")
    enter("rural_roads_km", province("44", "63"), day(2023, 12, 31), 40)
    enter("rural_roads_km", province("45", "63"), day(2023, 12, 31), 25)
    target = manual_target("rural_roads_km", new_quang_tri, 2023)
    assert measures_for([target], TODAY)[target.pk][2023].value == 65


def test_an_old_province_is_measured_after_the_merger_from_the_communes_that_came_from_it():
    old_quang_tri = province("45", "63")
    before = OrganisationFactory(commune=commune("45", "63"), founded_on=day(2023, 3, 1))
    came_from_it = commune("45", "63").successions.first().successor
    after = OrganisationFactory(commune=came_from_it, founded_on=day(2026, 2, 1))
    OrganisationFactory(commune=commune("44", "63"), founded_on=day(2026, 2, 1))  # old Quảng Bình, not counted
    assert (before.province, after.province) == (province("44"), province("44"))
    assert measured("htx_founded", old_quang_tri, 2023) == 1
    assert measured("htx_founded", old_quang_tri, 2026, years=(2023, 2026)) == 1


def test_a_new_province_before_the_merger_counts_the_provinces_it_was_formed_from():
    OrganisationFactory(commune=commune("44", "63"), founded_on=day(2022, 3, 1))
    OrganisationFactory(commune=commune("45", "63"), founded_on=day(2022, 8, 1))
    OrganisationFactory(commune=commune("46", "63"), founded_on=day(2022, 8, 1))  # Huế: elsewhere
    assert measured("htx_founded", province("44"), 2022) == 2


def test_active_means_founded_and_not_stopped_by_the_years_end(here):
    """Dissolved, and also suspended, dormant or dissolving from the date of that status; such a
    status without its date counts from the founding date (the registry cannot say when)."""
    area, communes = here
    derived_indicator("htx_active_test", "active", "level", kind="htx")
    org(communes, founded_on=day(2019, 5, 1))  # active throughout
    org(communes, founded_on=day(2019, 5, 1), status="suspended", status_since=day(2023, 6, 1))
    org(communes, founded_on=day(2019, 5, 1), status="dissolving", status_since=day(2022, 12, 31))
    org(communes, founded_on=day(2019, 5, 1), status="dormant")  # no date: never counted
    org(communes, founded_on=day(2019, 5, 1), status="dissolved", dissolved_on=day(2024, 1, 1))
    org(communes, founded_on=day(2021, 5, 1), status="dissolved")  # no date either
    by_year = {year: measured("htx_active_test", area, year, years=(2020, 2024)) for year in (2020, 2022, 2023, 2024)}
    assert by_year == {2020: 4, 2022: 3, 2023: 2, 2024: 1}
    assert Organisation.objects.filter(commune__in=communes).active_on(day(2022, 12, 30)).count() == 4
    assert Organisation.objects.filter(commune__in=communes).active_on(day(2022, 12, 31)).count() == 3


def test_officers_trained_share_counts_people_over_people_in_agricultural_htx(here):
    """Bắc Giang: "100% số cán bộ chủ chốt HTX nông nghiệp tham gia ít nhất một khóa tập huấn"."""
    area, communes = here
    derived_indicator("officers_trained_test", "officers_trained_share", "share")
    figures(communes, 2024, key_officers=5, key_officers_trained=5)
    figures(communes, 2024, key_officers=7, key_officers_trained=2)
    figures(communes, 2024, key_officers=4)  # trained not reported: left out of both
    figures(communes, 2024, sector="transport", key_officers=3, key_officers_trained=0)  # not agricultural
    trained = measure("officers_trained_test", area, 2024, Target.Denominator.KEY_OFFICERS)
    assert (trained.numerator, trained.denominator) == (7, 12)


# A deadline inside the year: the registry's dated rows as of that day -----------------------

DEADLINE = day(2022, 9, 30)


def by_deadline_and_year(code, area, denominator=""):
    """The figure of 2022 for a target "by 30/9/2022" and for one of the whole year."""
    plan = PlanFactory(area=area, first_year=2015, last_year=2030)
    indicator = Indicator.objects.get(code=code)
    made = [
        TargetFactory(plan=plan, area=area, indicator=indicator, period=period, deadline=cut, denominator=denominator)
        for period, cut in (("year", DEADLINE), ("term", None))
    ]
    results = measures_for(made, TODAY)
    return tuple(results[target.pk][2022] for target in made)


def test_a_deadline_counts_the_organisations_founded_by_that_day(here):
    area, communes = here
    org(communes, founded_on=DEADLINE)
    org(communes, founded_on=day(2022, 10, 1))
    assert [m.value for m in by_deadline_and_year("htx_founded", area)] == [1, 2]


def test_a_deadline_counts_the_members_admitted_to_the_alliance_by_that_day(here):
    area, communes = here
    org(communes, alliance_joined_on=day(2022, 9, 1))
    org(communes, alliance_joined_on=day(2022, 11, 1))
    assert [m.value for m in by_deadline_and_year("alliance_members_admitted", area)] == [1, 2]


def test_a_deadline_counts_the_support_actions_by_that_day(here):
    area, communes = here
    htx, other = org(communes), org(communes, 1)
    SupportAction.objects.create(kind="trade_fair", occurred_on=DEADLINE, organisation=htx)
    SupportAction.objects.create(kind="trade_fair", occurred_on=day(2022, 10, 1), organisation=other)
    SupportAction.objects.create(kind="manager_training", occurred_on=day(2022, 3, 1), organisation=htx, count=5)
    SupportAction.objects.create(kind="manager_training", occurred_on=day(2022, 12, 1), organisation=other, count=4)
    assert [m.value for m in by_deadline_and_year("trade_fair_htx", area)] == [1, 2]
    assert [m.value for m in by_deadline_and_year("manager_training_turns", area)] == [5, 9]


def test_a_deadline_reads_founding_training_and_dissolution_as_of_that_day(here):
    area, communes = here
    trained_in_march, trained_in_november, untrained = org(communes), org(communes), org(communes)
    ends_in_november = org(communes, dissolved_on=day(2022, 11, 1), status="dissolved")
    org(communes, founded_on=day(2022, 10, 15))  # untrained, and founded after the deadline
    for who, on in [
        (trained_in_march, day(2022, 3, 1)),
        (trained_in_november, day(2022, 11, 1)),
        (ends_in_november, day(2021, 3, 1)),
    ]:
        SupportAction.objects.create(kind="manager_training", occurred_on=on, organisation=who)
    deadline, year = by_deadline_and_year("htx_agri_trained_share", area, Target.Denominator.AGRICULTURAL_HTX)
    assert (deadline.numerator, deadline.denominator) == (2, 4)  # March's and the one still active on 30/9
    assert (year.numerator, year.denominator) == (2, 4)  # March's and November's; the late one, not the ended
    assert untrained.pk  # in both denominators


def test_yearly_figures_and_ratings_have_no_day_and_stay_the_year_s(here):
    area, communes = here
    rate(communes, ["good", "weak"])
    figures(communes, 2022, revenue=D(3_000_000_000))
    deadline, year = by_deadline_and_year("htx_effective_share", area, Target.Denominator.RATED_HTX)
    assert deadline == year and deadline.value == 50
    deadline, year = by_deadline_and_year("htx_average_revenue", area)
    assert deadline == year and deadline.value == 3_000_000_000


def test_the_rows_listed_by_a_deadline_are_those_it_counted(here):
    area, communes = here
    org(communes, founded_on=DEADLINE)
    org(communes, founded_on=day(2022, 10, 1))
    org(communes, dissolved_on=day(2022, 11, 1), status="dissolved")
    founded = RULES[Indicator.Rule.FOUNDED].numerator({"kind": "htx"}, "")
    assert (founded.listed(area, 2022, DEADLINE).count(), founded.listed(area, 2022).count()) == (1, 2)
    active = RULES[Indicator.Rule.ACTIVE].numerator({"kind": "htx"}, "")
    assert (active.listed(area, 2022, DEADLINE).count(), active.listed(area, 2022).count()) == (2, 2)


def test_members_nobody_reported_are_no_data_not_zero(here):
    area, communes = here
    figures(communes, 2024, members=None)
    assert measured("members_total", area, 2024) is None
    figures(communes, 2024, kind="tht", members=12)
    assert measured("members_total", area, 2024) == 12
