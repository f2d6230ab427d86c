"""The registry announces every change of its rows (cooperatives.signals.registry_changed): which
kind of row, in which places, and which fields (None: the whole row)."""

import datetime

import pytest

from cooperatives.models import AdminUnit, Organisation, Rating, SupportAction
from cooperatives.services import organisation_delete, organisation_restore, registry_import
from cooperatives.signals import registry_changed
from tests.factories import OrganisationFactory, YearlyFiguresFactory, commune, province, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced():
    """The announcements made while a test runs, as (kind, places, fields)."""
    heard = []

    def listen(sender, kind, places, fields, **kwargs):
        heard.append((kind, places, fields))

    registry_changed.connect(listen)
    yield heard
    registry_changed.disconnect(listen)


def loaded(organisation) -> Organisation:
    return Organisation.objects.get(pk=organisation.pk)


def test_a_new_organisation_is_announced_whole_in_its_commune(announced):
    place = commune("04")
    OrganisationFactory(commune=place)
    assert announced == [("organisations", {place.pk}, None)]


def test_an_update_says_which_fields_it_changed(announced):
    organisation = loaded(OrganisationFactory(commune=commune("04")))
    announced.clear()
    organisation.name, organisation.sector = "HTX Đổi Tên", Organisation.Sector.TRANSPORT
    organisation.save()
    assert announced == [("organisations", {commune("04").pk}, {"name", "sector", "updated_at"})]


def test_a_second_save_of_the_same_instance_compares_with_the_first():
    organisation = loaded(OrganisationFactory(commune=commune("04")))
    organisation.alliance_joined_on = datetime.date(2024, 5, 1)
    organisation.save()
    assert organisation.changed_fields() == set()
    organisation.name = "HTX Đổi Tên"
    assert organisation.changed_fields() == {"name"}


def test_a_save_of_some_fields_announces_only_those(announced):
    organisation = loaded(OrganisationFactory(commune=commune("04")))
    announced.clear()
    organisation.name, organisation.founded_on = "HTX Đổi Tên", datetime.date(2019, 1, 1)
    organisation.save(update_fields=["name"])
    assert announced == [("organisations", {commune("04").pk}, {"name"})]
    assert organisation.changed_fields() == {"founded_on"}  # not saved yet


def test_a_move_between_communes_announces_both(announced):
    organisation = loaded(OrganisationFactory(commune=commune("04")))
    announced.clear()
    organisation.commune = commune("11")
    organisation.save()
    [(kind, places, fields)] = announced
    assert places == {commune("04").pk, commune("11").pk}
    assert {"commune_id", "province_id"} <= fields


def test_an_action_moved_to_another_place_announces_both(announced):
    action = SupportAction.objects.create(kind="trade_fair", occurred_on=datetime.date(2024, 3, 1), area=commune("24"))
    action = SupportAction.objects.get(pk=action.pk)
    announced.clear()
    action.area = commune("25")
    action.save()
    assert announced == [("actions", {commune("24").pk, commune("25").pk}, None)]


def test_figures_ratings_and_actions_are_announced_in_their_place(announced):
    organisation = OrganisationFactory(commune=commune("04"))
    announced.clear()
    figures = YearlyFiguresFactory(organisation=organisation, year=2024)
    Rating.objects.create(organisation=organisation, year=2024, verified_score=70)
    SupportAction.objects.create(kind="training", occurred_on=datetime.date(2024, 3, 1), area=province("04"))
    figures.delete()
    place = {commune("04").pk}
    assert announced == [
        ("figures", place, None),
        ("ratings", place, None),
        ("actions", {province("04").pk}, None),
        ("figures", place, None),
    ]


def test_a_deletion_and_a_restore_announce_every_row(announced):
    organisation = OrganisationFactory(commune=commune("04"))
    YearlyFiguresFactory(organisation=organisation, year=2024)
    pk, place = organisation.pk, {commune("04").pk}
    announced.clear()
    organisation_delete(organisation=organisation, user=None)
    assert announced == [("figures", place, None), ("organisations", place, None)]
    announced.clear()
    organisation_restore(deletion=Organisation.history.filter(id=pk).latest(), user=None)
    assert announced == [("organisations", place, None), ("figures", place, None)]


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


def imported(*rows):
    data = xlsx_bytes([HEADER, *rows])
    report = registry_import(data=data, file_name="x.xlsx", province=province("24"), commit=True)
    assert report.committed, report.errors


def test_an_import_announces_each_kind_once_with_the_fields_its_updates_changed(announced):
    here = commune("24")
    there = AdminUnit.objects.communes().inside(province("24")).of_structure("34").order_by("code")[1]
    renamed = OrganisationFactory(commune=here, registration_code="2409900101")
    YearlyFiguresFactory(organisation=renamed, year=2024, members=10)
    OrganisationFactory(commune=here, registration_code="2409900102", name="HTX Chuyển Xã")
    announced.clear()
    imported(
        ["2409900101", "HTX Tên Mới", "HTX", "NN", here.code, "01/03/2020", 2024, 12],
        ["2409900102", "HTX Chuyển Xã", "HTX", "NN", there.code, "01/03/2020", None, None],
    )
    assert sorted(announced) == [
        ("figures", {here.pk}, {"members"}),
        ("organisations", {here.pk, there.pk}, {"name", "commune_id"}),
    ]


def test_an_import_that_creates_a_row_announces_its_kind_whole(announced):
    place = commune("24")
    imported(["2409900103", "HTX Nhập Mới", "HTX", "NN", place.code, "01/03/2020", 2024, 30])
    assert sorted(announced) == [("figures", {place.pk}, None), ("organisations", {place.pk}, None)]
