"""Writes through the API: scoped and checked as the forms are, recorded in the history under the
token's account, and each queuing the recompute as a form's save does."""

import datetime

import pytest

from accounts.models import User
from cooperatives.models import Organisation, Rating, YearlyFigures
from plans.models import EnteredValue, Indicator, PendingRecompute, RecomputeSchedule
from tests.api.conftest import token_client
from tests.factories import OrganisationFactory, RatingFactory, YearlyFiguresFactory, commune, province

pytestmark = pytest.mark.django_db


def new_organisation(code="24", **values):
    return {
        "kind": "htx",
        "registration_code": "2499000001",
        "name": "HTX Qua API",
        "sector": "agriculture",
        "commune": commune(code).code,
        "founded_on": "2025-08-01",
        "status": "active",
        **values,
    }


def test_staff_create_an_organisation_of_their_province_recorded_under_their_account(staff):
    response = staff.post("/api/v1/organisations/", new_organisation(), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["province"], body["commune"], body["name"]) == ("24", commune("24").code, "HTX Qua API")
    organisation = Organisation.objects.get(pk=body["id"])
    row = organisation.history.get()
    assert (row.history_user.username, row.history_change_reason) == ("canbo.bacninh", "api")


def test_a_write_queues_the_recompute_for_its_place(staff, django_capture_on_commit_callbacks):
    PendingRecompute.objects.all().delete()
    RecomputeSchedule.objects.update_or_create(pk=1, defaults={"queued_at": None})
    with django_capture_on_commit_callbacks() as callbacks:
        response = staff.post("/api/v1/organisations/", new_organisation(), format="json")
    assert response.status_code == 201
    assert PendingRecompute.objects.filter(area=commune("24"), source="organisations").exists()
    assert callbacks, "the drain task is queued after commit"


def test_the_forms_rules_answer_in_vietnamese_or_english_by_accept_language(db):
    wrong = new_organisation(founded_on="2025-08-01", dissolved_on="2020-01-01", status="active")
    for language, words in (("vi", "không thể trước ngày thành lập"), ("en", "cannot be before")):
        response = token_client("canbo.bacninh", language).post("/api/v1/organisations/", wrong, format="json")
        assert response.status_code == 400
        assert words in response.json()["dissolved_on"][0], response.json()
        assert "status" in response.json()


def test_a_commune_of_another_province_is_a_wrong_choice_not_a_write(staff):
    response = staff.post("/api/v1/organisations/", new_organisation("25"), format="json")
    assert response.status_code == 400 and "commune" in response.json()
    assert not Organisation.objects.filter(registration_code="2499000001").exists()


def test_leaders_never_write_and_other_provinces_records_are_not_found(staff, leader):
    own, other = OrganisationFactory(commune=commune("24")), OrganisationFactory(commune=commune("25"))
    body = new_organisation(name="Đổi tên")
    assert leader.post("/api/v1/organisations/", body, format="json").status_code == 403
    assert leader.patch(f"/api/v1/organisations/{own.pk}/", {"name": "x"}, format="json").status_code == 403
    assert staff.put(f"/api/v1/organisations/{other.pk}/", body, format="json").status_code == 404
    assert staff.patch(f"/api/v1/organisations/{other.pk}/", {"name": "x"}, format="json").status_code == 404
    other.refresh_from_db()
    own.refresh_from_db()
    assert "Đổi tên" not in (other.name, own.name) and "x" not in (other.name, own.name)


def test_patch_changes_only_what_it_names(staff):
    organisation = OrganisationFactory(commune=commune("24"), address="Thôn Một")

    response = staff.patch(f"/api/v1/organisations/{organisation.pk}/", {"name": "HTX Tên Mới"}, format="json")

    assert response.status_code == 200, response.json()
    organisation.refresh_from_db()
    assert (organisation.name, organisation.address) == ("HTX Tên Mới", "Thôn Một")
    assert organisation.history.latest().history_user.username == "canbo.bacninh"


