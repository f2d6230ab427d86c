"""Staff add and correct organisations of their own province; leaders read; other provinces are out of reach."""

import datetime

import pytest
from django.urls import reverse

from cooperatives.models import Organisation
from plans.models import PendingRecompute
from tests.factories import OrganisationFactory, commune, logged_in

pytestmark = pytest.mark.django_db


def new_htx(place, **changes):
    return {
        "kind": "htx",
        "registration_code": "2409999001",
        "name": "HTX Nông nghiệp Thử Nghiệm",
        "short_name": "",
        "sector": "agriculture",
        "commune": place.pk,
        "address": "",
        "legal_representative": "",
        "founded_on": "2026-03-01",
        "status": "active",
        "status_since": "",
        "dissolved_on": "",
        "alliance_joined_on": "",
        **changes,
    }


def test_staff_add_an_htx_in_their_province_and_its_history_names_them(client):
    staff = logged_in(client, "canbo.bacninh")
    response = staff.post(reverse("organisation_create"), new_htx(commune("24")))
    created = Organisation.objects.get(registration_code="2409999001")
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    assert (created.province.code, created.province.structure) == ("24", "34")
    assert created.history.get().history_user.username == "canbo.bacninh"
    assert PendingRecompute.objects.filter(area=created.commune).exists()  # the figures will follow
    page = staff.get(created.get_absolute_url()).content.decode()
    assert "HTX Nông nghiệp Thử Nghiệm" in page and "Nguyễn Văn An" in page
    assert 'role="status">Đã lưu HTX Nông nghiệp Thử Nghiệm' in page  # the message, once
    assert "Đã lưu" not in staff.get(created.get_absolute_url()).content.decode()


def test_a_commune_of_another_province_is_refused_and_nothing_is_saved(client):
    staff = logged_in(client, "canbo.bacninh")
    response = staff.post(reverse("organisation_create"), new_htx(commune("25")))
    assert response.status_code == 200 and "commune" in response.context["form"].errors
    assert not Organisation.objects.filter(registration_code="2409999001").exists()


def test_a_dissolution_date_needs_an_ended_status_said_in_vietnamese(client):
    staff = logged_in(client, "canbo.bacninh")
    response = staff.post(reverse("organisation_create"), new_htx(commune("24"), dissolved_on="2026-05-01"))
    assert "tình trạng phải là đã giải thể" in response.context["form"].errors["status"][0]
    assert not Organisation.objects.filter(registration_code="2409999001").exists()


def test_staff_correct_an_organisation_and_save_and_add_another(client):
    staff = logged_in(client, "canbo.bacninh")
    organisation = OrganisationFactory(commune=commune("24"), founded_on=datetime.date(2021, 1, 5))
    edit = new_htx(commune("24"), name="HTX Đã Sửa Tên", registration_code=organisation.registration_code)
    response = staff.post(reverse("organisation_update", args=[organisation.pk]), edit)
    organisation.refresh_from_db()
    assert response.status_code == 302 and organisation.name == "HTX Đã Sửa Tên"
    again = staff.post(reverse("organisation_create"), {**new_htx(commune("24")), "save_and_add": "1"})
    assert again["Location"] == reverse("organisation_create")


def test_another_provinces_organisation_is_a_404_to_staff(client):
    staff = logged_in(client, "canbo.phutho")
    bac_ninh = OrganisationFactory(commune=commune("24"))
    assert staff.get(reverse("organisation_update", args=[bac_ninh.pk])).status_code == 404
    assert staff.get(reverse("organisation_detail", args=[bac_ninh.pk])).status_code == 404
    assert staff.post(reverse("organisation_update", args=[bac_ninh.pk]), new_htx(commune("25"))).status_code == 404


def test_leaders_read_and_never_write(client):
    leader = logged_in(client, "lanhdao")
    organisation = OrganisationFactory(commune=commune("24"))
    assert leader.get(organisation.get_absolute_url()).status_code == 200
    assert leader.get(reverse("organisation_create")).status_code == 403
    assert (
        leader.post(reverse("organisation_update", args=[organisation.pk]), new_htx(commune("24"))).status_code == 403
    )


def test_the_organisation_page_reads_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    leader = logged_in(client, "lanhdao")
    organisation = Organisation.objects.filter(yearly_figures__isnull=False, ratings__isnull=False).first()
    with django_assert_max_num_queries(10):
        assert leader.get(organisation.get_absolute_url()).status_code == 200


def test_a_code_registered_in_another_province_is_refused_without_naming_who_holds_it(client):
    # Codes are public tax codes (README, "Security"): saying one is taken is fine, saying by whom is not.
    other = OrganisationFactory(commune=commune("25"), registration_code="2509999777", name="HTX Bí Danh Phú Thọ")
    staff = logged_in(client, "canbo.bacninh")
    response = staff.post(reverse("organisation_create"), new_htx(commune("24"), registration_code="2509999777"))
    assert response.status_code == 200
    errors = " ".join(str(error) for errors in response.context["form"].errors.values() for error in errors)
    assert errors and other.name not in errors and "Phú Thọ" not in errors
    assert Organisation.objects.filter(registration_code="2509999777").count() == 1
