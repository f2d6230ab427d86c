"""Who has reported: HTX expected (operating at the year's end), reported, rated and on time, per
province of the year's map; the HTX that have not reported; the reporting page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cooperatives import reporting
from cooperatives.models import AdminUnit, Organisation, Rating, YearlyFigures
from tests.factories import OrganisationFactory, RatingFactory, YearlyFiguresFactory, logged_in, province

pytestmark = pytest.mark.django_db


def communes_inside(code, structure="34", of="34"):
    place = province(code, structure)
    return AdminUnit.objects.communes().of_structure(of).inside(place).order_by("code")


def line_of(year, code, structure="34"):
    return reporting.completeness(year, [province(code, structure)])[0]


def entered_on(figures, day):
    """Date the history row that created `figures` (what "entered by the deadline" reads)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    YearlyFigures.history.filter(id=figures.pk, history_type="+").update(history_date=moment)


@pytest.fixture
def lai_chau():
    """Lai Châu (12), which the demo leaves empty: a small registry with obvious answers for 2025."""
    assert not Organisation.objects.in_place(province("12")).exists()
    place = communes_inside("12")[0]
    active = OrganisationFactory(commune=place, founded_on=datetime.date(2018, 5, 1))
    closed = OrganisationFactory(
        commune=place,
        founded_on=datetime.date(2015, 1, 1),
        status=Organisation.Status.DISSOLVED,
        dissolved_on=datetime.date(2025, 6, 30),
    )
    founded_last_day = OrganisationFactory(commune=place, founded_on=datetime.date(2025, 12, 31))
    late = OrganisationFactory(commune=place, founded_on=datetime.date(2019, 1, 1))
    group = OrganisationFactory(commune=place, kind=Organisation.Kind.COOPERATIVE_GROUP, registration_code="")
    entered_on(YearlyFiguresFactory(organisation=active, year=2025), datetime.date(2025, 12, 15))
    YearlyFiguresFactory(organisation=closed, year=2025)  # reported before it closed: counts nowhere
    entered_on(YearlyFiguresFactory(organisation=late, year=2025), datetime.date(2025, 12, 16))
    YearlyFiguresFactory(organisation=group, year=2025)
    RatingFactory(organisation=active, year=2025, verified_score=None, level="unrated", unrated_reason="stopped")
    RatingFactory(organisation=late, year=2025, verified_score=None, level="unrated")  # no reason: not rated
    RatingFactory(organisation=closed, year=2025)
    return {"active": active, "closed": closed, "founded_last_day": founded_last_day, "late": late}


def test_closed_htx_leave_the_denominator_and_the_numerator_so_no_rate_exceeds_100(lai_chau):
    line = line_of(2025, "12")
    # Expected: active, founded on 31/12 and late; not the one dissolved on 30/6, nor the THT.
    assert (line.expected, line.reported, line.rated, line.on_time) == (3, 2, 1, 1)
    assert line.reported_pct == round(100 * 2 / 3, 1)


def test_an_htx_founded_on_31_12_is_expected_that_year_and_not_the_year_before(lai_chau):
    assert line_of(2024, "12", structure="63").expected == 3  # active, late, and closed (still open in 2024)
    assert list(reporting.not_reported(2025, province("12"))) == [lai_chau["founded_last_day"]]


def test_the_deadline_is_a_setting(lai_chau, settings):
    settings.REPORTING_HTX_DEADLINE = (16, 12)
    assert line_of(2025, "12").on_time == 2


def test_a_new_province_counts_in_2025_what_its_old_provinces_count_apart_in_2024():
    # Cà Mau (96) was formed from old Bạc Liêu (95) and old Cà Mau (96); the demo leaves them empty.
    assert not Organisation.objects.in_place(province("96")).exists()
    from_bac_lieu = communes_inside("95", "63").exclude(pk__in=communes_inside("96", "63").values("pk"))[0]
    from_ca_mau = communes_inside("96", "63").exclude(pk__in=communes_inside("95", "63").values("pk"))[0]
    for place in (from_bac_lieu, from_ca_mau, from_ca_mau):
        htx = OrganisationFactory(commune=place, founded_on=datetime.date(2020, 1, 1))
        YearlyFiguresFactory(organisation=htx, year=2024)
    assert (line_of(2024, "95", "63").expected, line_of(2024, "96", "63").expected) == (1, 2)
    assert line_of(2024, "95", "63").reported == 1
    assert (line_of(2025, "96").expected, line_of(2025, "96").reported) == (3, 0)


