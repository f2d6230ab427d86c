"""Staff delete an organisation of their province, find it among the deleted, and restore it whole."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cooperatives.models import Organisation, Rating, SupportAction, YearlyFigures
from cooperatives.services import organisation_delete, organisation_restore
from plans.models import PendingRecompute, Progress, RecomputeSchedule, Target
from plans.services import progress_recompute_pending
from tests.factories import OrganisationFactory, RatingFactory, YearlyFiguresFactory, commune, logged_in, province

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def _nothing_pending():
    PendingRecompute.objects.all().delete()
    RecomputeSchedule.objects.update_or_create(pk=1, defaults={"queued_at": None})


@pytest.fixture
def htx():
    """A Bắc Ninh HTX with two years of figures, a rating and a support action."""
    organisation = OrganisationFactory(commune=commune("24"), name="HTX Sẽ Bị Xóa")
    YearlyFiguresFactory(organisation=organisation, year=2023, members=55)
    YearlyFiguresFactory(organisation=organisation, year=2024, members=58)
    RatingFactory(organisation=organisation, year=2024, verified_score=Decimal(82))
    SupportAction.objects.create(
        kind="trade_fair", occurred_on=datetime.date(2024, 5, 2), organisation=organisation, area=organisation.commune
    )
    return organisation


def delete(client, organisation):
    return client.post(reverse("organisation_delete", args=[organisation.pk]))


def restore(client, pk):
    return client.post(reverse("organisation_restore", args=[pk]))


def rows_of(pk) -> tuple[int, int, int]:
    return tuple(model.objects.filter(organisation_id=pk).count() for model in (YearlyFigures, Rating, SupportAction))


def test_the_confirm_page_says_what_goes_with_it_and_deletes_nothing(client, htx):
    staff = logged_in(client, "canbo.bacninh")
    page = staff.get(reverse("organisation_delete", args=[htx.pk])).content.decode()
    assert "Xóa HTX Sẽ Bị Xóa?" in page and "Số liệu năm: 2" in page and "Hoạt động hỗ trợ: 1" in page
    assert Organisation.objects.filter(pk=htx.pk).exists()
    assert reverse("organisation_delete", args=[htx.pk]) in staff.get(htx.get_absolute_url()).content.decode()


def test_a_deleted_organisation_leaves_the_registry_and_is_listed_with_who_and_when(client, htx):
    staff = logged_in(client, "canbo.bacninh")
    response = delete(staff, htx)
    assert response.status_code == 302 and response["Location"] == reverse("organisation_deleted_list")
    assert not Organisation.objects.filter(pk=htx.pk).exists() and rows_of(htx.pk) == (0, 0, 0)
    assert staff.get(htx.get_absolute_url()).status_code == 404
    deleted = staff.get(reverse("organisation_deleted_list")).content.decode()  # (shows "Đã xóa …" once)
    assert "HTX Sẽ Bị Xóa" not in staff.get(reverse("registry_list"), {"q": "Sẽ Bị Xóa"}).content.decode()
    deletion = Organisation.history.get(id=htx.pk, history_type="-")
    when = timezone.localtime(deletion.history_date).strftime("%H:%M %d/%m/%Y")
    assert "HTX Sẽ Bị Xóa" in deleted and "Nguyễn Văn An" in deleted and when in deleted
    assert deletion.history_user.username == "canbo.bacninh"


def test_a_restore_brings_it_back_with_its_id_figures_ratings_and_actions_and_says_who(client, htx):
    staff = logged_in(client, "canbo.bacninh")
    created_at = htx.created_at
    delete(staff, htx)
    response = restore(staff, htx.pk)
    assert response.status_code == 302 and response["Location"] == htx.get_absolute_url()
    restored = Organisation.objects.get(pk=htx.pk)
    assert (restored.name, restored.commune, restored.created_at) == ("HTX Sẽ Bị Xóa", htx.commune, created_at)
    assert rows_of(htx.pk) == (2, 1, 1)
    assert Rating.objects.get(organisation=restored).level == Rating.Level.GOOD
    page = staff.get(restored.get_absolute_url()).content.decode()
    assert "Khôi phục</span> · Nguyễn Văn An" in page and "Xóa</span> · Nguyễn Văn An" in page
    assert "Khôi phục</span> · Số liệu năm 2024 · Nguyễn Văn An" in page
    assert "HTX Sẽ Bị Xóa" not in staff.get(reverse("organisation_deleted_list")).content.decode()


def test_only_the_rows_deleted_with_it_come_back(htx):
    staff = User.objects.get(username="canbo.bacninh")
    earlier = htx.yearly_figures.get(year=2023)
    earlier._history_date = timezone.now() - datetime.timedelta(days=1)
    earlier.delete()
    deletion = _deleted_by(Organisation.objects.get(pk=htx.pk), staff)
    organisation_restore(deletion=deletion, user=staff)
    assert list(YearlyFigures.objects.filter(organisation_id=deletion.id).values_list("year", flat=True)) == [2024]


def test_an_organisation_deleted_from_the_admin_comes_back_with_its_rows_too(client, htx):
    pk = htx.pk
    admin_client = logged_in(client, "admin")
    page = reverse("admin:cooperatives_organisation_delete", args=[pk])
    assert admin_client.post(page, {"post": "yes"}).status_code == 302
    assert not Organisation.objects.filter(pk=pk).exists()
    assert restore(admin_client, pk).status_code == 302
    assert rows_of(pk) == (2, 1, 1)


def test_a_row_deleted_on_purpose_just_before_stays_deleted(client, htx):
    staff = logged_in(client, "canbo.bacninh")
    YearlyFigures.objects.filter(organisation=htx).order_by("year").last().delete()
    delete(staff, htx)
    assert restore(staff, htx.pk).status_code == 302
    assert rows_of(htx.pk) == (1, 1, 1)


def test_restoring_queues_the_recompute_and_the_figures_come_back(client, django_capture_on_commit_callbacks):
    bac_giang = province("24", "63")
    target = Target.objects.get(area=bac_giang, indicator__code="htx_effective_share")
    share = Progress.objects.get(target=target).actual
    good = Organisation.objects.in_area(bac_giang).cooperatives().rated_in(2025, Rating.Level.GOOD).first()
    staff = logged_in(client, "canbo.bacninh")
    delete(staff, good)
    progress_recompute_pending(today=TODAY)
    assert Progress.objects.get(target=target).actual < share
    with django_capture_on_commit_callbacks() as callbacks:
        restore(staff, good.pk)
    assert len(callbacks) == 1  # the drain task, queued after commit
    assert PendingRecompute.objects.filter(area=good.commune, source="ratings").exists()
    progress_recompute_pending(today=TODAY)
    assert Progress.objects.get(target=target).actual == share


def test_an_organisation_back_in_the_registry_is_not_restored_twice(client, htx):
    staff = logged_in(client, "canbo.bacninh")
    delete(staff, htx)
    restore(staff, htx.pk)
    again = restore(staff, htx.pk)
    assert again.status_code == 409 and "HTX Sẽ Bị Xóa đã có trong sổ đăng ký" in again.content.decode()
    assert rows_of(htx.pk) == (2, 1, 1)


def test_a_registration_code_taken_meanwhile_is_refused_and_nothing_is_restored(client, htx):
    staff = logged_in(client, "canbo.bacninh")
    delete(staff, htx)
    OrganisationFactory(commune=commune("24"), registration_code=htx.registration_code)
    refused = restore(staff, htx.pk)
    assert refused.status_code == 409 and f"Mã số đăng ký {htx.registration_code} đã thuộc" in refused.content.decode()
    assert not Organisation.objects.filter(pk=htx.pk).exists() and rows_of(htx.pk) == (0, 0, 0)


def test_another_province_gets_a_404_and_does_not_see_it_deleted(client, htx):
    staff = logged_in(client, "canbo.bacninh")
    delete(staff, htx)
    staff.get(reverse("organisation_deleted_list"))  # where the deletion's message is shown
    other = logged_in(client, "canbo.phutho")
    assert restore(other, htx.pk).status_code == 404
    assert "HTX Sẽ Bị Xóa" not in other.get(reverse("organisation_deleted_list")).content.decode()
    assert "HTX Sẽ Bị Xóa" in logged_in(client, "admin").get(reverse("organisation_deleted_list")).content.decode()


def test_another_provinces_organisation_cannot_be_deleted(client, htx):
    other = logged_in(client, "canbo.phutho")
    assert other.get(reverse("organisation_delete", args=[htx.pk])).status_code == 404
    assert delete(other, htx).status_code == 404
    assert Organisation.objects.filter(pk=htx.pk).exists()


def test_leaders_can_neither_delete_nor_restore_nor_list(client, htx):
    leader = logged_in(client, "lanhdao.bacninh")
    assert leader.get(reverse("organisation_delete", args=[htx.pk])).status_code == 403
    assert delete(leader, htx).status_code == 403
    assert reverse("organisation_delete", args=[htx.pk]) not in leader.get(htx.get_absolute_url()).content.decode()
    _deleted_by(Organisation.objects.get(pk=htx.pk), User.objects.get(username="canbo.bacninh"))
    assert restore(leader, htx.pk).status_code == 403
    assert leader.get(reverse("organisation_deleted_list")).status_code == 403
    assert not Organisation.objects.filter(pk=htx.pk).exists()


def test_a_restore_is_a_post(client, htx):
    staff = logged_in(client, "canbo.bacninh")
    delete(staff, htx)
    assert staff.get(reverse("organisation_restore", args=[htx.pk])).status_code == 405


def test_the_deleted_list_reads_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    staff = User.objects.get(username="canbo.bacninh")
    for _ in range(30):
        _deleted_by(OrganisationFactory(commune=commune("24")), staff)
    client = logged_in(client, "canbo.bacninh")
    with django_assert_max_num_queries(6):
        response = client.get(reverse("organisation_deleted_list"))
    assert len(response.context["page"].object_list) == 25


def _deleted_by(organisation, user):
    pk = organisation.pk  # a deleted instance loses its pk
    organisation_delete(organisation=organisation, user=user)
    return Organisation.history.get(id=pk, history_type="-")


def test_deleted_again_after_a_restore_it_is_listed_once_and_comes_back_again(client, htx):
    staff = logged_in(client, "canbo.bacninh")
    for _ in range(2):
        delete(staff, Organisation.objects.get(pk=htx.pk))
        listed = staff.get(reverse("organisation_deleted_list")).content.decode().split("</h1>", 1)[1]
        assert listed.count("HTX Sẽ Bị Xóa") == 1  # (below the heading: the message "Đã xóa …" is above)
        assert restore(staff, htx.pk).status_code == 302
    assert rows_of(htx.pk) == (2, 1, 1)
