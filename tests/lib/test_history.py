"""A record's history reads as the forms do: each changed field before → after, who and when."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from accounts.models import User
from coop_tracker.lib.history import history_of
from cooperatives.models import AdminUnit, Rating, YearlyFigures
from tests.factories import OrganisationFactory, RatingFactory, YearlyFiguresFactory, commune, province

pytestmark = pytest.mark.django_db


def second_commune():
    return AdminUnit.objects.communes().inside(province("24")).of_structure("34").order_by("code")[1]


def changes(entry) -> dict[str, tuple[str, str]]:
    return {change.label: (change.before, change.after) for change in entry.changes}


def test_an_edit_shows_labels_choices_places_and_dates_before_and_after():
    organisation = OrganisationFactory(commune=commune("24"), founded_on=datetime.date(2020, 3, 1))
    organisation.sector = "construction"
    organisation.founded_on = datetime.date(2021, 5, 4)
    organisation.commune = second_commune()
    organisation.save()
    edit, creation = history_of(organisation.history.all()).entries
    assert (edit.action, creation.action) == ("Sửa", "Tạo mới")
    assert changes(edit) == {
        "Lĩnh vực": ("Nông nghiệp", "Xây dựng"),
        "Ngày thành lập": ("01/03/2020", "04/05/2021"),
        "Xã/phường": (str(commune("24")), str(second_commune())),
    }
    assert creation.changes == []


def test_money_is_grouped_years_are_not_and_yes_no_reads_in_words():
    figures = YearlyFiguresFactory(organisation=OrganisationFactory(commune=commune("24")), revenue=1_000_000)
    figures.revenue, figures.year, figures.linked_with_enterprise = Decimal(2_500_000), 2023, True
    figures.save()
    assert changes(history_of(figures.history.all()).entries[0]) == {
        "Doanh thu (đồng)": ("1.000.000", "2.500.000"),
        "Năm": ("2022", "2023"),
        "Liên kết với doanh nghiệp": ("không", "có"),
    }


def test_values_follow_the_active_language():
    rating = RatingFactory(organisation=OrganisationFactory(commune=commune("24")), verified_score=Decimal("70.5"))
    rating.verified_score = Decimal("85.25")
    rating.save()
    with translation.override("en"):
        entry = history_of(rating.history.all()).entries[0]
        assert ("70.5", "85.25") in changes(entry).values()
        assert ("Fair", "Good") in changes(entry).values()
        assert entry.who == "system"


def test_who_is_the_users_display_name_and_the_system_when_there_is_none():
    staff = User.objects.get(username="canbo.bacninh")
    organisation = OrganisationFactory(commune=commune("24"))
    organisation.name, organisation._history_user = "HTX Đổi Tên", staff
    organisation.save()
    edit, creation = history_of(organisation.history.all()).entries
    assert (edit.who, creation.who) == ("Nguyễn Văn An", "hệ thống")
    assert changes(edit)["Tên"][1] == "HTX Đổi Tên"


def test_rows_of_several_records_are_merged_newest_first_and_labelled():
    organisation = OrganisationFactory(commune=commune("24"))
    figures = YearlyFiguresFactory(organisation=organisation)
    rating = RatingFactory(organisation=organisation)
    history = history_of(
        organisation.history.all(),
        figures.history.all(),
        rating.history.all(),
        subject=lambda record: record.instance_type._meta.model_name,
    )
    assert [entry.subject for entry in history.entries] == ["rating", "yearlyfigures", "organisation"]


def test_the_latest_rows_are_shown_in_a_bounded_number_of_queries(django_assert_max_num_queries):
    organisation = OrganisationFactory(commune=commune("24"))
    figures = YearlyFiguresFactory(organisation=organisation)
    rating = RatingFactory(organisation=organisation, verified_score=Decimal(50))
    for step in range(1, 26):
        organisation.commune = second_commune() if step % 2 else commune("24")
        organisation.save()
        figures.members += 1
        figures.save()
        rating.verified_score += 1
        rating.save()
    with django_assert_max_num_queries(8):
        history = history_of(
            organisation.history.all(),
            YearlyFigures.history.filter(organisation_id=organisation.pk),
            Rating.history.filter(organisation_id=organisation.pk),
        )
    assert len(history.entries) == 20 and history.truncated
    assert all(entry.changes for entry in history.entries)  # every edit compared with the row before it
