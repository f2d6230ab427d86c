"""API tokens: made on the account's page and shown once, stored as a digest, refused once
revoked or when the account is locked; last use recorded."""

import hashlib
import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken, User
from accounts.services import api_token_create
from tests.factories import logged_in

pytestmark = pytest.mark.django_db


def bearer(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_an_owner_makes_a_token_shown_once_and_stored_as_its_digest(client):
    owner = User.objects.get(username="lanhdao.bacninh")
    logged_in(client, owner.username)

    page = client.post(reverse("account_tokens", args=[owner.pk]), {"name": "Phần mềm của Sở"})

    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    secret = re.search(r"<code>(ct_[A-Za-z0-9_-]+)</code>", page.text).group(1)
    token = ApiToken.objects.get(user=owner)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest() and secret not in str(vars(token))
    assert token.prefix == secret[:11] and token.created_by == owner
    assert secret not in client.get(reverse("account_tokens", args=[owner.pk])).text
    assert bearer(secret).get("/api/v1/plans/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_token_and_a_locked_accounts_token_are_refused(client):
    owner = User.objects.get(username="canbo.bacninh")
    token, secret = api_token_create(user=owner, name="x", created_by=owner)
    assert bearer(secret).get("/api/v1/plans/").status_code == 200

    logged_in(client, "admin").post(reverse("account_token_revoke", args=[owner.pk, token.pk]))

    token.refresh_from_db()
    assert token.revoked_at and token.revoked_by.username == "admin"
    refused = bearer(secret).get("/api/v1/plans/")
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith("Bearer")
    _other, second = api_token_create(user=owner, name="y", created_by=owner)
    User.objects.filter(pk=owner.pk).update(is_active=False)
    assert bearer(second).get("/api/v1/plans/").status_code == 401


def test_no_one_but_the_owner_and_admins_sees_or_revokes_a_token(client):
    owner = User.objects.get(username="canbo.phutho")
    token, _secret = api_token_create(user=owner, name="x", created_by=owner)
    logged_in(client, "canbo.bacninh")
    assert client.get(reverse("account_tokens", args=[owner.pk])).status_code == 404
    assert client.post(reverse("account_token_revoke", args=[owner.pk, token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    admin_page = logged_in(client, "admin").get(reverse("account_detail", args=[owner.pk])).text
    assert token.prefix in admin_page


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer ct_wrong", "Bearer \u00e9t\u00e9"])
def test_a_wrong_authorization_header_is_a_401(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header.encode("utf-8").decode("latin-1"))
    assert client.get("/api/v1/plans/").status_code == 401


def test_without_credentials_the_api_answers_401_and_the_docs_page_redirects_to_the_login(client):
    assert client.get("/api/v1/plans/").status_code == 401
    assert client.get("/api/schema/").status_code == 401
    assert client.get("/api/docs/").status_code == 302


def test_the_apis_own_answers_follow_accept_language():
    for language, words in (("vi", "Chưa có thông tin xác thực"), ("en", "credentials were not provided")):
        assert words in APIClient().get("/api/v1/plans/", HTTP_ACCEPT_LANGUAGE=language).json()["detail"]
