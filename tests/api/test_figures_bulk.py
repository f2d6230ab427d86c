"""The bulk upsert of yearly figures: by registration code, all or nothing, idempotent, fast, with
history rows under the account and one announcement of the change."""

import datetime
import time

import pytest

from cooperatives.models import Organisation, YearlyFigures
from cooperatives.signals import registry_changed
from tests.api.conftest import token_client
from tests.factories import OrganisationFactory, YearlyFiguresFactory, commune

pytestmark = pytest.mark.django_db
URL = "/api/v1/figures/bulk/"


@pytest.fixture
def announced():
    calls = []

    def listen(sender, kind, places, fields, **kwargs):
        calls.append((kind, frozenset(places), fields))

    registry_changed.connect(listen)
    yield calls
    registry_changed.disconnect(listen)


def test_rows_are_created_or_updated_by_code_and_year_and_a_second_time_change_nothing(staff, announced):
    first, second = OrganisationFactory(commune=commune("24")), OrganisationFactory(commune=commune("24"))
    YearlyFiguresFactory(organisation=second, year=2024, members=10)
    rows = [
        {"registration_code": first.registration_code, "year": 2024, "members": 70, "revenue": "1.250.000"},
        {"registration_code": second.registration_code, "year": 2024, "members": 12, "linked_with_enterprise": True},
        {"registration_code": second.registration_code, "year": 2023, "members": 9},
    ]
    announced.clear()

    response = staff.post(URL, {"rows": rows})

    assert response.status_code == 200, response.json()
    assert response.json() == {"create": 2, "update": 1, "unchanged": 0}
    updated = YearlyFigures.objects.get(organisation=second, year=2024)
    assert (updated.members, updated.linked_with_enterprise) == (12, True)
    assert YearlyFigures.objects.get(organisation=first, year=2024).revenue == 1250000
    history = YearlyFigures.history.filter(organisation_id__in=[first.pk, second.pk], history_change_reason="api")
    assert {(row.history_type, row.history_user.username) for row in history} == {
        ("+", "canbo.bacninh"),
        ("~", "canbo.bacninh"),
    }
    assert history.count() == 3
    assert announced == [("figures", frozenset({commune("24").pk}), None)]

    again = staff.post(URL, {"rows": rows})

    assert again.json() == {"create": 0, "update": 0, "unchanged": 3}
    assert YearlyFigures.history.filter(organisation_id__in=[first.pk, second.pk]).count() == 4  # 1 factory + 3
    assert len(announced) == 1


def test_one_wrong_row_writes_nothing_and_every_error_is_said_by_row_and_field(staff):
    own, other = OrganisationFactory(commune=commune("24")), OrganisationFactory(commune=commune("25"))
    rows = [
        {"registration_code": own.registration_code, "year": 2024, "members": 70},
        {"registration_code": other.registration_code, "year": 2024, "members": 5},
        {"registration_code": own.registration_code, "year": 2025, "key_officers": 2, "key_officers_trained": 3},
        {"registration_code": own.registration_code, "year": 1900, "ocop_max_stars": 7, "colour": "red"},
        {"registration_code": own.registration_code, "year": 2024, "members": 71},
        "not a row",
    ]

    response = staff.post(URL, {"rows": rows})

    assert response.status_code == 400
    errors = response.json()["rows"]
    assert set(errors) == {"1", "2", "3", "4", "5"}
    assert "registration_code" in errors["1"]  # another province's: as unknown as a code that does not exist
    assert "key_officers_trained" in errors["2"]
    assert set(errors["3"]) == {"year", "ocop_max_stars", "colour"}
    assert "year" in errors["4"]  # the same organisation and year twice
    assert not YearlyFigures.objects.filter(organisation__in=[own, other]).exists()


def test_leaders_get_a_403_and_staff_a_404_for_another_province(staff, leader):
    assert leader.post(URL, {"rows": [{"registration_code": "1", "year": 2024, "members": 1}]}).status_code == 403
    assert staff.post(URL, {"province": "25", "rows": [{"registration_code": "1"}]}).status_code == 404
    assert staff.post(URL, {"rows": []}).status_code == 400
    assert staff.post(URL, {"rows": "x"}).status_code == 400


def test_an_admin_names_the_province(admin):
    organisation = OrganisationFactory(commune=commune("25"))
    row = {"registration_code": organisation.registration_code, "year": 2024, "members": 3}
    assert admin.post(URL, {"rows": [row]}).status_code == 400
    assert admin.post(URL, {"province": "25", "rows": [row]}).json() == {"create": 1, "update": 0, "unchanged": 0}


def test_ten_thousand_figures_in_one_request(staff, django_assert_max_num_queries, announced):
    place = commune("24")
    organisations = Organisation.objects.bulk_create(
        Organisation(
            kind=Organisation.Kind.COOPERATIVE,
            name=f"HTX Số Lượng {number}",
            registration_code=f"97{number:08d}",
            sector=Organisation.Sector.AGRICULTURE,
            commune=place,
            province=place.parent,
            founded_on=datetime.date(2018, 1, 1),
        )
        for number in range(2000)
    )
    rows = [
        {"registration_code": organisation.registration_code, "year": year, "members": 50 + year % 7, "revenue": 10**9}
        for organisation in organisations
        for year in range(2020, 2025)
    ]
    started = time.monotonic()
    announced.clear()

    with django_assert_max_num_queries(40):
        response = staff.post(URL, {"rows": rows})

    assert response.status_code == 200, str(response.json())[:500]
    assert response.json() == {"create": 10_000, "update": 0, "unchanged": 0}
    assert time.monotonic() - started < 30
    created = YearlyFigures.objects.filter(organisation__in=organisations)
    assert (
        created.count() == 10_000 and YearlyFigures.history.filter(organisation_id__in=organisations).count() == 10_000
    )
    assert announced == [("figures", frozenset({place.pk}), None)]
    rows[0]["members"] = 99
    assert staff.post(URL, {"rows": rows}).json() == {"create": 0, "update": 1, "unchanged": 9_999}


def test_the_bulks_errors_follow_accept_language(db):
    own = OrganisationFactory(commune=commune("24"))
    row = {"registration_code": own.registration_code, "year": 2024, "key_officers": 2, "key_officers_trained": 3}
    for language, words in (("vi", "cán bộ chủ chốt"), ("en", "key officers")):
        errors = token_client("canbo.bacninh", language).post(URL, {"rows": [row, {"registration_code": "X1"}]})
        assert words in errors.json()["rows"]["0"]["key_officers_trained"][0].lower(), errors.json()
        assert errors.json()["rows"]["1"]["year"]
