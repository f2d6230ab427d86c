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
