"""The reminder of the provinces' deadline: a week before and on the day, to the staff of provinces
that have not submitted, in Vietnamese, with their completeness figures."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import User
from cooperatives.services import round_reminders_send, round_transition
from cooperatives.tasks import remind_reporting_rounds
from tests.factories import OrganisationFactory, YearlyFiguresFactory, commune, province

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_with_email():
    for username, email in (("canbo.bacninh", "bacninh@example.vn"), ("canbo.phutho", "phutho@example.vn")):
        User.objects.filter(username=username).update(email=email)
    User.objects.filter(role="staff").exclude(username__in=["canbo.bacninh", "canbo.phutho"]).update(email="")


def test_a_week_before_the_deadline_staff_of_provinces_not_submitted_get_their_figures(staff_with_email):
    htx = OrganisationFactory(commune=commune("24"), founded_on=datetime.date(2020, 1, 1))
    YearlyFiguresFactory(organisation=htx, year=2026)
    round_transition(
        province=province("25"), year=2026, action="submit", user=User.objects.get(username="canbo.phutho")
    )

    assert round_reminders_send(today=datetime.date(2026, 12, 14)) == 1
    (message,) = mail.outbox
    assert message.to == ["bacninh@example.vn"]
    assert "Bắc Ninh" in message.subject and "2026" in message.subject
    assert "Còn 7 ngày" in message.body and "21/12/2026" in message.body
    assert "HTX phải báo cáo" in message.body and "/reporting/24/2026/" in message.body


def test_on_the_day_it_says_so_and_on_other_days_nothing_is_sent(staff_with_email):
    assert round_reminders_send(today=datetime.date(2026, 12, 13)) == 0
    assert round_reminders_send(today=datetime.date(2026, 12, 20)) == 0
    assert mail.outbox == []
    assert round_reminders_send(today=datetime.date(2026, 12, 21)) == 2
    assert all("Hôm nay là hạn cuối" in message.body for message in mail.outbox)


def test_the_task_runs_the_reminders_of_today(staff_with_email, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2026, 12, 21))
    assert remind_reporting_rounds() == 2
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "bacninh@example.vn",
        "phutho@example.vn",
    ]
