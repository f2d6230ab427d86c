"""Staff of a province enter a xã's new-rural recognitions on the commune's page: the level, the
decision and its date, and the decision that withdraws one; every change is in its history and
queues the recompute of the figures it can move."""

import datetime

import pytest
from django.urls import reverse

from cooperatives.models import AdminUnit, NtmRecognition
from plans.models import PendingRecompute
from tests.factories import logged_in, province

pytestmark = pytest.mark.django_db


def first(kind, structure="34", code="24"):
    units = AdminUnit.objects.communes().filter(kind=kind).of_structure(structure).inside(province(code))
    return units.order_by("code")[0]


def test_staff_add_a_recognition_on_the_commune_s_page_and_withdraw_it_later(client):
    staff = logged_in(client, "canbo.bacninh")
    xa = first(AdminUnit.Kind.COMMUNE)
    page = staff.get(reverse("commune_detail", args=[xa.pk]))
    assert "Thêm quyết định công nhận" in page.content.decode()
    post = {"level": "standard", "decision_number": "1234/QĐ-UBND", "decided_on": "15/09/2025"}
    response = staff.post(reverse("ntm_recognition_create", args=[xa.pk]), post)
    assert response.status_code == 302 and response["Location"] == reverse("commune_detail", args=[xa.pk])
    recognition = NtmRecognition.objects.get(commune=xa)
    assert (recognition.province, recognition.decided_on) == (province("24"), datetime.date(2025, 9, 15))
    assert PendingRecompute.objects.filter(area=xa, source=PendingRecompute.Source.NTM).exists()
    assert staff.get(reverse("commune_detail", args=[xa.pk])).context["standing"] == "standard"
    withdraw = {**post, "withdrawn_on": "01/03/2026", "withdrawal_decision": "88/QĐ-UBND"}
    assert staff.post(reverse("ntm_recognition_update", args=[xa.pk, recognition.pk]), withdraw).status_code == 302
    page = staff.get(reverse("commune_detail", args=[xa.pk]))
    assert page.context["standing"] is None and "88/QĐ-UBND" in page.content.decode()
    assert recognition.history.count() == 2  # who entered it and who withdrew it


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"withdrawn_on": "01/01/2025"}, "withdrawn_on", "không thể trước ngày quyết định"),
        ({"withdrawal_decision": "88/QĐ-UBND"}, "withdrawn_on", "Nhập ngày của quyết định thu hồi"),
        ({"decided_on": "01/05/2025"}, "decided_on", "được lập từ 01/07/2025"),
    ],
)
def test_a_recognition_the_decisions_cannot_have_is_refused_in_vietnamese(client, changes, field, words):
    staff = logged_in(client, "canbo.bacninh")
    xa = first(AdminUnit.Kind.COMMUNE)
    post = {"level": "standard", "decision_number": "1/QĐ-UBND", "decided_on": "15/09/2025", **changes}
    response = staff.post(reverse("ntm_recognition_create", args=[xa.pk]), post)
    assert response.status_code == 200 and words in " ".join(response.context["form"].errors[field])
    assert not NtmRecognition.objects.filter(commune=xa).exists()


def test_only_a_xa_is_recognised_and_an_old_commune_only_before_it_was_merged(client):
    staff = logged_in(client, "canbo.bacninh")
    ward = first(AdminUnit.Kind.WARD)
    post = {"level": "standard", "decision_number": "1/QĐ-UBND", "decided_on": "15/09/2025"}
    response = staff.post(reverse("ntm_recognition_create", args=[ward.pk]), post)
    assert "Chỉ xã được công nhận" in str(response.context["form"].errors)
    assert "Thêm quyết định công nhận" not in staff.get(reverse("commune_detail", args=[ward.pk])).content.decode()
    old_xa = first(AdminUnit.Kind.COMMUNE, structure="63")
    response = staff.post(reverse("ntm_recognition_create", args=[old_xa.pk]), post)
    assert "không còn từ 30/06/2025" in " ".join(response.context["form"].errors["decided_on"])
    old = {**post, "decided_on": "20/12/2019"}
    assert staff.post(reverse("ntm_recognition_create", args=[old_xa.pk]), old).status_code == 302
    assert NtmRecognition.objects.get(commune=old_xa).province == province("24")  # where it went in 2025


def test_another_province_s_commune_is_a_404_and_leaders_read_but_never_write(client):
    other = first(AdminUnit.Kind.COMMUNE, code="25")
    staff = logged_in(client, "canbo.bacninh")
    assert staff.get(reverse("commune_detail", args=[other.pk])).status_code == 404
    assert staff.post(reverse("ntm_recognition_create", args=[other.pk]), {}).status_code == 404
    leader = logged_in(client, "lanhdao")
    assert leader.get(reverse("commune_detail", args=[other.pk])).status_code == 200
    assert leader.get(reverse("ntm_recognition_create", args=[other.pk])).status_code == 403


def test_the_commune_list_finds_a_commune_by_name_and_links_to_its_page(client):
    staff = logged_in(client, "canbo.bacninh")
    xa = first(AdminUnit.Kind.COMMUNE)
    response = staff.get(reverse("commune_list"), {"q": xa.name, "structure": "34"})
    assert xa in [row.record for row in response.context["table"].page.object_list]
    assert reverse("commune_detail", args=[xa.pk]) in response.content.decode()
