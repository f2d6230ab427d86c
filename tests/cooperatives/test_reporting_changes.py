"""An accepted round reopened and submitted again lists what changed since its acceptance."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import User
from cooperatives import reporting
from cooperatives.models import SupportAction
from cooperatives.services import round_for, round_transition
from plans.models import EnteredValue, Indicator
from tests.factories import OrganisationFactory, RatingFactory, YearlyFiguresFactory, commune, logged_in, province

pytestmark = pytest.mark.django_db
YEAR = 2026


def move(action, username, note=""):
    user = User.objects.get(username=username)
    return round_transition(province=province("24"), year=YEAR, action=action, user=user, note=note)


@pytest.fixture
def accepted_then_reopened():
    organisation = OrganisationFactory(commune=commune("24"), name="HTX Rau sạch Thử nghiệm")
    figures = YearlyFiguresFactory(organisation=organisation, year=YEAR, members=60)
    untouched = YearlyFiguresFactory(organisation=OrganisationFactory(commune=commune("24")), year=YEAR)
    action = SupportAction.objects.create(
        kind=SupportAction.Kind.TRADE_FAIR, occurred_on=datetime.date(YEAR, 5, 1), organisation=organisation
    )
    move("submit", "canbo.bacninh")
    move("accept", "admin")
    move("request_reopen", "canbo.bacninh", note="Sửa số thành viên.")
    move("reopen", "admin")
    return {"organisation": organisation, "figures": figures, "untouched": untouched, "action": action}


def test_it_lists_rows_added_changed_before_to_after_and_deleted(accepted_then_reopened):
    rows = accepted_then_reopened
    rows["figures"].members = 70
    rows["figures"].save()
    RatingFactory(organisation=rows["organisation"], year=YEAR, verified_score=Decimal(82))
    rows["action"].delete()
    move("submit", "canbo.bacninh")

    changes = reporting.changes_since(round_for(province=province("24"), year=YEAR))
    found = {(change.kind, change.model.__name__) for change in changes}
    assert found == {("changed", "YearlyFigures"), ("added", "Rating"), ("deleted", "SupportAction")}
    (changed,) = [change for change in changes if change.kind == "changed"]
    assert [(field.before, field.after) for field in changed.changes] == [("60", "70")]
    assert "HTX Rau sạch Thử nghiệm" in changed.subject


def test_a_row_changed_and_changed_back_or_added_and_deleted_is_no_change(accepted_then_reopened):
    rows = accepted_then_reopened
    rows["figures"].members = 70
    rows["figures"].save()
    rows["figures"].members = 60
    rows["figures"].save()
    manual = Indicator.objects.filter(method=Indicator.Method.MANUAL).first()
    value = EnteredValue.objects.create(
        indicator=manual, area=province("24"), as_of=datetime.date(YEAR, 9, 1), value=3, source="Sở"
    )
    value.delete()
    assert reporting.changes_since(round_for(province=province("24"), year=YEAR)) == []


def test_the_round_page_shows_the_changes_to_the_verifier_and_none_before_an_acceptance(client, accepted_then_reopened):
    rows = accepted_then_reopened
    rows["figures"].members = 70
    rows["figures"].save()
    move("submit", "canbo.bacninh")
    logged_in(client, "admin")
    page = client.get(reverse("reporting_round", args=["24", YEAR])).content.decode()
    assert "Thay đổi từ lần duyệt trước" in page and "60 → 70" in page

    other = round_transition(
        province=province("25"), year=YEAR, action="submit", user=User.objects.get(username="canbo.phutho")
    )
    assert "Thay đổi từ lần duyệt trước" not in client.get(other.get_absolute_url()).content.decode()


def test_a_round_returned_and_submitted_again_lists_what_changed_since_the_return():
    organisation = OrganisationFactory(commune=commune("24"))
    figures = YearlyFiguresFactory(organisation=organisation, year=YEAR, members=40)
    move("submit", "canbo.bacninh")
    move("return", "admin", note="Kiểm tra lại số thành viên.")
    figures.members = 45
    figures.save()
    move("submit", "canbo.bacninh")
    changes = reporting.changes_since(round_for(province=province("24"), year=YEAR))
    assert [(change.kind, [(f.before, f.after) for f in change.changes]) for change in changes] == [
        ("changed", [("40", "45")])
    ]


def test_each_change_names_its_row_and_the_names_take_a_few_queries_whatever_their_number(
    accepted_then_reopened, django_assert_max_num_queries
):
    rows = accepted_then_reopened
    added = [OrganisationFactory(commune=commune("24"), name=f"HTX Mới {n}") for n in range(12)]
    for organisation in added:
        YearlyFiguresFactory(organisation=organisation, year=YEAR)
    manual = Indicator.objects.filter(method=Indicator.Method.MANUAL).first()
    value = EnteredValue.objects.create(
        indicator=manual, area=province("24"), as_of=datetime.date(YEAR, 9, 1), value=Decimal("3.0000"), source="Sở"
    )
    rows["action"].delete()
    reporting_round = round_for(province=province("24"), year=YEAR)

    with django_assert_max_num_queries(16):
        changes = reporting.changes_since(reporting_round)

    subjects = sorted(change.subject for change in changes)
    assert subjects == sorted(
        [f"Số liệu năm: HTX Mới {n} – {YEAR}" for n in range(12)]
        + [f"Hoạt động hỗ trợ: {rows['action']}", f"Số liệu nhập tay: {value}"]
    )
