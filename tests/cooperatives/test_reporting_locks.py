"""A submitted or accepted round locks its province-year's rows on every write path: the forms, the
import, the Django admin, the API and its bulk upsert, the ORM and, on PostgreSQL, SQL itself; a
return or a reopening unlocks; the recompute still runs."""

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts.models import User
from cooperatives.models import Organisation, Rating, RoundLocked, SupportAction, YearlyFigures
from cooperatives.services import registry_import, round_transition
from plans.models import EnteredValue, Indicator
from plans.services import progress_recompute
from tests.api.conftest import token_client
from tests.factories import (
    OrganisationFactory,
    RatingFactory,
    YearlyFiguresFactory,
    commune,
    logged_in,
    province,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db
YEAR = 2026
LOCKED = "đã bị khóa"


def lock(code="24", year=YEAR):
    return round_transition(
        province=province(code), year=year, action="submit", user=User.objects.get(username="admin")
    )


def unlock(code="24", year=YEAR):
    return round_transition(
        province=province(code), year=year, action="return", user=User.objects.get(username="admin"), note="Sửa lại."
    )


@pytest.fixture
def rows():
    """An HTX of Bắc Ninh with its figures and rating of the year, and a support action."""
    organisation = OrganisationFactory(commune=commune("24"))
    return {
        "organisation": organisation,
        "figures": YearlyFiguresFactory(organisation=organisation, year=YEAR, members=60),
        "rating": RatingFactory(organisation=organisation, year=YEAR, verified_score=Decimal(70)),
        "action": SupportAction.objects.create(
            kind=SupportAction.Kind.TRADE_FAIR, occurred_on=datetime.date(YEAR, 5, 1), organisation=organisation
        ),
    }


def members(figures):
    return YearlyFigures.objects.get(pk=figures.pk).members


# The forms ---------------------------------------------------------------------------------


def test_the_figures_form_says_why_and_saves_nothing_while_locked_and_saves_once_returned(client, rows):
    lock()
    logged_in(client, "canbo.bacninh")
    url = reverse("organisation_part_update", args=[rows["organisation"].pk, "figures", rows["figures"].pk])
    response = client.post(url, {"year": YEAR, "members": 75, "ocop_products": 0})
    assert response.status_code == 200
    page = response.content.decode()
    assert LOCKED in page and "mở lại" in page
    assert members(rows["figures"]) == 60

    unlock()
    assert client.post(url, {"year": YEAR, "members": 75, "ocop_products": 0}).status_code == 302
    assert members(rows["figures"]) == 75


def test_new_figures_and_ratings_of_the_locked_year_are_refused_but_another_year_is_not(client, rows):
    lock()
    logged_in(client, "canbo.bacninh")
    other = OrganisationFactory(commune=commune("24"))
    figures_url = reverse("organisation_part_create", args=[other.pk, "figures"])
    assert LOCKED in client.post(figures_url, {"year": YEAR, "members": 9, "ocop_products": 0}).content.decode()
    ratings_url = reverse("organisation_part_create", args=[other.pk, "ratings"])
    refused = client.post(ratings_url, {"year": YEAR, "scheme": "tt01_2020", "verified_score": "70"})
    assert LOCKED in refused.content.decode()
    assert not YearlyFigures.objects.filter(organisation=other).exists()
    assert not Rating.objects.filter(organisation=other).exists()
    assert client.post(figures_url, {"year": YEAR - 1, "members": 9, "ocop_products": 0}).status_code == 302


def test_moving_a_row_out_of_the_locked_year_is_refused_too(client, rows):
    lock()
    logged_in(client, "canbo.bacninh")
    url = reverse("organisation_part_update", args=[rows["organisation"].pk, "figures", rows["figures"].pk])
    assert LOCKED in client.post(url, {"year": YEAR - 3, "members": 60, "ocop_products": 0}).content.decode()
    assert YearlyFigures.objects.get(pk=rows["figures"].pk).year == YEAR


def test_the_support_action_form_is_refused_while_locked(client, rows):
    lock()
    logged_in(client, "canbo.bacninh")
    url = reverse("support_action_update", args=[rows["action"].pk])
    data = {"kind": "trade_fair", "occurred_on": f"{YEAR}-05-01", "organisation": rows["organisation"].pk, "count": 3}
    assert LOCKED in client.post(url, data).content.decode()
    assert SupportAction.objects.get(pk=rows["action"].pk).count == 1


def test_the_entered_value_form_is_refused_while_locked(client):
    manual = Indicator.objects.filter(method=Indicator.Method.MANUAL).first()
    value = EnteredValue.objects.create(
        indicator=manual, area=province("24"), as_of=datetime.date(YEAR, 6, 30), value=5, source="Sở"
    )
    lock()
    logged_in(client, "canbo.bacninh")
    data = {"indicator": manual.pk, "area": province("24").pk, "as_of": f"{YEAR}-06-30", "value": "8", "source": "Sở"}
    response = client.post(reverse("entered_value_update", args=[value.pk]), data)
    assert LOCKED in response.content.decode()
    assert EnteredValue.objects.get(pk=value.pk).value == 5
    # Another province's round is its own: Phú Thọ's values stay open.
    other = EnteredValue(indicator=manual, area=province("25"), as_of=datetime.date(YEAR, 6, 30), value=1, source="x")
    other.full_clean()
    other.save()


def test_deleting_an_organisation_with_locked_figures_is_a_409_saying_why_and_deletes_nothing(client, rows):
    lock()
    logged_in(client, "canbo.bacninh")
    response = client.post(reverse("organisation_delete", args=[rows["organisation"].pk]))
    assert response.status_code == 409
    assert LOCKED in response.content.decode()
    assert Organisation.objects.filter(pk=rows["organisation"].pk).exists()
    assert YearlyFigures.objects.filter(pk=rows["figures"].pk).exists()


# The ORM and the database --------------------------------------------------------------------


def test_any_save_or_delete_through_the_orm_is_refused(rows):
    lock()
    rows["figures"].members = 1
    # Each in a savepoint: a deletion's refusal rolls back the transaction it ran in.
    with pytest.raises(RoundLocked), transaction.atomic():
        rows["figures"].save()
    with pytest.raises(RoundLocked), transaction.atomic():
        rows["rating"].delete()
    with pytest.raises(RoundLocked), transaction.atomic():
        rows["action"].delete()
    with pytest.raises(RoundLocked), transaction.atomic():
        YearlyFigures.objects.create(organisation=OrganisationFactory(commune=commune("24")), year=YEAR)
    assert members(rows["figures"]) == 60 and Rating.objects.filter(pk=rows["rating"].pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize("model", [YearlyFigures, Rating, SupportAction])
def test_the_database_refuses_a_bulk_update_that_skips_the_models(rows, model):
    lock()
    row = {YearlyFigures: rows["figures"], Rating: rows["rating"], SupportAction: rows["action"]}[model]
    change = {YearlyFigures: {"members": 1}, Rating: {"unrated_reason": ""}, SupportAction: {"count": 9}}[model]
    with pytest.raises(DatabaseError, match="reporting_round_locked"), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**change)
    with pytest.raises(DatabaseError, match="reporting_round_locked"), transaction.atomic():
        model.objects.filter(pk=row.pk)._raw_delete(connection.alias)
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_hand_entered_values_of_a_locked_round():
    manual = Indicator.objects.filter(method=Indicator.Method.MANUAL).first()
    value = EnteredValue.objects.create(
        indicator=manual, area=province("24"), as_of=datetime.date(YEAR, 3, 1), value=5, source="Sở"
    )
    lock()
    with pytest.raises(DatabaseError, match="reporting_round_locked"), transaction.atomic():
        EnteredValue.objects.filter(pk=value.pk).update(value=6)
    unlock()
    assert EnteredValue.objects.filter(pk=value.pk).update(value=6) == 1


def test_the_recompute_still_runs_while_locked(rows):
    lock()
    progress_recompute()  # writes progress, not the round's rows
    assert members(rows["figures"]) == 60


# The import ---------------------------------------------------------------------------------

HEADER = [
    "Mã số đăng ký",
    "Tên tổ chức",
    "Loại hình",
    "Lĩnh vực",
    "Mã xã/phường",
    "Ngày thành lập",
    "Năm",
    "Số thành viên",
]


def import_rows(*rows):
    return registry_import(
        data=xlsx_bytes([HEADER, *rows]),
        file_name="x.xlsx",
        province=province("24"),
        commit=True,
        user=User.objects.get(username="canbo.bacninh"),
    )


def line(organisation, year, members):
    return [
        organisation.registration_code,
        organisation.name,
        "HTX",
        "NN",
        organisation.commune.code,
        "01/03/2020",
        year,
        members,
    ]


def test_the_import_refuses_rows_of_a_locked_round_with_the_reason_and_writes_nothing(rows):
    lock()
    other = OrganisationFactory(commune=commune("24"))
    report = import_rows(line(rows["organisation"], YEAR, 99), line(other, YEAR - 1, 5))
    assert not report.committed
    assert [error.row for error in report.errors] == [2]
    assert LOCKED in report.errors[0].message and "mở lại" in report.errors[0].message
    assert members(rows["figures"]) == 60
    assert not YearlyFigures.objects.filter(organisation=other).exists()


def test_the_import_lets_unchanged_rows_of_a_locked_round_through_and_writes_once_returned(rows):
    lock()
    assert import_rows(line(rows["organisation"], YEAR, 60)).committed  # the same figure: nothing written
    unlock()
    assert import_rows(line(rows["organisation"], YEAR, 99)).committed
    assert members(rows["figures"]) == 99


# The Django admin ------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    logged_in(client, "admin")
    return client


def test_the_django_admin_change_form_says_why_and_saves_nothing(admin_client, rows):
    lock()
    url = reverse("admin:cooperatives_yearlyfigures_change", args=[rows["figures"].pk])
    data = {
        "organisation": rows["organisation"].pk,
        "year": YEAR,
        "members": 61,
        "ocop_products": 0,
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200 and LOCKED in response.content.decode()
    assert members(rows["figures"]) == 60


def test_the_django_admin_delete_is_a_409_saying_why(admin_client, rows):
    lock()
    url = reverse("admin:cooperatives_rating_delete", args=[rows["rating"].pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 409 and LOCKED in response.content.decode()
    assert Rating.objects.filter(pk=rows["rating"].pk).exists()


def test_the_django_admin_bulk_delete_action_is_refused(admin_client, rows):
    lock()
    url = reverse("admin:cooperatives_supportaction_changelist")
    with transaction.atomic():  # the request's own transaction, rolled back by the refusal
        response = admin_client.post(
            url, {"action": "delete_selected", "_selected_action": [rows["action"].pk], "post": "yes"}
        )
    assert response.status_code == 409
    assert SupportAction.objects.filter(pk=rows["action"].pk).exists()


# The API ---------------------------------------------------------------------------------------


def test_the_api_answers_409_with_the_reason_for_a_write_into_a_locked_round(rows):
    lock()
    api = token_client("canbo.bacninh")
    response = api.patch(f"/api/v1/figures/{rows['figures'].pk}/", {"members": 70}, format="json")
    assert response.status_code == 409
    assert LOCKED in response.json()["non_field_errors"][0]
    created = api.post(
        "/api/v1/ratings/",
        {"organisation": rows["organisation"].pk, "year": YEAR, "scheme": "tt09_2017", "verified_score": 70},
        format="json",
    )
    assert created.status_code == 409
    assert members(rows["figures"]) == 60
    assert not Rating.objects.filter(organisation=rows["organisation"], scheme="tt09_2017").exists()


def test_the_api_in_english_says_it_in_english(rows):
    lock()
    api = token_client("canbo.bacninh", language="en")
    response = api.patch(f"/api/v1/figures/{rows['figures'].pk}/", {"members": 70}, format="json")
    assert response.status_code == 409
    assert "locked" in response.json()["non_field_errors"][0]


def test_the_api_entered_values_are_refused_while_locked():
    lock()
    api = token_client("canbo.bacninh")
    manual = Indicator.objects.filter(method=Indicator.Method.MANUAL).first()
    body = {"indicator": manual.code, "area": province("24").pk, "as_of": f"{YEAR}-07-01", "value": 3, "source": "Sở"}
    response = api.post("/api/v1/entered-values/", body, format="json")
    assert response.status_code == 409
    assert not EnteredValue.objects.filter(area=province("24"), as_of=datetime.date(YEAR, 7, 1)).exists()


def test_the_bulk_api_refuses_rows_of_a_locked_round_by_row_and_writes_nothing(rows):
    lock()
    other = OrganisationFactory(commune=commune("24"))
    body = {
        "rows": [
            {"registration_code": other.registration_code, "year": YEAR - 1, "members": 5},
            {"registration_code": rows["organisation"].registration_code, "year": YEAR, "members": 70},
        ]
    }
    response = token_client("canbo.bacninh").post("/api/v1/figures/bulk/", body, format="json")
    assert response.status_code == 400
    errors = response.json()["rows"]
    assert list(errors) == ["1"] and LOCKED in next(iter(errors["1"].values()))[0]
    assert members(rows["figures"]) == 60
    assert not YearlyFigures.objects.filter(organisation=other).exists()
