"""Clients of the API, each with a token of one of the demo accounts."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import api_token_create


def token_client(username: str, language: str = "vi") -> APIClient:
    user = User.objects.get(username=username)
    _token, secret = api_token_create(user=user, name="thử nghiệm", created_by=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE=language)
    return client


@pytest.fixture
def staff(db):
    return token_client("canbo.bacninh")


@pytest.fixture
def admin(db):
    return token_client("admin")


@pytest.fixture
def leader(db):
    return token_client("lanhdao")
