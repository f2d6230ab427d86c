"""Staff say where a qualitative task stands; the date of the update is kept."""

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import Plan, Task
from tests.factories import logged_in

pytestmark = pytest.mark.django_db


def test_staff_update_a_task_of_a_plan_about_their_province(client):
    task = Task.objects.get(title="Củng cố các Liên hiệp HTX hiện có")  # Bắc Giang, now in Bắc Ninh
    staff = logged_in(client, "canbo.bacninh")
    response = staff.post(reverse("task_status", args=[task.pk]), {"status": "done", "status_note": "Đã củng cố 3 LH"})
    task.refresh_from_db()
    assert response["Location"] == task.plan.get_absolute_url()
    assert (task.status, task.status_updated_on) == ("done", timezone.localdate())
    assert task.history.first().history_user.username == "canbo.bacninh"


def test_another_province_gets_a_404_and_leaders_a_403(client):
    task = Task.objects.get(title="Củng cố các Liên hiệp HTX hiện có")
    assert logged_in(client, "canbo.phutho").get(reverse("task_status", args=[task.pk])).status_code == 404
    assert logged_in(client, "lanhdao").get(reverse("task_status", args=[task.pk])).status_code == 403


def test_an_admin_updates_a_task_of_a_plan_about_no_named_place_and_staff_cannot(client):
    district = Plan.objects.get(document_number="05-NQ/HU")
    task = district.tasks.create(title="Nhiệm vụ thử", wording="…")
    assert task.status == Task.Status.NOT_REPORTED  # until someone reports it
    assert logged_in(client, "canbo.bacninh").get(reverse("task_status", args=[task.pk])).status_code == 404
    admin = logged_in(client, "admin")
    assert admin.post(reverse("task_status", args=[task.pk]), {"status": "in_progress"}).status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.IN_PROGRESS
