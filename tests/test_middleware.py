"""coop_tracker/middleware.py: no cache keeps what a logged-in account was shown, and a body larger
than its page takes is refused before it is read."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.urls import reverse

from cooperatives.models import RegistryImport
from tests.factories import logged_in

pytestmark = pytest.mark.django_db


def test_pages_and_exports_of_a_logged_in_account_are_not_stored_by_any_cache(client):
    staff = logged_in(client, "canbo.bacninh")
    for url, query in [(reverse("overview"), {}), (reverse("registry_list"), {"_export": "csv"})]:
        cache_control = staff.get(url, query)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url


def test_health_keeps_its_own_caching(client):
    anonymous = client.get(reverse("health"))["Cache-Control"]
    assert logged_in(client, "canbo.bacninh").get(reverse("health"))["Cache-Control"] == anonymous


def never_parsed(*args, **kwargs):
    raise AssertionError("the body was read")


def test_an_upload_larger_than_the_import_takes_is_refused_before_it_is_read(client, monkeypatch):
    staff = logged_in(client, "canbo.bacninh")
    monkeypatch.setattr(MultiPartParser, "parse", never_parsed)
    big = SimpleUploadedFile("lon.xlsx", b"x" * (21 * 1024 * 1024))
    response = staff.post(reverse("registry_import"), {"file": big})
    assert response.status_code == 413 and "tối đa 20 MB" in response.content.decode()
    assert not RegistryImport.objects.exists()


def test_any_other_page_refuses_a_body_above_its_form_limit(client, monkeypatch):
    staff = logged_in(client, "canbo.bacninh")
    monkeypatch.setattr(MultiPartParser, "parse", never_parsed)
    response = staff.post(reverse("organisation_create"), {"file": SimpleUploadedFile("x.bin", b"x" * 3_000_000)})
    assert response.status_code == 413
