"""A large upload is read and committed by a real Celery worker on Redis and PostgreSQL, while the
page polls its progress.

Marked `worker` and run last (tests/conftest.py). Not a transactional test: pytest-django would
empty the database after it, which the other worker test still needs. It runs in autocommit
instead and removes what it committed.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cooperatives.models import AdminUnit, Organisation, Rating, RegistryImport
from cooperatives.services import registry_import
from cooperatives.views import LARGE_IMPORT_ROWS, LARGE_UPLOAD_BYTES
from plans.management.commands.bench_import import Command as BenchImport
from tests.factories import logged_in, remove_committed_imports
from tests.workers import REQUIRED, SERVICES, wait_for

pytestmark = pytest.mark.skipif(
    not SERVICES and not REQUIRED, reason="needs DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis)"
)
ROWS = 3000


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield
        remove_committed_imports("7999%")


@pytest.mark.django_db
def test_the_large_file_is_a_clean_list_of_the_citys_communes():
    # Also makes this module set up the test database when it runs alone (the test below has no
    # django_db mark, so that pytest-django does not empty the database after it).
    hcm = AdminUnit.objects.current_provinces().get(code="79")
    communes = list(AdminUnit.objects.communes().filter(parent=hcm).values_list("code", flat=True))
    report = registry_import(data=BenchImport().workbook(50, communes), file_name="x.xlsx", province=hcm)
    assert report.errors == [] and report.counts["organisations"]["create"] == 50


def status(client, upload_id):
    return json.loads(client.get(reverse("registry_import_status", args=[upload_id])).content)


@pytest.mark.worker
def test_a_large_file_is_checked_and_committed_by_the_worker(committed_db, worker, client):
    hcm = AdminUnit.objects.current_provinces().get(code="79")
    communes = list(AdminUnit.objects.communes().filter(parent=hcm).values_list("code", flat=True))
    data = BenchImport().workbook(ROWS, communes)
    assert len(data) > LARGE_UPLOAD_BYTES and ROWS > LARGE_IMPORT_ROWS  # both go through the worker
    admin = logged_in(client, "admin")

    response = admin.post(
        reverse("registry_import"), {"file": SimpleUploadedFile("lon.xlsx", data), "province": hcm.pk}
    )
    upload = RegistryImport.objects.get()
    assert response["Location"] == upload.get_absolute_url()
    assert 'id="import-progress"' in admin.get(upload.get_absolute_url()).content.decode()  # the progress bar
    assert wait_for(lambda: not status(admin, upload.pk)["running"], seconds=120), worker.read_text()
    checked = status(admin, upload.pk)
    assert (checked["status"], checked["percent"]) == ("checked", 100)
    assert RegistryImport.objects.get().counts["organisations"]["create"] == ROWS
    assert not Organisation.objects.filter(registration_code__startswith="7999").exists()

    admin.post(reverse("registry_import_commit", args=[upload.pk]))
    assert status(admin, upload.pk)["running"]
    assert wait_for(lambda: not status(admin, upload.pk)["running"], seconds=120), worker.read_text()
    assert status(admin, upload.pk)["status"] == "committed"
    assert Organisation.objects.filter(registration_code__startswith="7999", province=hcm).count() == ROWS
    assert Rating.objects.filter(organisation__registration_code__startswith="7999", year=2024).count() == ROWS
