"""A large export is written by a real Celery worker on Redis and PostgreSQL while the page polls
its progress, then downloaded by its owner.

Marked `worker` and run last (tests/conftest.py). Not a transactional test (pytest-django would
empty the database after it, which the other worker tests still need): it runs in autocommit and
deletes the exports it made.
"""

import csv
import io

import pytest
from django.urls import reverse

from cooperatives.models import Export, Organisation
from tests.factories import logged_in, province
from tests.workers import REQUIRED, SERVICES, wait_for

pytestmark = pytest.mark.skipif(
    not SERVICES and not REQUIRED, reason="needs DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis)"
)


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield
        Export.objects.all().delete()


@pytest.mark.django_db
def test_the_demo_registry_is_larger_than_the_threshold_the_worker_test_sets():
    # Also makes this module set up the test database when it runs alone.
    assert Organisation.objects.filter(province=province("24")).count() > 100


@pytest.mark.worker
def test_a_large_export_is_written_by_the_worker_and_downloaded_by_its_owner(committed_db, worker, client, settings):
    settings.EXPORT_INLINE_ROWS = 100
    staff = logged_in(client, "canbo.bacninh")
    response = staff.get(reverse("registry_list"), {"kind": "htx", "_export": "csv"})
    export = Export.objects.get()
    assert response["Location"] == export.get_absolute_url()
    assert 'id="import-progress"' in staff.get(export.get_absolute_url()).content.decode()

    def status():
        return staff.get(reverse("export_status", args=[export.pk])).json()

    assert wait_for(lambda: not status()["running"], seconds=120), worker.read_text()
    assert (status()["status"], status()["percent"]) == ("done", 100)
    download = staff.get(reverse("export_download", args=[export.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8"))))
    expected = Organisation.objects.filter(province=province("24"), kind="htx")
    assert len(rows) - 1 == expected.count() > 100
    assert {row[6] for row in rows[1:]} == {province("24").full_name}
    assert logged_in(client, "admin").get(reverse("export_download", args=[export.pk])).status_code == 404
