"""The provinces on a map: the outlines' import, the map's figures and statuses, and its pages."""

import json

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from cooperatives.models import AdminUnit, ProvinceBoundary
from plans import maps
from plans.models import Indicator, ProgressYear
from plans.services import indicator_preview

pytestmark = pytest.mark.django_db
MAPS = settings.MAPS_DIR


@pytest.fixture(autouse=True)
def _maps_present():
    if not (MAPS / "provinces_34_2025-07-01.geojson").is_file():
        pytest.fail(f"The province maps are missing at {MAPS}; set MAPS_DIR.")


def login(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def test_the_import_loads_both_maps_by_official_code():
    for structure, count in (("34", 34), ("63", 63)):
        rows = ProvinceBoundary.objects.filter(unit__structure=structure)
        assert rows.count() == count == AdminUnit.objects.provinces().of_structure(structure).count()
    hanoi = ProvinceBoundary.objects.get(unit__structure="34", unit__code="01")
    source = json.loads((MAPS / "provinces_34_2025-07-01.geojson").read_text())
    assert hanoi.geometry == next(f["geometry"] for f in source["features"] if f["properties"]["code"] == "01")


def write(tmp_path, features, name="map.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def features_of(structure):
    name = "provinces_34_2025-07-01.geojson" if structure == "34" else "provinces_63_pre2025.geojson"
    return json.loads((MAPS / name).read_text())["features"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda fs: fs[:-1], "missing"),
        (lambda fs: [*fs, {**fs[0]}], "appears twice"),
        (lambda fs: [{**fs[0], "geometry": {"type": "Point", "coordinates": [105, 21]}}, *fs[1:]], "Polygon"),
        (lambda fs: [{**fs[0], "geometry": {"type": "Polygon", "coordinates": [[[500, 21]] * 4]}}, *fs[1:]], "rings"),
        (lambda fs: [{**fs[0], "properties": {}, "id": None}, *fs[1:]], "no province code"),
    ],
)
def test_a_bad_file_is_refused_and_changes_nothing(tmp_path, change, message):
    good = write(tmp_path, features_of("63"), "a.geojson")
    bad = write(tmp_path, change(features_of("34")), "b.geojson")
    before = list(ProvinceBoundary.objects.order_by("pk").values_list("pk", "loaded_at"))
    with pytest.raises(CommandError, match=message):
        call_command("import_province_maps", str(good), str(bad))
    assert list(ProvinceBoundary.objects.order_by("pk").values_list("pk", "loaded_at")) == before


def test_the_outlines_are_served_from_our_own_url(client):
    response = login(client, "lanhdao").get(reverse("map_outlines", args=["63"]))
    assert response["Content-Type"] == "application/geo+json"
    outlines = json.loads(response.content)
    assert len(outlines["features"]) == 63 and {f["id"] for f in outlines["features"]} == {
        f["properties"]["code"] for f in features_of("63")
    }
    assert client.get(reverse("map_outlines", args=["99"])).status_code == 404


def test_each_province_value_is_the_indicators_own_figure(client):
    share = Indicator.objects.get(code="htx_effective_share")
    data = json.loads(
        login(client, "lanhdao").get(reverse("indicator_map_data", args=[share.code]), {"year": 2024}).content
    )
    assert data["structure"] == "63" and len(data["rows"]) == 63  # before 2025: the old provinces
    shown = {row["code"]: row for row in data["rows"]}
    for code in ("24", "25", "01"):
        unit = AdminUnit.objects.get(level="province", structure="63", code=code)
        measured = indicator_preview(indicator=share, area=unit, year=2024).measure
        assert (
            shown[code]["value"] is None
            if measured.value is None
            else shown[code]["value"]["value"] == float(measured.value)
        )
    assert shown["24"]["url"] == reverse("province_detail", args=["24"]) + "?structure=63"
    assert sum(row["value"] is not None for row in data["rows"]) >= 2  # the demo's provinces have figures


def test_a_provincial_account_gets_its_own_province_only(client):
    data = json.loads(
        login(client, "lanhdao.bacninh")
        .get(reverse("indicator_map_data", args=["htx_effective_share"]), {"year": 2025})
        .content
    )
    assert len(data["rows"]) == 34
    with_figures = {row["code"] for row in data["rows"] if row["value"] is not None or row["url"]}
    assert with_figures == {"24"}


def test_the_status_map_shows_each_provinces_worst_target(client):
    rows = ProgressYear.objects.filter(target__area__level="province", target__area__structure="63").exclude(
        status="error"
    )
    sample = rows.select_related("target__indicator", "target__area").first()
    assert sample is not None, "the demo has provincial targets"
    indicator, year = sample.target.indicator, sample.year
    data = json.loads(
        login(client, "lanhdao")
        .get(reverse("indicator_map_data", args=[indicator.code]), {"year": year, "mode": "status"})
        .content
    )
    shown = {row["code"]: row["value"] for row in data["rows"]}
    for code, value in shown.items():
        statuses = list(
            rows.filter(year=year, target__indicator=indicator, target__area__code=code).values_list(
                "status", flat=True
            )
        )
        if not statuses:
            assert value is None
            continue
        worst = max(statuses, key=maps.STATUS_ORDER.index)
        assert value["status"] == worst and value["value"] == maps.STATUS_ORDER.index(worst)


def test_the_overview_has_the_map_for_national_accounts_only(client):
    html = login(client, "lanhdao").get(reverse("overview")).content.decode()
    assert 'class="province-map"' in html and reverse("indicator_map_data", args=["htx_effective_share"]) in html
    assert 'class="province-map"' not in login(client, "lanhdao.bacninh").get(reverse("overview")).content.decode()


def test_the_indicator_map_page_holds_its_selected_year_and_mode(client):
    page = login(client, "lanhdao").get(
        reverse("indicator_map", args=["htx_weak_share"]), {"year": "2023", "mode": "status"}
    )
    html = page.content.decode()
    assert page.context["map"]["outlines"] == reverse("map_outlines", args=["63"])
    assert f"{reverse('indicator_map_data', args=['htx_weak_share'])}?year=2023&amp;mode=status" in html
    assert login(client, "lanhdao").get(reverse("indicator_map", args=["no_such"])).status_code == 404
    # Bad input is held to what exists, never an error.
    assert (
        login(client, "lanhdao").get(reverse("indicator_map", args=["htx_weak_share"]), {"year": "x"}).status_code
        == 200
    )
    assert maps.structure_of(2024) == "63" and maps.structure_of(2025) == "34"
