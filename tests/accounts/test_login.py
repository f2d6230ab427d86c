"""Logging in and out through our own pages."""

import pytest
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_leader_logs_in_and_lands_on_the_overview(client):
    response = client.post(reverse("login"), {"username": "lanhdao", "password": "coop-leader-2026"})
    assert response.status_code == 302
    assert response["Location"] == reverse("overview")


def test_a_wrong_password_says_so_in_vietnamese(client):
    response = client.post(reverse("login"), {"username": "lanhdao", "password": "sai"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


def test_logout_is_a_post_and_returns_to_the_login_page(client):
    client.force_login(User.objects.get(username="lanhdao"))
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("overview")).status_code == 302


def test_the_language_switch_works_before_logging_in(client):
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert "Username" in client.get(reverse("login")).content.decode()