def test_the_page_lists_the_34_provinces_from_2025_and_the_63_before(client, django_assert_max_num_queries):
    logged_in(client, "lanhdao")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reporting_list"), {"year": 2025})
    assert page.status_code == 200
    assert len(page.context["lines"]) == 34
    assert page.content.decode().count(f'/{2025}/">') == 34  # each row opens its province's round
    assert len(client.get(reverse("reporting_list"), {"year": 2024}).context["lines"]) == 63
    sorted_page = client.get(reverse("reporting_list"), {"year": 2025, "sort": "-reported_pct"})
    shares = [line.reported_pct or 0 for line in sorted_page.context["lines"]]
    assert shares == sorted(shares, reverse=True)
    codes = [line.province.code for line in client.get(reverse("reporting_list"), {"year": 2025}).context["lines"]]
    assert codes == sorted(codes)
    assert 'id="reporting-chart-data"' in page.content.decode()


def test_a_provincial_account_sees_its_own_province_and_the_old_ones_it_was_formed_from(client):
    logged_in(client, "canbo.bacninh")
    lines = client.get(reverse("reporting_list"), {"year": 2025}).context["lines"]
    assert [line.province.code for line in lines] == ["24"]
    old = client.get(reverse("reporting_list"), {"year": 2024}).context["lines"]
    assert sorted(line.province.code for line in old) == ["24", "27"]


def test_no_rate_of_the_demo_registry_exceeds_100_percent():
    for year in (2022, 2025):
        for line in reporting.completeness(year, reporting.provinces_of_year(year, _national())):
            for share in (line.reported_pct, line.rated_pct, line.on_time_pct):
                assert share is None or 0 <= share <= 100


def test_a_province_row_opens_the_list_of_its_htx_that_have_not_reported(client, lai_chau):
    logged_in(client, "admin")
    page = client.get(reverse("reporting_not_reported", args=["12", 2025]))
    names = [row.record.name for row in page.context["table"].rows]
    assert names == [lai_chau["founded_last_day"].name]
    listing = client.get(reverse("reporting_list"), {"year": 2025}).content.decode()
    assert reverse("reporting_round", args=["12", 2025]) in listing


def test_the_round_page_lists_ratings_with_no_verified_score_or_a_self_score_in_another_band(client, lai_chau):
    RatingFactory(organisation=lai_chau["active"], year=2025, scheme="tt09_2017", self_score=85, verified_score=70)
    RatingFactory(organisation=lai_chau["late"], year=2025, scheme="tt09_2017", self_score=70, verified_score=None)
    Rating.objects.create(organisation=lai_chau["founded_last_day"], year=2025, self_score=72, verified_score=68)
    logged_in(client, "admin")
    issues = client.get(reverse("reporting_round", args=["12", 2025])).context["score_issues"]
    assert sorted((rating.organisation.pk, rating.issue) for rating in issues) == sorted(
        [(lai_chau["active"].pk, "band"), (lai_chau["late"].pk, "missing")]
    )


def _national():
    from accounts.models import User

    return User.objects.get(username="lanhdao")


def test_the_counts_are_cached_until_the_registry_changes(lai_chau):
    with CaptureQueriesContext(connection) as first:
        line_of(2025, "12")
    with CaptureQueriesContext(connection) as again:
        assert line_of(2025, "12").reported == 2
    grouped = [query for query in first.captured_queries if "GROUP BY" in query["sql"]]
    assert grouped and not [query for query in again.captured_queries if "GROUP BY" in query["sql"]]
    YearlyFiguresFactory(organisation=lai_chau["founded_last_day"], year=2025)  # a history row: a new stamp
    assert line_of(2025, "12").reported == 3


def test_the_list_of_htx_not_reported_follows_an_edit_at_once_in_name_order(client, lai_chau):
    logged_in(client, "admin")
    url = reverse("reporting_not_reported", args=["12", 2025])
    second = OrganisationFactory(commune=communes_inside("12")[0], name="HTX A Chưa báo cáo")

    def listed():
        return [(row.record.name, row.record.commune.name) for row in client.get(url).context["table"].rows]

    expected = reporting.not_reported(2025, province("12"))
    assert listed() == [(o.name, o.commune.name) for o in expected] and len(expected) == 2
    assert listed()[0][0] == "HTX A Chưa báo cáo"  # by name
    second.name = "HTX Z Chưa báo cáo"
    second.save()
    assert [name for name, _commune in listed()] == [lai_chau["founded_last_day"].name, "HTX Z Chưa báo cáo"]
    assert "HTX Z Chưa báo cáo" in client.get(url).content.decode()
    YearlyFiguresFactory(organisation=second, year=2025)
    assert [name for name, _commune in listed()] == [lai_chau["founded_last_day"].name]
