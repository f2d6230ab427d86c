"""A large upload is read and committed by a real Celery worker on Redis and PostgreSQL, while the
page polls its progress; the tasks that read a file stop at their time limit, saying so.

Marked `worker` and run last (tests/conftest.py). Not a transactional test: pytest-django would
empty the database after it, which the other worker test still needs. It runs in autocommit
instead and removes what it committed.
"""

import datetime
import json

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cooperatives import importing, tasks
from cooperatives.models import AdminUnit, Organisation, Rating, RegistryImport
from cooperatives.services import registry_import
from cooperatives.views import LARGE_IMPORT_ROWS, LARGE_UPLOAD_BYTES
from plans.management.commands.bench_import import Command as BenchImport
from tests.factories import columns_seen, logged_in, province, remove_committed_imports, xlsx_bytes
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
    assert response["Location"] == reverse("registry_import_mapping", args=[upload.pk])
    assert admin.get(response["Location"])["Location"] == upload.get_absolute_url()  # nothing to map yet
    assert 'id="import-progress"' in admin.get(upload.get_absolute_url()).content.decode()  # the progress bar
    assert wait_for(lambda: not status(admin, upload.pk)["running"], seconds=120), worker.read_text()
    checked = status(admin, upload.pk)
    assert (checked["status"], checked["percent"]) == ("checked", 100)
    assert RegistryImport.objects.get().counts["organisations"]["create"] == ROWS
    assert not Organisation.objects.filter(registration_code__startswith="7999").exists()

    # The legal representative's column left out on the mapping step: the worker checks the file again.
    columns_seen(admin, RegistryImport.objects.get(), I="-")
    assert status(admin, upload.pk)["running"]
    assert wait_for(lambda: not status(admin, upload.pk)["running"], seconds=120), worker.read_text()
    rechecked = RegistryImport.objects.get()
    assert rechecked.status == "checked" and rechecked.mapping == {"nguoi dai dien theo phap luat": ""}

    admin.post(reverse("registry_import_commit", args=[upload.pk]))
    assert status(admin, upload.pk)["running"]
    assert wait_for(lambda: not status(admin, upload.pk)["running"], seconds=120), worker.read_text()
    assert status(admin, upload.pk)["status"] == "committed"
    assert Organisation.objects.filter(registration_code__startswith="7999", province=hcm).count() == ROWS
    assert Rating.objects.filter(organisation__registration_code__startswith="7999", year=2024).count() == ROWS
    assert not Organisation.objects.filter(registration_code__startswith="7999").exclude(legal_representative="")


def test_the_tasks_that_read_an_uploaded_file_have_a_soft_and_a_hard_time_limit():
    for task in (tasks.check_registry_import, tasks.commit_registry_import):
        assert task.soft_time_limit == settings.IMPORT_TASK_SECONDS
        assert task.soft_time_limit < task.time_limit <= task.soft_time_limit + 60


def too_slow(*args, **kwargs):
    raise SoftTimeLimitExceeded


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("task", "status_before", "status_after"),
    [
        (tasks.check_registry_import, RegistryImport.Status.CHECKING, RegistryImport.Status.INVALID),
        (tasks.commit_registry_import, RegistryImport.Status.QUEUED, RegistryImport.Status.FAILED),
    ],
)
def test_a_task_stopped_at_its_time_limit_ends_the_upload_saying_so(monkeypatch, task, status_before, status_after):
    rows = [["Mã số đăng ký", "Tên tổ chức", "Loại hình"], ["2409990001", "HTX Chậm", "HTX"]]
    upload = RegistryImport.objects.create(
        created_by=User.objects.get(username="canbo.bacninh"),
        province=province("24"),
        file_name="cham.xlsx",
        content=xlsx_bytes(rows),
        status=status_before,
    )
    monkeypatch.setattr(importing, "parse", too_slow)
    with pytest.raises(SoftTimeLimitExceeded):
        task(upload.pk)
    upload.refresh_from_db()
    assert upload.status == status_after
    assert "quá 5 phút" in upload.errors[0][2] and "chưa lưu gì" in upload.errors[0][2]
    assert not Organisation.objects.filter(registration_code="2409990001").exists()