def test_yearly_figures_are_added_and_corrected_with_the_forms_rules(staff):
    organisation = OrganisationFactory(commune=commune("24"))
    url = "/api/v1/figures/"

    created = staff.post(url, {"organisation": organisation.pk, "year": 2024, "members": 40, "revenue": 1250000000})
    assert created.status_code == 201, created.json()
    again = staff.post(url, {"organisation": organisation.pk, "year": 2024, "members": 41}, format="json")
    assert again.status_code == 400 and "Đã có số liệu năm 2024" in again.json()["non_field_errors"][0]
    wrong = staff.patch(f"{url}{created.json()['id']}/", {"key_officers": 2, "key_officers_trained": 3}, format="json")
    assert wrong.status_code == 400 and "key_officers_trained" in wrong.json()

    # A JSON 1.250 is a number with a fraction, refused in whole đồng; the text "1.250" is typed
    # the Vietnamese way and means 1,250.
    fraction = staff.patch(f"{url}{created.json()['id']}/", {"revenue": 1.250}, format="json")
    assert fraction.status_code == 400 and "revenue" in fraction.json()

    fixed = staff.patch(f"{url}{created.json()['id']}/", {"revenue": "1.250"}, format="json")

    assert fixed.status_code == 200, fixed.json()
    figures = YearlyFigures.objects.get(pk=created.json()["id"])
    assert (figures.members, figures.revenue) == (40, 1250)
    assert figures.history.latest().history_user.username == "canbo.bacninh"


def test_figures_of_another_provinces_organisation_are_refused(staff):
    other = OrganisationFactory(commune=commune("25"))
    response = staff.post("/api/v1/figures/", {"organisation": other.pk, "year": 2024, "members": 40}, format="json")
    assert response.status_code == 400 and "organisation" in response.json()
    row = YearlyFiguresFactory(organisation=other)
    assert staff.patch(f"/api/v1/figures/{row.pk}/", {"members": 1}, format="json").status_code == 404
    assert not YearlyFigures.objects.filter(organisation=other, year=2024).exists()


def test_a_rating_score_sets_its_level(staff):
    organisation = OrganisationFactory(commune=commune("24"))
    response = staff.post(
        "/api/v1/ratings/", {"organisation": organisation.pk, "year": 2024, "verified_score": 81.5}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["level"], response.json()["verified_score"]) == ("good", "81.50")
    rating = Rating.objects.get(pk=response.json()["id"])
    corrected = staff.patch(f"/api/v1/ratings/{rating.pk}/", {"verified_score": 60}, format="json")
    assert corrected.json()["level"] == "average"
    assert RatingFactory(organisation=OrganisationFactory(commune=commune("25"))).pk  # another province's
    assert (
        staff.get("/api/v1/ratings/", {"organisation": rating.organisation_id}).json()["results"][0]["id"] == rating.pk
    )


def test_entered_values_for_the_accounts_province_only(staff):
    indicator = Indicator.objects.filter(method=Indicator.Method.MANUAL).first()
    body = {
        "indicator": indicator.code,
        "area": province("24").pk,
        "as_of": "2025-12-31",
        "value": "12,5",
        "source": "Sở",
    }

    created = staff.post("/api/v1/entered-values/", body, format="json")

    assert created.status_code == 201, created.json()
    value = EnteredValue.objects.get(pk=created.json()["id"])
    assert (value.value, value.entered_by.username) == (12.5, "canbo.bacninh")
    assert value.history.get().history_user.username == "canbo.bacninh"
    other = staff.post("/api/v1/entered-values/", {**body, "area": province("25").pk}, format="json")
    assert other.status_code == 400 and "area" in other.json()


def test_values_that_are_not_scalars_are_a_400(staff):
    response = staff.post("/api/v1/organisations/", new_organisation(commune=["x"], founded_on={"a": 1}), format="json")
    assert response.status_code == 400 and set(response.json()) == {"commune", "founded_on"}
    assert staff.post("/api/v1/organisations/", [1, 2], format="json").status_code == 400
    bad_json = staff.generic("POST", "/api/v1/organisations/", "{", content_type="application/json")
    assert bad_json.status_code == 400


def test_session_writes_are_recorded_under_the_session_account(client):
    client.force_login(User.objects.get(username="canbo.bacninh"))
    response = client.post(
        "/api/v1/organisations/", new_organisation(founded_on="2025-09-01"), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    assert Organisation.objects.get(pk=response.json()["id"]).history.get().history_user.username == "canbo.bacninh"
    assert datetime.date.fromisoformat(response.json()["founded_on"]) == datetime.date(2025, 9, 1)
