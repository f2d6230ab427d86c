"""Reads through the API: the account's scope, the registry's filters and cursor, progress with its
per-year results, the counts per province, in the request's language."""

import datetime

import pytest

from accounts.models import User
from cooperatives.models import AdminUnit, Organisation, Rating, operating_at_end_of
from plans.models import Progress, Target
from tests.api.conftest import token_client
from tests.factories import OrganisationFactory, RatingFactory, commune, province

pytestmark = pytest.mark.django_db


def every_page(client, url, params=None):
    """Every row of a paginated list, following its `next` links."""
    rows, response = [], client.get(url, params or {})
    while True:
        assert response.status_code == 200, response.json()
        rows += response.json()["results"]
        if not response.json()["next"]:
            return rows
        response = client.get(response.json()["next"])


def test_provinces_of_both_maps_with_their_successions(admin):
    rows = every_page(admin, "/api/v1/provinces/")
    assert len(rows) == 97
    bac_ninh = next(row for row in rows if (row["structure"], row["code"]) == ("34", "24"))
    assert {(unit["structure"], unit["code"]) for unit in bac_ninh["predecessors"]} == {("63", "24"), ("63", "27")}
    old = admin.get("/api/v1/provinces/", {"structure": "63", "code": "24"}).json()["results"][0]
    assert [(unit["structure"], unit["code"]) for unit in old["successors"]] == [("34", "24")]


def test_staff_read_their_province_only(staff):
    codes = {(row["structure"], row["code"]) for row in every_page(staff, "/api/v1/provinces/")}
    assert codes == {("34", "24"), ("63", "24"), ("63", "27")}
    assert staff.get(f"/api/v1/provinces/{province('25').pk}/").status_code == 404
    organisations = every_page(staff, "/api/v1/organisations/", {"page_size": 1000})
    assert {row["province"] for row in organisations} == {"24"}
    assert len(organisations) == Organisation.objects.filter(province__code="24").count()
    other = Organisation.objects.filter(province__code="25").first()
    assert staff.get(f"/api/v1/organisations/{other.pk}/").status_code == 404
    figures = staff.get("/api/v1/figures/", {"organisation": other.pk}).json()["results"]
    assert figures == []


def test_the_registry_takes_the_list_pages_filters_and_rating_year(admin):
    rated = OrganisationFactory(commune=commune("24"), name="HTX Lọc Thử")
    RatingFactory(organisation=rated, year=2022, verified_score=85)
    OrganisationFactory(commune=commune("24"), name="HTX Lọc Thử Khác", kind=Organisation.Kind.COOPERATIVE_GROUP)

    found = admin.get("/api/v1/organisations/", {"q": "Lọc Thử", "rating": "good", "rating_year": 2022}).json()

    assert [(row["id"], row["rating_level"]) for row in found["results"]] == [(rated.pk, "good")]
    groups = admin.get("/api/v1/organisations/", {"q": "Lọc Thử", "kind": "tht"}).json()["results"]
    assert [row["name"] for row in groups] == ["HTX Lọc Thử Khác"]
    wrong = admin.get("/api/v1/organisations/", {"kind": "nope"})
    assert wrong.status_code == 400 and "kind" in wrong.json()


def test_the_registry_is_read_by_cursor_without_skipping_or_repeating(admin):
    ids = [row["id"] for row in every_page(admin, "/api/v1/organisations/", {"province": province("25").pk})]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    assert len(ids) == Organisation.objects.filter(province__code="25").count() > 100
    # A cursor whose position is not an id (base64 of "p=abc"): a 404, as for any invalid cursor.
    assert admin.get("/api/v1/organisations/", {"cursor": "cD1hYmM="}).status_code == 404


