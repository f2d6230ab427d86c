"""Login security: lockout after repeated failures, CSRF on forms, the headers of every response."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_repeated_wrong_passwords_lock_the_username_from_that_address_in_vietnamese(client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in log_in(client, "canbo.phutho", "sai").content.decode()
    locked = log_in(client, "canbo.phutho", "sai")
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    assert "15 phút" in locked.content.decode()
    assert log_in(client, "canbo.phutho", "coop-staff-2026").status_code == 429  # even the right password
    assert log_in(Client(), "canbo.bacninh", "coop-staff-2026").status_code == 302  # others still log in


def test_a_successful_login_resets_the_count(client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "canbo.phutho", "sai")
    assert log_in(client, "canbo.phutho", "coop-staff-2026").status_code == 302
    assert not AccessAttempt.objects.filter(username="canbo.phutho", failures_since_start__gt=0).exists()


def test_a_post_without_its_csrf_token_is_refused():
    strict = Client(enforce_csrf_checks=True)
    assert log_in(strict, "lanhdao", "coop-leader-2026").status_code == 403
    page = strict.get(reverse("login"))
    token = page.cookies["csrftoken"].value
    response = strict.post(
        reverse("login"),
        {"username": "lanhdao", "password": "coop-leader-2026", "csrfmiddlewaretoken": page.context["csrf_token"]},
        headers={"cookie": f"csrftoken={token}"},
    )
    assert response.status_code == 302


def test_every_response_carries_the_security_headers(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-eval" not in policy and "script-src 'self' 'unsafe-inline'" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_sessions_end_with_the_browser_and_after_a_working_day(client):
    response = client.post(reverse("login"), {"username": "lanhdao", "password": "coop-leader-2026"})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    session = client.session
    assert session.get_expire_at_browser_close()
    assert session.get_expiry_date() - timezone.now() <= datetime.timedelta(hours=8)
    assert session.get_expiry_date() - timezone.now() > datetime.timedelta(hours=7, minutes=59)


def from_address(address):
    return Client(REMOTE_ADDR=address)


def test_one_password_tried_on_many_usernames_from_one_address_is_limited(settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6
    office = from_address("10.1.1.1")
    for number in range(5):
        assert log_in(office, f"khong.co.{number}", "coop-staff-2026").status_code == 200  # one wrong each
    assert log_in(office, "khong.co.5", "coop-staff-2026").status_code == 429  # the sixth reaches the limit
    locked = log_in(office, "canbo.bacninh", "coop-staff-2026")
    assert locked.status_code == 429
    assert "từ địa chỉ mạng của bạn" in locked.content.decode()
    assert log_in(from_address("10.1.1.2"), "canbo.bacninh", "coop-staff-2026").status_code == 302


def test_one_username_guessed_from_many_addresses_is_limited(settings):
    settings.AXES_USERNAME_FAILURE_LIMIT = 4
    for number in range(4):
        log_in(from_address(f"10.2.0.{number}"), "canbo.phutho", "sai")  # one wrong from each
    locked = log_in(from_address("10.2.0.99"), "canbo.phutho", "coop-staff-2026")
    assert locked.status_code == 429 and "của tài khoản này" in locked.content.decode()
    assert log_in(from_address("10.2.0.99"), "canbo.bacninh", "coop-staff-2026").status_code == 302


def test_logging_in_to_ones_own_account_does_not_wipe_a_spray_from_the_same_address(settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 4
    office = from_address("10.3.3.3")
    for number in range(3):
        log_in(office, f"khong.co.{number}", "sai")
    assert log_in(office, "lanhdao", "coop-leader-2026").status_code == 302
    office.post(reverse("logout"))
    log_in(office, "khong.co.9", "sai")
    assert log_in(office, "canbo.bacninh", "coop-staff-2026").status_code == 429


def test_a_locked_login_checks_no_password(client, monkeypatch):
    from accounts.models import User

    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "canbo.phutho", "sai")

    def hashed(*args):
        raise AssertionError("a password was hashed while locked out")

    monkeypatch.setattr(User, "check_password", hashed)
    assert log_in(client, "canbo.phutho", "coop-staff-2026").status_code == 429


def test_wrong_current_passwords_on_the_password_page_count_end_the_session_and_lock(client):
    from accounts.models import User

    client.force_login(User.objects.get(username="canbo.phutho"))
    wrong = {"old_password": "sai", "new_password1": "mat-khau-moi-2026", "new_password2": "mat-khau-moi-2026"}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(reverse("password_change"), wrong).status_code == 200
    locked = client.post(reverse("password_change"), wrong)
    assert locked.status_code == 429 and "Tạm khóa đăng nhập" in locked.content.decode()
    assert AccessAttempt.objects.filter(username="canbo.phutho", path_info=reverse("password_change")).exists()
    assert client.get(reverse("overview"))["Location"].startswith(reverse("login"))  # logged out
    assert log_in(client, "canbo.phutho", "coop-staff-2026").status_code == 429
