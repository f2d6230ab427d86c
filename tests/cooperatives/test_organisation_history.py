"""The organisation's page and the support action form show who changed what, when, before → after."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from cooperatives.models import AdminUnit, Organisation, SupportAction
from tests.factories import OrganisationFactory, RatingFactory, YearlyFiguresFactory, commune, logged_in, province

pytestmark = pytest.mark.django_db


def second_commune():
    return AdminUnit.objects.communes().inside(province("24")).of_structure("34").order_by("code")[1]


def organisation_edit(organisation, **changes):
    fields = ["kind", "registration_code", "name", "short_name", "sector", "address", "legal_representative"]
    data = {name: getattr(organisation, name) for name in fields}
    data |= {"commune": organisation.commune_id, "founded_on": organisation.founded_on.isoformat(), "status": "active"}
    return {**data, "status_since": "", "dissolved_on": "", "alliance_joined_on": "", **changes}


def test_an_edit_through_the_form_shows_each_changed_field_who_and_when(client):
    staff = logged_in(client, "canbo.bacninh")
    organisation = OrganisationFactory(commune=commune("24"), name="HTX Tên Cũ")
    staff.post(
        reverse("organisation_update", args=[organisation.pk]),
        organisation_edit(organisation, name="HTX Tên Mới", sector="trade_services", commune=second_commune().pk),
    )
    page = staff.get(organisation.get_absolute_url()).content.decode()
    assert 'Tên: <del class="text-body-secondary">HTX Tên Cũ</del> → <ins>HTX Tên Mới</ins>' in page
    assert "Nông nghiệp</del> → <ins>Thương mại – dịch vụ</ins>" in page
    assert f"{commune('24')}</del> → <ins>{second_commune()}</ins>" in page
    edited = organisation.history.latest("history_id").history_date.astimezone(datetime.UTC)
    assert edited.astimezone(datetime.timezone(datetime.timedelta(hours=7))).strftime("%H:%M %d/%m/%Y") in page
    assert "Sửa</span> · Nguyễn Văn An" in page


def test_changes_of_its_figures_and_ratings_are_labelled_by_their_row(client):
    staff = logged_in(client, "canbo.bacninh")
    organisation = OrganisationFactory(commune=commune("24"))
    figures = YearlyFiguresFactory(organisation=organisation, year=2024, members=62)
    rating = RatingFactory(organisation=organisation, year=2024, verified_score=Decimal(70))
    staff.post(
        reverse("organisation_part_update", args=[organisation.pk, "figures", figures.pk]),
        {"year": 2024, "members": 70, "ocop_products": 0},
    )
    staff.post(
        reverse("organisation_part_update", args=[organisation.pk, "ratings", rating.pk]),
        {"year": 2024, "scheme": "tt01_2020", "verified_score": "82.5", "level": ""},
    )
    page = staff.get(organisation.get_absolute_url()).content.decode()
    assert "Số liệu năm 2024 · Nguyễn Văn An" in page
    assert 'Số thành viên: <del class="text-body-secondary">62</del> → <ins>70</ins>' in page
    assert "Xếp loại năm 2024 (TT 01/2020/TT-BKHĐT (mọi HTX)) · Nguyễn Văn An" in page
    assert 'Điểm thẩm định: <del class="text-body-secondary">70</del> → <ins>82,5</ins>' in page
    assert "Khá</del> → <ins>Tốt</ins>" in page


def test_a_change_made_outside_a_page_is_by_the_system(client):
    organisation = OrganisationFactory(commune=commune("24"))
    organisation.address = "Thôn Đông"
    organisation.save()
    page = logged_in(client, "lanhdao").get(organisation.get_absolute_url()).content.decode()
    assert "Sửa</span> · hệ thống" in page and "<ins>Thôn Đông</ins>" in page


def test_the_page_shows_the_latest_twenty_changes_in_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    organisation = OrganisationFactory(commune=commune("24"))
    figures = YearlyFiguresFactory(organisation=organisation)
    for members in range(61, 91):
        figures.members = members
        figures.save()
        organisation.address = f"Số {members}"
        organisation.save()
    leader = logged_in(client, "lanhdao")
    with django_assert_max_num_queries(12):
        response = leader.get(organisation.get_absolute_url())
    assert len(response.context["history"].entries) == 20
    assert "20 thay đổi gần nhất." in response.content.decode()


def test_the_support_action_form_shows_the_actions_history(client):
    staff = logged_in(client, "canbo.bacninh")
    action = SupportAction.objects.create(kind="trade_fair", occurred_on=datetime.date(2026, 9, 12), area=commune("24"))
    data = {"kind": "trade_fair", "occurred_on": "2026-09-12", "organisation": "", "area": commune("24").pk}
    staff.post(reverse("support_action_update", args=[action.pk]), {**data, "count": 3, "amount": "150000000"})
    page = staff.get(reverse("support_action_update", args=[action.pk])).content.decode()
    assert 'Số lượng: <del class="text-body-secondary">1</del> → <ins>3</ins>' in page
    assert 'Số tiền (đồng): <del class="text-body-secondary">—</del> → <ins>150.000.000</ins>' in page
    assert "Tạo mới</span> · hệ thống" in page


def test_a_new_support_action_has_no_history_yet(client):
    page = logged_in(client, "canbo.bacninh").get(reverse("support_action_create")).content.decode()
    assert "Lịch sử thay đổi" not in page


def test_the_first_correction_of_a_demo_organisation_shows_before_and_after(client):
    organisation = Organisation.objects.filter(province__code="24", commune__structure="34").order_by("pk").first()
    staff = logged_in(client, "canbo.bacninh")
    staff.post(reverse("organisation_update", args=[organisation.pk]), organisation_edit(organisation, name="HTX Mới"))
    page = staff.get(organisation.get_absolute_url()).content.decode()
    assert f'Tên: <del class="text-body-secondary">{escape(organisation.name)}</del> → <ins>HTX Mới</ins>' in page
