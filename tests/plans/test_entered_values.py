"""Staff type in the figures no registry holds, for their own places; leaders read them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from plans.models import EnteredValue, Indicator
from tests.factories import logged_in, province

pytestmark = pytest.mark.django_db


def entry(area, **changes):
    road = Indicator.objects.get(code="rural_roads_km")
    return {
        "indicator": road.pk,
        "area": area.pk,
        "as_of": "2026-06-30",
        "value": "12,5",
        "source": "Báo cáo 6 tháng",
        **changes,
    }


def test_staff_enter_a_figure_for_an_old_province_of_theirs(client):
    staff = logged_in(client, "canbo.bacninh")
    response = staff.post(reverse("entered_value_create"), entry(province("24", "63")))
    assert response.status_code == 302, response.context["form"].errors
    saved = EnteredValue.objects.get(area=province("24", "63"), as_of=datetime.date(2026, 6, 30))
    assert (saved.value, saved.entered_by.username) == (Decimal("12.5"), "canbo.bacninh")


def test_a_place_of_another_province_is_refused(client):
    staff = logged_in(client, "canbo.bacninh")
    response = staff.post(reverse("entered_value_create"), entry(province("25")))
    assert "area" in response.context["form"].errors
    assert not EnteredValue.objects.filter(area=province("25"), as_of=datetime.date(2026, 6, 30)).exists()


def test_the_list_holds_only_the_accounts_places(client):
    html = logged_in(client, "canbo.phutho").get(reverse("entered_value_list")).content.decode()
    assert "Số nghĩa trang" not in html  # Bắc Giang's, not Phú Thọ's
    national = logged_in(client, "lanhdao").get(reverse("entered_value_list")).content.decode()
    assert "Số nghĩa trang" in national


def test_leaders_read_and_never_write_and_other_provinces_get_a_404(client):
    value = EnteredValue.objects.filter(area=province("24", "63")).first()
    assert logged_in(client, "lanhdao").get(reverse("entered_value_create")).status_code == 403
    assert logged_in(client, "canbo.phutho").get(reverse("entered_value_update", args=[value.pk])).status_code == 404