def test_targets_carry_their_progress_years_and_explanation_in_the_requests_language(db):
    target = Target.objects.filter(progress__isnull=False, progress__explanation__has_key="year").first()
    answers = {}
    for language in ("vi", "en"):
        answers[language] = token_client("admin", language).get(f"/api/v1/targets/{target.pk}/").json()
    progress = answers["vi"]["progress"]
    assert progress["status"] == target.progress.status
    assert "thực hiện" in progress["explanation"] and "actual" in answers["en"]["progress"]["explanation"]
    assert [row["year"] for row in answers["vi"]["years"]] == sorted(
        target.progress_years.values_list("year", flat=True)
    )


def test_plans_and_targets_are_scoped_like_their_pages(staff, admin):
    plans = every_page(staff, "/api/v1/plans/")
    assert plans and all(plan["area"]["code"] in ("24", "27", "VN") for plan in plans)
    targets = staff.get("/api/v1/targets/", {"status": Progress.Status.ACHIEVED}).json()
    assert all(row["progress"]["status"] == "achieved" for row in targets["results"])
    other = Target.objects.exclude(pk__in=Target.objects.visible_to(User.objects.get(username="canbo.bacninh"))).first()
    assert staff.get(f"/api/v1/targets/{other.pk}/").status_code == 404
    assert admin.get(f"/api/v1/targets/{other.pk}/").status_code == 200
    assert admin.get("/api/v1/indicators/htx_founded/").json()["unit"] == "count"


def test_counts_per_province_and_year(admin, staff):
    national = {row["province"]["code"]: row for row in admin.get("/api/v1/counts/", {"year": 2024}).json()}
    assert len(national) == 34
    bac_ninh = Organisation.objects.filter(province__code="24")
    assert national["24"]["founded"]["htx"] == bac_ninh.cooperatives().filter(founded_on__year=2024).count()
    assert sum(national["24"]["rated"].values()) > 0
    own = staff.get("/api/v1/counts/", {"year": 2024}).json()
    assert [row["province"]["code"] for row in own] == ["24"] and own[0] == national["24"]
    old = staff.get("/api/v1/counts/", {"year": 2024, "structure": "63"}).json()
    assert {row["province"]["code"] for row in old} == {"24", "27"}
    old_bac_giang = AdminUnit.objects.get(level="province", structure="63", code="24")
    htx = Organisation.objects.cooperatives().in_area(old_bac_giang)
    assert old[0]["province"]["code"] == "24"
    assert old[0]["active"]["htx"] == htx.filter(operating_at_end_of(2024)).count() > 0
    assert admin.get("/api/v1/counts/", {"year": "abc"}).status_code == 400


def test_counts_follow_every_change_of_the_registry(staff):
    def founded():
        return staff.get("/api/v1/counts/", {"year": 2025}).json()[0]["founded"]["htx"]

    before = founded()
    assert founded() == before  # from the cache
    organisation = OrganisationFactory(commune=commune("24"), founded_on=datetime.date(2025, 8, 1))
    assert founded() == before + 1
    organisation.delete()
    assert founded() == before


@pytest.mark.parametrize("params", [{}, {"kind": "htx", "rating": "good"}, {"rating_year": 2022}])
def test_the_registry_lists_rows_as_the_serializer_writes_each_record(admin, params):
    """The list reads values() and writes each through its field (represent_values): every row,
    every key in order, is what RegistryRowSerializer writes of the model instance (dates, times in
    the site's zone, null dates, choices, the places' codes, the rating level)."""
    from api.serializers import RegistryRowSerializer

    rated = OrganisationFactory(commune=commune("24"), name="HTX Đủ Trường", status_since=datetime.date(2023, 5, 2))
    RatingFactory(organisation=rated, year=2022, verified_score=85)
    listed = every_page(admin, "/api/v1/organisations/", {**params, "page_size": 1000})
    year = params.get("rating_year") or max(Rating.objects.years())
    rows = Organisation.objects.filter(pk__in=[row["id"] for row in listed]).select_related("province", "commune")
    expected = RegistryRowSerializer(rows.for_registry(year).order_by("pk"), many=True).data
    assert listed == [dict(row) for row in expected] and len(listed) > 10
    assert [list(row) for row in listed[:1]] == [list(RegistryRowSerializer().fields)]
