"""The yearly reporting round: who may move it, how, and what each move records."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from cooperatives.models import ReportingRound, RoundEvent
from cooperatives.services import round_for, round_transition
from tests.factories import OrganisationFactory, RatingFactory, YearlyFiguresFactory, commune, logged_in, province

pytestmark = pytest.mark.django_db
YEAR = 2026


def staff():
    return User.objects.get(username="canbo.bacninh")


def admin():
    return User.objects.get(username="admin")


def move(action, user, note="", year=YEAR, code="24", structure="34"):
    return round_transition(province=province(code, structure), year=year, action=action, user=user, note=note)


def transition_url(code="24", year=YEAR):
    return reverse("reporting_round_transition", args=[code, year])


def test_staff_submit_with_a_note_and_the_event_records_who_when_and_the_rows_held():
    organisation = OrganisationFactory(commune=commune("24"))
    YearlyFiguresFactory(organisation=organisation, year=YEAR)
    RatingFactory(organisation=organisation, year=YEAR)
    before = ReportingRound(province=province("24"), year=YEAR).counts()

    submitted = move("submit", staff(), note="Đã rà soát đủ số liệu.")

    assert submitted.state == ReportingRound.State.SUBMITTED and submitted.is_locked
    event = submitted.events.get()
    assert (event.action, event.by, event.note) == ("submit", staff(), "Đã rà soát đủ số liệu.")
    assert event.at == submitted.submitted_at
    assert event.counts == before and event.counts["figures"] >= 1 and event.counts["ratings"] >= 1
    assert set(event.counts) == {"figures", "ratings", "actions", "entered_values"}


def test_the_national_verifier_returns_with_a_note_and_the_return_unlocks():
    move("submit", staff())
    with pytest.raises(ValidationError, match="lý do"):
        move("return", admin(), note="  ")
    returned = move("return", admin(), note="Thiếu số liệu của 3 HTX.")
    assert returned.state == ReportingRound.State.RETURNED and not returned.is_locked
    assert move("submit", staff()).state == ReportingRound.State.SUBMITTED
    accepted = move("accept", admin())
    assert accepted.state == ReportingRound.State.ACCEPTED and accepted.accepted_at is not None
    actions = list(accepted.events.order_by("at", "pk").values_list("action", "by__username"))
    assert actions == [
        ("submit", "canbo.bacninh"),
        ("return", "admin"),
        ("submit", "canbo.bacninh"),
        ("accept", "admin"),
    ]


def test_staff_ask_to_reopen_an_accepted_round_and_only_the_verifier_reopens_it():
    move("submit", staff())
    move("accept", admin())
    with pytest.raises(ValidationError):
        move("reopen", staff())
    with pytest.raises(ValidationError, match="lý do"):
        move("request_reopen", staff())
    asked = move("request_reopen", staff(), note="Cần sửa doanh thu HTX Thử nghiệm.")
    assert asked.state == ReportingRound.State.ACCEPTED and asked.reopen_requested
    reopened = move("reopen", admin())
    assert reopened.state == ReportingRound.State.REOPENED and not reopened.is_locked
    assert not reopened.reopen_requested


@pytest.mark.parametrize(
    ("state", "action", "who"),
    [
        ("open", "accept", "admin"),
        ("open", "return", "admin"),
        ("open", "reopen", "admin"),
        ("submitted", "submit", "staff"),
        ("submitted", "accept", "staff"),
        ("submitted", "return", "staff"),
        ("accepted", "submit", "staff"),
        ("accepted", "return", "admin"),
    ],
)
def test_a_move_the_state_or_the_account_does_not_allow_is_refused_and_records_nothing(state, action, who):
    if state != "open":
        move("submit", staff())
    if state == "accepted":
        move("accept", admin())
    events = RoundEvent.objects.count()
    with pytest.raises(ValidationError, match="Không thể"):
        move(action, staff() if who == "staff" else admin(), note="x")
    assert round_for(province=province("24"), year=YEAR).state == state
    assert RoundEvent.objects.count() == events


def test_staff_of_another_province_and_leaders_cannot_submit():
    with pytest.raises(ValidationError):
        move("submit", User.objects.get(username="canbo.phutho"))
    with pytest.raises(ValidationError):
        move("submit", User.objects.get(username="lanhdao.bacninh"))
    assert not ReportingRound.objects.filter(province=province("24"), year=YEAR, state="submitted").exists()


def test_a_national_leader_verifies_only_with_the_permission():
    leader = User.objects.get(username="lanhdao")
    move("submit", staff())
    with pytest.raises(ValidationError):
        move("accept", leader)
    leader.user_permissions.add(Permission.objects.get(codename="verify_reportinground"))
    leader = User.objects.get(pk=leader.pk)  # a fresh permission cache
    assert leader.can_verify_rounds
    assert move("accept", leader).state == ReportingRound.State.ACCEPTED


def test_a_provincial_leader_with_the_permission_is_not_a_national_verifier():
    leader = User.objects.get(username="lanhdao.bacninh")
    leader.user_permissions.add(Permission.objects.get(codename="verify_reportinground"))
    assert not User.objects.get(pk=leader.pk).can_verify_rounds


def test_the_staff_of_a_new_province_report_for_the_old_province_it_was_formed_from():
    # 2024 is reported on the 63-province map: old Bắc Giang (24) went into new Bắc Ninh.
    old = move("submit", staff(), year=2024, code="24", structure="63")
    assert old.province.structure == "63" and old.state == ReportingRound.State.SUBMITTED


def test_the_pages_submit_return_and_say_why_a_move_is_refused(client):
    logged_in(client, "canbo.bacninh")
    page = client.get(reverse("reporting_round", args=["24", YEAR]))
    assert page.status_code == 200 and 'value="submit"' in page.content.decode()
    response = client.post(transition_url(), {"action": "submit", "note": "Gửi Liên minh."})
    assert response.status_code == 302
    assert ReportingRound.objects.get(province=province("24"), year=YEAR).state == "submitted"
    refused = client.post(transition_url(), {"action": "accept"})
    assert refused.status_code == 200 and "Không thể duyệt" in refused.content.decode()

    logged_in(client, "admin")
    missing_note = client.post(transition_url(), {"action": "return", "note": ""})
    assert "Ghi rõ lý do" in missing_note.content.decode()
    client.post(transition_url(), {"action": "return", "note": "Thiếu HTX Thử nghiệm."})
    page = client.get(reverse("reporting_round", args=["24", YEAR])).content.decode()
    assert "Bị trả lại" in page and "Thiếu HTX Thử nghiệm." in page


def test_leaders_get_a_403_and_another_province_a_404(client):
    logged_in(client, "lanhdao.bacninh")
    assert client.post(transition_url(), {"action": "submit"}).status_code == 403
    assert client.get(reverse("reporting_round", args=["25", YEAR])).status_code == 404
    logged_in(client, "canbo.bacninh")
    assert client.post(transition_url("25"), {"action": "submit"}).status_code == 404
    assert client.get(reverse("reporting_round", args=["24", 1890])).status_code == 404
    assert client.get(reverse("reporting_round", args=["99", YEAR])).status_code == 404


def test_the_lock_message_says_when_and_who_can_reopen():
    submitted = move("submit", staff())
    message = submitted.locked_message()
    assert f"{YEAR}" in message and "Bắc Ninh" in message
    assert "Cán bộ duyệt cấp quốc gia" in message and "quản trị viên" in message
    assert datetime.date.today().strftime("%Y") in message


def account_data(account, **changes):
    return {
        "username": account.username,
        "last_name": account.last_name,
        "first_name": account.first_name,
        "email": account.email,
        "role": account.role,
        "province": account.province_id or "",
        **changes,
    }


def test_an_admin_makes_a_national_leader_a_verifier_on_the_account_page_and_takes_it_back(client):
    logged_in(client, "admin")
    leader = User.objects.get(username="lanhdao")
    url = reverse("account_update", args=[leader.pk])
    assert client.post(url, account_data(leader, verifies_rounds="on")).status_code == 302
    assert User.objects.get(pk=leader.pk).can_verify_rounds
    assert client.get(url).context["form"]["verifies_rounds"].value() is True
    client.post(url, account_data(leader))
    assert not User.objects.get(pk=leader.pk).can_verify_rounds


def test_a_provincial_account_cannot_be_made_a_verifier(client):
    logged_in(client, "admin")
    leader = User.objects.get(username="lanhdao.bacninh")
    response = client.post(reverse("account_update", args=[leader.pk]), account_data(leader, verifies_rounds="on"))
    assert response.status_code == 200 and "Chỉ lãnh đạo toàn quốc" in response.content.decode()
    assert not leader.user_permissions.filter(codename="verify_reportinground").exists()
