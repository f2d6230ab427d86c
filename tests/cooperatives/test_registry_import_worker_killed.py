"""A worker killed (SIGKILL) while it commits an upload: PostgreSQL rolls its transaction back, so no
row of the file is written; the upload stops receiving its heartbeat, ends "failed" with its file
kept, and runs again on a new worker. Marked `worker` and run last, in autocommit, as the other
worker tests (tests/cooperatives/test_registry_import_task.py), removing what it committed."""

import json
import os
import signal
import time

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import User
from cooperatives import tasks
from cooperatives.models import AdminUnit, Organisation, RegistryImport
from plans.management.commands.bench_import import Command as BenchImport
from tests.factories import logged_in, remove_committed_imports
from tests.workers import REQUIRED, SERVICES, start_worker, wait_for

pytestmark = pytest.mark.skipif(
    not SERVICES and not REQUIRED, reason="needs DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis)"
)
ROWS = 3000
# A run stamps its upload every second here; one silent for 3 s is dead.
WORKER_SETTINGS = {"IMPORT_HEARTBEAT_SECONDS": "1"}


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield
        remove_committed_imports("7999%")


@pytest.mark.django_db
def test_dead_runs_are_ended_every_minute_from_the_beat_schedule(settings):
    # Also makes this module set up the test database when it runs alone (the worker tests have no
    # django_db mark, so that pytest-django does not empty the database after them).
    from celery.schedules import crontab

    (entry,) = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "cooperatives.tasks.end_dead_registry_imports"
    ]
    assert entry["schedule"] == crontab()
    assert tasks.end_dead_registry_imports() == 0


def writing_organisations() -> bool:
    """Another session of this database holds the lock a write into the organisations takes (COPY,
    INSERT), until its transaction ends: rows are being written and not yet committed."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
            WHERE c.relname = 'cooperatives_organisation' AND l.mode = 'RowExclusiveLock'
              AND l.pid <> pg_backend_pid()
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """
        )
        return cursor.fetchone()[0] > 0


def status(client, upload_id):
    return json.loads(client.get(reverse("registry_import_status", args=[upload_id])).content)


@pytest.mark.worker
def test_a_worker_killed_mid_commit_writes_nothing_and_the_upload_ends_failed_and_runs_again(
    committed_db, tmp_path, client, settings
):
    settings.IMPORT_DEAD_AFTER_SECONDS = 3
    hcm = AdminUnit.objects.current_provinces().get(code="79")
    communes = list(AdminUnit.objects.communes().filter(parent=hcm).values_list("code", flat=True))
    data = BenchImport().workbook(ROWS, communes)
    upload = RegistryImport.objects.create(
        created_by=User.objects.get(username="admin"),
        province=hcm,
        file_name="lon.xlsx",
        content=data,
        status=RegistryImport.Status.QUEUED,
        rows_total=ROWS,
        mapping_confirmed=True,  # queued for its commit: its columns were seen
    )
    process, log = start_worker(tmp_path / "killed.log", **WORKER_SETTINGS)
    try:
        tasks.commit_registry_import.delay(upload.pk)
        deadline = time.monotonic() + 120
        while not writing_organisations() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.005)
        assert writing_organisations(), log.read_text()  # caught in the middle of the write
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert wait_for(lambda: not writing_organisations(), seconds=30)  # the server rolled it back
    assert not Organisation.objects.filter(registration_code__startswith="7999").exists()
    assert RegistryImport.objects.get(pk=upload.pk).status == "committing"  # no one has said otherwise yet

    admin = logged_in(client, "admin")
    started = time.monotonic()
    assert wait_for(lambda: status(admin, upload.pk)["status"] == "failed", seconds=20)
    assert time.monotonic() - started < 10  # bounded: the 3 s of silence, and a poll
    upload.refresh_from_db()
    assert upload.retryable and bytes(upload.content) == data and "chưa lưu gì" in upload.errors[0][2]
    assert not Organisation.objects.filter(registration_code__startswith="7999").exists()

    process, log = start_worker(tmp_path / "again.log", **WORKER_SETTINGS)
    try:
        admin.post(reverse("registry_import_recheck", args=[upload.pk]))
        assert wait_for(lambda: not status(admin, upload.pk)["running"], seconds=120), log.read_text()
        assert status(admin, upload.pk)["status"] == "checked"
        admin.post(reverse("registry_import_commit", args=[upload.pk]))
        assert wait_for(lambda: not status(admin, upload.pk)["running"], seconds=120), log.read_text()
        assert status(admin, upload.pk)["status"] == "committed"
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert Organisation.objects.filter(registration_code__startswith="7999", province=hcm).count() == ROWS


@pytest.mark.worker
def test_an_upload_being_written_is_passed_by_even_when_its_heartbeat_is_late(committed_db, settings):
    """The row lock a commit holds on its upload while it writes tells it is alive, whatever its
    heartbeat says (the heartbeat's own update waits on that lock)."""
    settings.IMPORT_DEAD_AFTER_SECONDS = 3
    from cooperatives.services import registry_imports_end_dead
    from tests.factories import province

    upload = RegistryImport.objects.create(
        created_by=User.objects.get(username="admin"),
        province=province("24"),
        file_name="dang-ghi.xlsx",
        content=b"x",
        status=RegistryImport.Status.COMMITTING,
    )
    try:
        RegistryImport.objects.filter(pk=upload.pk).update(heartbeat_at="2026-01-01T00:00:00Z")
        other = connection.copy()
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT id FROM cooperatives_registryimport WHERE id = %s FOR UPDATE", [upload.pk])
            assert registry_imports_end_dead(pk=upload.pk) == 0
            cursor.execute("ROLLBACK")
        other.close()
        assert registry_imports_end_dead(pk=upload.pk) == 1
    finally:
        RegistryImport.objects.filter(pk=upload.pk).delete()
