"""A province's page: the registry in numbers, trends, plans, and where it came from or went."""

from collections import Counter

import pytest
from django.urls import reverse

from accounts.models import User
from cooperatives.models import AdminUnit, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(client):
    client.force_login(User.objects.get(username="lanhdao"))
    return client


def province_url(code, structure=None):
    url = reverse("province_detail", args=[code])
    return f"{url}?structure={structure}" if structure else url


def test_the_registry_in_numbers_adds_up_to_the_provinces_organisations(national):
    numbers = national.get(province_url("24")).context["numbers"]
    bac_ninh = AdminUnit.objects.get(level="province", structure="34", code="24")
    assert numbers["total"] == Organisation.objects.filter(province=bac_ninh).count()
    assert sum(count for _label, count in numbers["by_kind"]) == numbers["total"]
    assert (
        dict(numbers["by_kind"])["Hợp tác xã"] == Organisation.objects.filter(province=bac_ninh).cooperatives().count()
    )


def test_a_province_formed_in_2025_links_to_the_old_provinces_and_charts_their_history(national):
    response = national.get(province_url("24"))
    html = response.content.decode()
    assert f"{province_url('24', '63')}" in html  # old Bắc Giang reused the code
    assert f"{province_url('27', '63')}" in html  # old Bắc Ninh
    names = [series["name"] for series in response.context["history_chart"]["series"]]
    assert "Tỉnh Bắc Giang (cũ)" in names


def test_an_old_province_says_where_it_went(national):
    html = national.get(province_url("17", "63")).content.decode()
    assert province_url("25") in html
    assert "Từ ngày 1/7/2025 thuộc" in html


def test_it_lists_the_plans_about_the_province(national):
    plans = national.get(province_url("25")).context["plans"]
    assert [plan.area.code for plan in plans] == ["17"]  # Hòa Bình's 2022 plan, now inside Phú Thọ


def test_another_province_is_not_found_for_a_provincial_leader(client):
    client.force_login(User.objects.get(username="lanhdao.bacninh"))
    assert client.get(province_url("25")).status_code == 404
    assert client.get(province_url("24", "63")).status_code == 200


def test_an_unknown_structure_is_not_found(national):
    assert national.get(province_url("24", "99")).status_code == 404


def test_its_query_count_is_bounded(national, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        national.get(province_url("24"))


def test_the_htx_by_size_are_the_provinces_htx_with_members_in_the_latest_rated_year(national):
    from cooperatives.models import SizeBand, YearlyFigures
    from tests.factories import OrganisationFactory, YearlyFiguresFactory, commune

    before = national.get(province_url("24")).context["numbers"]
    year = before["rating_year"]
    group = OrganisationFactory(commune=commune("24"), kind=Organisation.Kind.COOPERATIVE_GROUP, registration_code="")
    YearlyFiguresFactory(organisation=group, year=year, members=20)  # not an HTX: in no band
    YearlyFiguresFactory(organisation=OrganisationFactory(commune=commune("24")), year=year, members=1500)
    YearlyFiguresFactory(organisation=OrganisationFactory(commune=commune("25")), year=year, members=1500)  # elsewhere

    numbers = national.get(province_url("24")).context["numbers"]
    bac_ninh = AdminUnit.objects.get(level="province", structure="34", code="24")
    figures = YearlyFigures.objects.filter(organisation__province=bac_ninh, organisation__kind="htx", year=year)
    expected = Counter(
        str(SizeBand(SizeBand.for_members(members)).label)
        for members in figures.exclude(members=None).values_list("members", flat=True)
    )
    assert dict(numbers["by_size"]) == dict(expected)
    large = str(SizeBand.LARGE.label)
    assert dict(numbers["by_size"])[large] == dict(before["by_size"]).get(large, 0) + 1
