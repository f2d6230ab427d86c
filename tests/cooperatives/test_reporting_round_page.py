"""A province's round page: what it reads of the registry (the rows' counts, the ratings to check)
is chosen in SQL and cached until the registry changes; an edit shows at once, every kind of row."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperatives import reporting
from cooperatives.models import ROUND_ROW_MODELS, Organisation, Rating, SupportAction
from cooperatives.services import round_for
from tests.factories import OrganisationFactory, YearlyFiguresFactory, commune, logged_in, province

pytestmark = pytest.mark.django_db
YEAR = 2025
CODE = "12"  # Lai Châu, which the demo leaves empty: every count below is this test's


def page(client):
    return client.get(reverse("reporting_round", args=[CODE, YEAR]))


def counts(response) -> dict[str, int]:
    return dict(response.context["counts"])


def issues(response) -> list[tuple[str, str]]:
    return [(rating.organisation.name, rating.issue) for rating in response.context["score_issues"]]


def rated(name, self_score, verified_score):
    organisation = OrganisationFactory(commune=commune(CODE), name=name)
    return Rating.objects.create(
        organisation=organisation, year=YEAR, self_score=self_score, verified_score=verified_score
    )


def test_a_self_score_is_checked_against_the_verified_one_by_the_legal_bands_at_their_edges():
    assert not Organisation.objects.filter(province=province(CODE)).exists()
    scores = ["0", "49.99", "50", "64.99", "65", "79.99", "80", "100", None]
    expected = []
    for n, (own, verified) in enumerate(itertools.product(scores[:-1], scores)):
        name = f"HTX Biên {n:03d}"
        rated(name, Decimal(own), verified and Decimal(verified))
        if verified is None:
            expected.append((name, "missing"))
        elif Rating.Level.for_score(Decimal(own)) != Rating.Level.for_score(Decimal(verified)):
            expected.append((name, "band"))
    rated("HTX Không tự chấm", None, Decimal("70"))  # no self-score: nothing to compare

    found = reporting.score_issues(round_for(province=province(CODE), year=YEAR), limit=1000)

    assert [(rating.organisation.name, rating.issue) for rating in found] == expected
    first = reporting.score_issues(round_for(province=province(CODE), year=YEAR), limit=3)
    assert [(rating.organisation.name, rating.issue) for rating in first] == expected[:3]


def test_an_edit_of_the_registry_shows_on_the_round_page_at_once(client):
    logged_in(client, "admin")
    wrong = rated("HTX Lệch mức", Decimal("85"), Decimal("70"))
    unverified = rated("HTX Chưa thẩm định", Decimal("60"), None)
    first = page(client)
    assert issues(first) == [("HTX Chưa thẩm định", "missing"), ("HTX Lệch mức", "band")]
    assert counts(first)["Số liệu năm"] == 0 and counts(first)["Xếp loại"] == 2

    with CaptureQueriesContext(connection) as unchanged:
        again = page(client)
    assert issues(again) == issues(first) and counts(again) == counts(first)
    registry = [q["sql"] for q in unchanged.captured_queries if '"cooperatives_rating"' in q["sql"]]
    assert not registry  # read from the cache

    wrong.verified_score = Decimal("82")
    wrong.save()
    assert issues(page(client)) == [("HTX Chưa thẩm định", "missing")]

    organisation = unverified.organisation
    organisation.name = "HTX Đã đổi tên"
    organisation.save()
    assert issues(page(client)) == [("HTX Đã đổi tên", "missing")]

    YearlyFiguresFactory(organisation=organisation, year=YEAR)
    assert counts(page(client))["Số liệu năm"] == 1

    unverified.delete()
    assert counts(page(client))["Xếp loại"] == 1 and issues(page(client)) == []


def test_support_actions_which_the_registry_stamp_does_not_see_are_counted_each_time(client):
    logged_in(client, "admin")
    organisation = OrganisationFactory(commune=commune(CODE))
    assert counts(page(client))["Hoạt động hỗ trợ"] == 0
    SupportAction.objects.create(kind="trade_fair", occurred_on=datetime.date(YEAR, 5, 1), organisation=organisation)
    assert counts(page(client))["Hoạt động hỗ trợ"] == 1


def test_the_counts_of_the_page_are_those_a_transition_records():
    organisation = OrganisationFactory(commune=commune(CODE))
    YearlyFiguresFactory(organisation=organisation, year=YEAR)
    rated("HTX Đếm", Decimal("70"), Decimal("70"))
    reporting_round = round_for(province=province(CODE), year=YEAR)
    reporting.round_counts(reporting_round)  # now cached
    kinds = {reporting.model_name(model): model.round_kind for model in ROUND_ROW_MODELS}
    shown = {kinds[name]: count for name, count in reporting.round_counts(reporting_round)}
    assert shown == reporting_round.counts() and shown["figures"] == 1 and shown["ratings"] == 1
