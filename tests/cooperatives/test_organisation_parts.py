"""Staff add and correct an organisation's yearly figures and ratings from its page."""

import pytest
from django.urls import reverse

from cooperatives.models import Rating, YearlyFigures
from tests.factories import OrganisationFactory, commune, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def htx():
    return OrganisationFactory(commune=commune("24"))


def add(client, organisation, part, data):
    return client.post(reverse("organisation_part_create", args=[organisation.pk, part]), data)


FIGURES = {"year": 2025, "members": 62, "workers": 20, "revenue": 3_100_000_000, "ocop_products": 0}


def test_staff_add_a_years_figures_and_they_show_on_the_page(client, htx):
    staff = logged_in(client, "canbo.bacninh")
    response = add(staff, htx, "figures", FIGURES)
    assert response.status_code == 302 and response["Location"] == htx.get_absolute_url()
    assert YearlyFigures.objects.get(organisation=htx, year=2025).members == 62
    assert "3.100" in staff.get(htx.get_absolute_url()).content.decode()  # triệu đồng, Vietnamese grouping


def test_a_second_row_for_the_same_year_is_refused_in_vietnamese(client, htx):
    staff = logged_in(client, "canbo.bacninh")
    add(staff, htx, "figures", FIGURES)
    response = add(staff, htx, "figures", {**FIGURES, "members": 70})
    assert "Đã có số liệu năm 2025" in response.content.decode()
    assert YearlyFigures.objects.get(organisation=htx, year=2025).members == 62


def test_more_key_officers_trained_than_key_officers_is_refused_in_vietnamese(client, htx):
    staff = logged_in(client, "canbo.bacninh")
    response = add(staff, htx, "figures", {**FIGURES, "key_officers": 3, "key_officers_trained": 4})
    assert "không thể vượt số cán bộ chủ chốt" in response.content.decode()
    assert not YearlyFigures.objects.filter(organisation=htx, year=2025).exists()
    add(staff, htx, "figures", {**FIGURES, "key_officers": 3, "key_officers_trained": 3})
    assert YearlyFigures.objects.get(organisation=htx, year=2025).key_officers_trained == 3


def test_a_score_sets_the_level_and_a_level_alone_is_kept(client, htx):
    staff = logged_in(client, "canbo.bacninh")
    add(staff, htx, "ratings", {"year": 2024, "scheme": "tt01_2020", "verified_score": "72", "level": ""})
    add(staff, htx, "ratings", {"year": 2023, "scheme": "tt01_2020", "level": "unrated"})
    levels = dict(Rating.objects.filter(organisation=htx).values_list("year", "level"))
    assert levels == {2024: "fair", 2023: "unrated"}
    response = add(staff, htx, "ratings", {"year": 2022, "scheme": "tt01_2020", "level": ""})
    assert "Nhập điểm hoặc chọn xếp loại" in response.content.decode()


def test_an_unrated_htx_says_why_and_a_rated_one_has_no_reason(client, htx):
    staff = logged_in(client, "canbo.bacninh")
    add(staff, htx, "ratings", {"year": 2023, "scheme": "tt01_2020", "level": "unrated", "unrated_reason": "new"})
    assert Rating.objects.get(organisation=htx, year=2023).unrated_reason == Rating.UnratedReason.NEW
    assert "Hoạt động chưa đủ 12 tháng trong năm" in staff.get(htx.get_absolute_url()).content.decode()
    rated = {"year": 2024, "scheme": "tt01_2020", "verified_score": "72", "level": "", "unrated_reason": "stopped"}
    assert "Chỉ ghi lý do khi HTX chưa được xếp loại" in add(staff, htx, "ratings", rated).content.decode()
    assert not Rating.objects.filter(organisation=htx, year=2024).exists()


def test_staff_correct_a_rating(client, htx):
    rating = Rating.objects.create(organisation=htx, year=2024, verified_score=40)
    staff = logged_in(client, "canbo.bacninh")
    url = reverse("organisation_part_update", args=[htx.pk, "ratings", rating.pk])
    staff.post(url, {"year": 2024, "scheme": "tt01_2020", "verified_score": "85", "level": ""})
    rating.refresh_from_db()
    assert rating.level == Rating.Level.GOOD


def test_another_province_and_leaders_cannot_write(client, htx):
    assert add(logged_in(client, "canbo.phutho"), htx, "figures", FIGURES).status_code == 404
    assert add(logged_in(client, "lanhdao"), htx, "figures", FIGURES).status_code == 403
    assert not YearlyFigures.objects.filter(organisation=htx).exists()


def test_an_unknown_part_is_not_a_page(client, htx):
    staff = logged_in(client, "canbo.bacninh")
    assert staff.get(f"/registry/{htx.pk}/members/new/").status_code == 404
