"""Staff record support actions of their province; they count towards the targets that read them."""

import datetime

import pytest
from django.urls import reverse

from cooperatives.models import SupportAction
from plans.models import PendingRecompute
from tests.factories import OrganisationFactory, commune, logged_in

pytestmark = pytest.mark.django_db


def action(**fields):
    return {
        "kind": "trade_fair",
        "occurred_on": "2026-09-12",
        "organisation": "",
        "area": "",
        "count": 1,
        "amount": "",
        "description": "Hội chợ OCOP",
        **fields,
    }


def test_an_action_for_an_organisation_takes_its_place_and_queues_the_recompute(client):
    htx = OrganisationFactory(commune=commune("24"))
    staff = logged_in(client, "canbo.bacninh")
    response = staff.post(reverse("support_action_create"), action(organisation=htx.pk))
    assert response.status_code == 302
    saved = SupportAction.objects.get(organisation=htx)
    assert (saved.area, saved.province.code, saved.occurred_on) == (htx.commune, "24", datetime.date(2026, 9, 12))
    assert PendingRecompute.objects.filter(area=htx.commune, source="actions").exists()


def test_an_action_needs_an_organisation_or_a_place(client):
    response = logged_in(client, "canbo.bacninh").post(reverse("support_action_create"), action())
    assert "Chọn một tổ chức hoặc một địa bàn." in response.content.decode()


def test_another_provinces_organisation_cannot_be_chosen(client):
    elsewhere = OrganisationFactory(commune=commune("25"))
    response = logged_in(client, "canbo.bacninh").post(
        reverse("support_action_create"), action(organisation=elsewhere.pk)
    )
    assert "organisation" in response.context["form"].errors
    assert not SupportAction.objects.filter(organisation=elsewhere).exists()


def test_the_list_is_scoped_and_leaders_only_read(client):
    bac_ninh = SupportAction.objects.filter(province__code="24").first()
    phu_tho = logged_in(client, "canbo.phutho")
    assert bac_ninh.pk not in [
        row.record.pk for row in phu_tho.get(reverse("support_action_list")).context["table"].page
    ]
    assert phu_tho.get(reverse("support_action_update", args=[bac_ninh.pk])).status_code == 404
    leader = logged_in(client, "lanhdao")
    assert leader.get(reverse("support_action_list")).status_code == 200
    assert leader.get(reverse("support_action_create")).status_code == 403