def aged(status, *, days=0, quiet_hours=0, **fields):
    upload = RegistryImport.objects.create(
        created_by=User.objects.get(username="canbo.bacninh"),
        province=province("24"),
        file_name=f"{status}.xlsx",
        content=fields.pop("content", b"PK\x03\x04 noi dung"),
        status=status,
        **fields,
    )
    now = timezone.now()
    moved = {
        "created_at": now - datetime.timedelta(days=days),
        "updated_at": now - datetime.timedelta(hours=quiet_hours),
    }
    RegistryImport.objects.filter(pk=upload.pk).update(**moved)
    return upload


@pytest.mark.django_db
def test_uploads_a_week_old_lose_their_content_and_abandoned_ones_end():
    Status = RegistryImport.Status
    waiting = aged(Status.CHECKED, days=8)
    fresh = aged(Status.CHECKED, days=1)
    dead_check = aged(Status.CHECKING, quiet_hours=2)
    dead_commit = aged(Status.COMMITTING, quiet_hours=2)
    busy = aged(Status.COMMITTING)
    lost = aged(Status.QUEUED, days=2, quiet_hours=30)
    with_errors = aged(Status.INVALID, days=8)  # its valid rows could have been imported
    unreadable = aged(Status.INVALID, days=8, content=b"")
    assert tasks.expire_registry_imports() == {"expired": 2, "dropped": 0, "stopped": 3}
    assert RegistryImport.objects.get(pk=with_errors.pk).status == Status.FAILED
    assert RegistryImport.objects.get(pk=unreadable.pk).status == Status.INVALID  # its errors say why
    found = {upload.pk: upload for upload in RegistryImport.objects.all()}
    assert found[waiting.pk].status == Status.FAILED and "Quá một tuần" in found[waiting.pk].errors[0][2]
    assert not bytes(found[waiting.pk].content)
    assert (found[fresh.pk].status, bytes(found[fresh.pk].content)) == (Status.CHECKED, b"PK\x03\x04 noi dung")
    assert found[dead_check.pk].status == Status.INVALID and "đã dừng giữa chừng" in found[dead_check.pk].errors[0][2]
    assert found[dead_commit.pk].status == Status.FAILED and "kiểm tra sổ đăng ký" in found[dead_commit.pk].errors[0][2]
    assert found[busy.pk].status == Status.COMMITTING
    assert found[lost.pk].status == Status.FAILED
    assert tasks.expire_registry_imports() == {"expired": 0, "dropped": 0, "stopped": 0}


def test_the_expiry_runs_hourly_from_the_beat_schedule():
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "cooperatives.tasks.expire_registry_imports" in tasks_scheduled


def test_an_import_whose_step_after_its_commit_fails_says_it_is_saved(committed_db, monkeypatch):
    """Outside a test transaction, so that the import's own commit runs its after-commit steps."""
    from plans import signals
    from plans.models import PendingRecompute, RecomputeSchedule

    def unreachable():
        raise ConnectionError("the broker does not answer")

    monkeypatch.setattr(signals, "queue_recompute", unreachable)
    claim = RecomputeSchedule.objects.filter(pk=1).values_list("queued_at", flat=True).first()
    RecomputeSchedule.objects.update_or_create(pk=1, defaults={"queued_at": None})
    pending_before = set(PendingRecompute.objects.values_list("pk", flat=True))
    place = AdminUnit.objects.communes().filter(parent=province("24")).order_by("code")[0]
    rows = [["Mã số đăng ký", "Tên tổ chức", "Loại hình", "Lĩnh vực", "Mã xã/phường", "Ngày thành lập"]]
    rows.append(["7999000001", "HTX Sau Khi Lưu", "HTX", "Nông nghiệp", place.code, "01/02/2020"])
    upload = RegistryImport.objects.create(
        created_by=User.objects.get(username="canbo.bacninh"),
        province=province("24"),
        file_name="sau-khi-luu.xlsx",
        content=xlsx_bytes(rows),
        status=RegistryImport.Status.CHECKED,
    )
    try:
        tasks.commit_registry_import(upload.pk)
        upload.refresh_from_db()
        assert upload.status == RegistryImport.Status.COMMITTED and not upload.errors
        assert "Đã lưu dữ liệu, nhưng" in upload.warning
        assert Organisation.objects.filter(registration_code="7999000001").exists()
    finally:
        PendingRecompute.objects.exclude(pk__in=pending_before).delete()
        RecomputeSchedule.objects.filter(pk=1).update(queued_at=claim)
