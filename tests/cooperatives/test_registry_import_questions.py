"""Staff answer the preview's questions on places (an old commune split across several new ones)
with a select per row, and an upload whose run died is run again from its page."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cooperatives import services, tasks
from cooperatives.models import AdminUnit, Organisation, RegistryImport
from tests.factories import columns_seen, logged_in, province, xls_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["Mã số HTX", "Tên HTX", "Loại hình", "Lĩnh vực", "Huyện", "Xã", "Năm thành lập"]
ROWS = [
    ["2509800301", "HTX Tân Minh", "HTX", "Nông nghiệp", "Đà Bắc", "Xã Tân Minh", 2015],
    ["2509800302", "HTX Vầy Nưa", "HTX", "Thủy sản", "Đà Bắc", "Xã Vầy Nưa", 2016],  # split in 2025
]


def commune(code):
    return AdminUnit.objects.communes().of_structure("34").get(code=code)


def test_staff_choose_the_commune_of_a_split_one_in_the_preview_then_import(client):
    staff = logged_in(client, "canbo.phutho")
    file = SimpleUploadedFile("da-bac.xls", xls_bytes([HEADER, *ROWS]))
    response = staff.post(reverse("registry_import"), {"file": file})
    upload = RegistryImport.objects.get()
    assert upload.status == "invalid" and [question[0] for question in upload.questions] == [3]
    assert response["Location"] == reverse("registry_import_mapping", args=[upload.pk])
    columns_seen(staff, upload)  # the columns as proposed: then the preview
    page = staff.get(upload.get_absolute_url()).content.decode()
    assert 'name="commune-3"' in page
    assert "Phường Thống Nhất (04828)" in page and "Xã Tiền Phong (04891)" in page
    assert "Xác nhận nhập" not in page  # not before the question is answered

    chosen = commune("04891")
    staff.post(reverse("registry_import_recheck", args=[upload.pk]), {"commune-3": str(chosen.pk)})
    upload.refresh_from_db()
    assert (upload.status, upload.errors, upload.choices) == ("checked", [], {"3": chosen.pk})
    staff.post(reverse("registry_import_commit", args=[upload.pk]))
    upload.refresh_from_db()
    assert upload.status == "committed"
    landed = dict(
        Organisation.objects.filter(registration_code__startswith="25098003").values_list(
            "registration_code", "commune__code"
        )
    )
    assert landed == {"2509800301": "04876", "2509800302": "04891"}


def test_a_choice_that_is_not_a_candidate_is_not_taken(client):
    staff = logged_in(client, "canbo.phutho")
    staff.post(reverse("registry_import"), {"file": SimpleUploadedFile("da-bac.xls", xls_bytes([HEADER, *ROWS]))})
    upload = RegistryImport.objects.get()
    staff.post(reverse("registry_import_recheck", args=[upload.pk]), {"commune-3": str(commune("04831").pk)})
    upload.refresh_from_db()
    assert upload.status == "invalid" and upload.choices == {} and [q[0] for q in upload.questions] == [3]


def test_an_upload_without_question_or_dead_run_is_not_checked_again(client):
    staff = logged_in(client, "canbo.phutho")
    rows = [["Mã số đăng ký", "Tên tổ chức", "Loại hình"], ["25098O0303", "HTX Sai", "HTX"]]
    staff.post(reverse("registry_import"), {"file": SimpleUploadedFile("sai.xlsx", xlsx_bytes(rows))})
    upload = RegistryImport.objects.get()
    # Its file is kept (its columns may be read otherwise, its error report made), but it has no
    # question to answer nor a run that died: checking it again as it is would change nothing.
    assert upload.status == "invalid" and bytes(upload.content) and not upload.can_run_again
    response = staff.post(reverse("registry_import_recheck", args=[upload.pk]), follow=True)
    assert "không kiểm tra lại được" in response.content.decode()


def dead(status, seconds_silent, content=b"x"):
    upload = RegistryImport.objects.create(
        created_by=User.objects.get(username="canbo.phutho"),
        province=province("25"),
        file_name=f"{status}.xls",
        content=content,
        status=status,
        claim="a-run",
        mapping_confirmed=True,  # a check or commit under way had its columns seen
    )
    RegistryImport.objects.filter(pk=upload.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(seconds=seconds_silent)
    )
    return upload


def test_a_check_or_commit_silent_past_the_limit_ends_failed_with_its_file_kept(settings):
    settings.IMPORT_DEAD_AFTER_SECONDS = 90
    checking, committing = dead("checking", 100), dead("committing", 100)
    alive = dead("committing", 30)
    assert services.registry_imports_end_dead() == 2
    for upload in (checking, committing):
        upload.refresh_from_db()
        assert (upload.status, upload.retryable, bytes(upload.content), upload.claim) == ("failed", True, b"x", "")
        assert "chưa lưu gì" in upload.errors[0][2] and "Chạy lại" in upload.errors[0][2]
    alive.refresh_from_db()
    assert alive.status == "committing"
    assert services.registry_imports_end_dead() == 0


def test_the_page_of_an_upload_whose_run_died_says_so_and_runs_it_again(
    client, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_DEAD_AFTER_SECONDS = 90
    staff = logged_in(client, "canbo.phutho")
    rows = [HEADER, ROWS[0]]
    upload = dead("committing", 100, content=xls_bytes(rows))
    RegistryImport.objects.filter(pk=upload.pk).update(file_name="da-bac.xls")
    state = staff.get(reverse("registry_import_status", args=[upload.pk])).json()
    assert (state["status"], state["running"]) == ("failed", False)
    page = staff.get(upload.get_absolute_url()).content.decode()
    assert "Chạy lại" in page and 'id="import-recheck"' in page

    with django_capture_on_commit_callbacks(execute=False) as queued:
        staff.post(reverse("registry_import_recheck", args=[upload.pk]))
    assert len(queued) == 1  # how long it is unknown: the check is queued for a worker
    assert RegistryImport.objects.get(pk=upload.pk).status == "checking"
    tasks.check_registry_import(upload.pk)
    upload.refresh_from_db()
    assert upload.status == "checked" and upload.counts["organisations"]["create"] == 1
    staff.post(reverse("registry_import_commit", args=[upload.pk]))
    upload.refresh_from_db()
    assert upload.status == "committed"
    assert Organisation.objects.get(registration_code="2509800301").commune.code == "04876"


def test_a_run_that_lost_its_upload_writes_nothing_and_leaves_it_to_the_new_run(monkeypatch):
    rows = [HEADER, ROWS[0]]
    upload = RegistryImport.objects.create(
        created_by=User.objects.get(username="canbo.phutho"),
        province=province("25"),
        file_name="da-bac.xls",
        content=xls_bytes(rows),
        status="checked",
    )
    real = services.registry_import

    def ended_meanwhile(**kwargs):
        # What registry_imports_end_dead and a new run would do while this one is slow.
        RegistryImport.objects.filter(pk=upload.pk).update(status="committing", claim="the-new-run")
        return real(**kwargs)

    monkeypatch.setattr(services, "registry_import", ended_meanwhile)
    result = services.registry_import_commit(upload_id=upload.pk)
    assert (result.status, result.claim) == ("committing", "the-new-run")
    assert not Organisation.objects.filter(registration_code="2509800301").exists()


def test_a_run_again_after_a_valid_rows_commit_died_asks_again_how_to_import(settings):
    # "Valid rows only" was the choice of the commit that died; the check run again leads back to
    # the preview, where staff choose again (all rows or the valid ones): it must not stay chosen.
    settings.IMPORT_DEAD_AFTER_SECONDS = 90
    upload = dead("committing", 100)
    RegistryImport.objects.filter(pk=upload.pk).update(valid_rows_only=True)
    assert services.registry_imports_end_dead() == 1
    assert services.registry_import_recheck(upload_id=upload.pk)
    upload.refresh_from_db()
    assert (upload.status, upload.valid_rows_only) == ("checking", False)
