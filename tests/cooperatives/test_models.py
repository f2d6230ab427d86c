"""What the database itself guarantees about the registry, whoever writes the rows."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from cooperatives.models import Organisation, Rating, SizeBand, SupportAction, YearlyFigures, registry_stamp
from tests.factories import OrganisationFactory, RatingFactory, commune

pytestmark = pytest.mark.django_db


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (100, "good"),
        (80, "good"),
        (Decimal("79.99"), "fair"),
        (65, "fair"),
        (Decimal("64.9"), "average"),
        (50, "average"),
        (Decimal("49.5"), "weak"),
        (0, "weak"),
    ],
)
def test_a_score_sets_the_level_by_the_legal_bands(score, level):
    rating = RatingFactory(verified_score=score)
    rating.refresh_from_db()
    assert rating.level == level


def test_the_verified_score_wins_over_the_self_score():
    rating = RatingFactory(self_score=85, verified_score=62)
    assert rating.level == Rating.Level.AVERAGE
    assert not rating.is_effective


def test_a_level_alone_is_kept_including_unrated():
    assert RatingFactory(verified_score=None, level=Rating.Level.UNRATED).level == "unrated"
    assert RatingFactory(verified_score=None, level=Rating.Level.FAIR).is_effective


def test_the_database_refuses_a_level_that_contradicts_the_score():
    org = OrganisationFactory()
    refused(lambda: Rating.objects.bulk_create([Rating(organisation=org, year=2022, verified_score=40, level="good")]))
    refused(lambda: Rating.objects.bulk_create([Rating(organisation=org, year=2022, level="")]))


def test_one_rating_per_organisation_year_and_scheme():
    rating = RatingFactory()
    refused(lambda: RatingFactory(organisation=rating.organisation, year=rating.year, scheme=rating.scheme))
    other_scheme = RatingFactory(organisation=rating.organisation, year=rating.year, scheme=Rating.Scheme.TT09_2017)
    assert other_scheme.pk


def test_registration_code_is_unique_where_present_and_may_be_blank():
    OrganisationFactory(registration_code="2400999999")
    refused(lambda: OrganisationFactory(registration_code="2400999999"))
    OrganisationFactory(kind=Organisation.Kind.COOPERATIVE_GROUP, registration_code="")
    OrganisationFactory(kind=Organisation.Kind.COOPERATIVE_GROUP, registration_code="")


def test_one_row_of_yearly_figures_per_organisation_and_year():
    org = OrganisationFactory()
    YearlyFigures.objects.create(organisation=org, year=2022, members=10)
    refused(lambda: YearlyFigures.objects.create(organisation=org, year=2022, members=11))


def test_dissolution_needs_an_ended_status_and_comes_after_founding():
    day = datetime.date
    refused(lambda: OrganisationFactory(dissolved_on=day(2024, 1, 1)))
    refused(lambda: OrganisationFactory(status="dissolved", dissolved_on=day(2019, 1, 1), founded_on=day(2020, 1, 1)))
    org = OrganisationFactory(status="dissolved", dissolved_on=day(2024, 1, 1))
    assert org.is_active_on(org.founded_on) and not org.is_active_on(org.dissolved_on)


def test_the_province_follows_the_commune_into_the_new_map():
    org = OrganisationFactory(commune=commune("24", "63"))
    assert (org.province.structure, org.province.code) == ("34", "24")  # old Bắc Giang is in new Bắc Ninh


@pytest.mark.parametrize(
    ("members", "band"),
    [(49, "micro"), (50, "small"), (300, "small"), (301, "medium"), (1000, "medium"), (1001, "large"), (None, None)],
)
def test_size_bands_follow_tt_01_2020(members, band):
    assert SizeBand.for_members(members) == band


def test_rating_years_are_every_year_with_a_rating_latest_first():
    expected = list(Rating.objects.order_by("-year").values_list("year", flat=True).distinct())
    assert Rating.objects.years() == expected and len(expected) > 3
    Rating.objects.filter(year=expected[1]).delete()
    assert Rating.objects.years() == [expected[0], *expected[2:]]


def test_the_registry_stamp_changes_with_every_kind_of_registry_row():
    """Pages cache what they aggregate or list of the registry under it (plans.views.registry_cached,
    CountedPaginator): a support action counts in a trained share, so it must move the stamp too."""
    before = registry_stamp()
    htx = OrganisationFactory()
    after_organisation = registry_stamp()
    action = SupportAction.objects.create(
        kind=SupportAction.Kind.MANAGER_TRAINING, occurred_on=datetime.date(2022, 5, 1), organisation=htx
    )
    after_action = registry_stamp()
    action.delete()
    assert len({before, after_organisation, after_action, registry_stamp()}) == 4
