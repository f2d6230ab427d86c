"""Admins manage accounts inside the app: create with a role and province, edit, deactivate and
reactivate, reset to a temporary password; each of their actions is in the account's history."""

import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tests.factories import logged_in, province

pytestmark = pytest.mark.django_db


def new_account(**fields):
    return {"username": "canbo.moi", "last_name": "Đỗ Thị", "first_name": "Hoa", "email": "", "role": "staff",
            "province": province("24").pk, **fields}  # fmt: skip


def shown_password(response):
    return re.search(r'id="temporary-password">([^<]+)<', response.content.decode()).group(1)


def test_an_admin_creates_a_staff_account_with_a_temporary_password_shown_once(client):
    admin = logged_in(client, "admin")
    response = admin.post(reverse("account_create"), new_account())
    created = User.objects.get(username="canbo.moi")
    assert (created.role, created.province.code, created.must_change_password) == ("staff", "24", True)
    assert created.check_password(shown_password(response))
    assert "no-store" in response["Cache-Control"]
    change = created.history.get()
    assert (change.history_change_reason, change.history_user.username) == ("created", "admin")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"province": ""}, "province", "Cán bộ tỉnh phải thuộc một tỉnh/thành phố."),
        ({"role": "admin"}, "province", "Tài khoản quản trị dùng cho toàn quốc: để trống tỉnh/thành phố."),
        ({"username": "canbo.bacninh"}, "username", None),
    ],
)
def test_a_staff_account_needs_a_province_an_admin_none_and_usernames_are_unique(client, fields, field, message):
    response = logged_in(client, "admin").post(reverse("account_create"), new_account(**fields))
    errors = response.context["form"].errors
    assert field in errors and (message is None or message in errors[field])
    assert not User.objects.filter(username="canbo.moi").exists()


def test_a_leader_without_a_province_is_national(client):
    logged_in(client, "admin").post(reverse("account_create"), new_account(role="leader", province=""))
    assert User.objects.get(username="canbo.moi").scope_province is None


def test_a_temporary_password_must_be_changed_before_anything_else(client):
    response = logged_in(client, "admin").post(reverse("account_create"), new_account())
    password = shown_password(response)
    client.post(reverse("logout"))
    assert client.post(reverse("login"), {"username": "canbo.moi", "password": password}).status_code == 302
    assert client.get(reverse("registry_list"))["Location"] == reverse("password_change")
    assert "mật khẩu tạm thời" in client.get(reverse("password_change")).content.decode()
    new = {"old_password": password, "new_password1": "mat-khau-rieng-2026", "new_password2": "mat-khau-rieng-2026"}
    assert client.post(reverse("password_change"), new)["Location"] == reverse("password_change_done")
    assert client.get(reverse("registry_list")).status_code == 200
    user = User.objects.get(username="canbo.moi")
    assert not user.must_change_password
    assert user.history.first().history_change_reason == "password_changed"


def test_django_password_validators_refuse_a_weak_new_password(client):
    staff = logged_in(client, "canbo.bacninh")
    weak = {"old_password": "coop-staff-2026", "new_password1": "12345678", "new_password2": "12345678"}
    errors = staff.post(reverse("password_change"), weak).context["form"].errors["new_password2"]
    assert len(errors) >= 2  # too short, too common, entirely numeric


def test_a_deactivated_account_is_logged_out_and_can_be_reactivated(client, django_user_model):
    from django.test import Client

    staff = logged_in(Client(), "canbo.phutho")
    assert staff.get(reverse("overview")).status_code == 200
    user = User.objects.get(username="canbo.phutho")
    admin = logged_in(client, "admin")
    assert admin.post(reverse("account_deactivate", args=[user.pk]))["Location"] == user.get_absolute_url()
    assert staff.get(reverse("overview")).status_code == 302
    assert staff.post(reverse("login"), {"username": "canbo.phutho", "password": "coop-staff-2026"}).status_code == 200
    admin.post(reverse("account_activate", args=[user.pk]))
    user.refresh_from_db()
    assert user.is_active
    reasons = list(user.history.values_list("history_change_reason", "history_user__username"))
    assert reasons[:2] == [("activated", "admin"), ("deactivated", "admin")]


def test_an_admin_cannot_lock_themselves_out(client):
    admin_user = User.objects.get(username="admin")
    admin = logged_in(client, "admin")
    admin.post(reverse("account_deactivate", args=[admin_user.pk]))
    response = admin.post(reverse("account_update", args=[admin_user.pk]), new_account(username="admin", role="staff"))
    assert "Bạn không thể bỏ quyền quản trị của chính mình." in response.context["form"].errors["role"]
    admin_user.refresh_from_db()
    assert admin_user.is_active and admin_user.role == "admin"


def test_a_password_reset_sets_a_temporary_password_and_lifts_a_lockout(client):
    user = User.objects.get(username="canbo.phutho")
    AccessAttempt.objects.create(username="canbo.phutho", ip_address="10.0.0.1", failures_since_start=5)
    admin = logged_in(client, "admin")
    assert admin.get(reverse("account_reset_password", args=[user.pk])).status_code == 200
    user.refresh_from_db()
    assert user.check_password("coop-staff-2026")  # a GET changes nothing
    response = admin.post(reverse("account_reset_password", args=[user.pk]))
    user.refresh_from_db()
    assert user.check_password(shown_password(response)) and user.must_change_password
    assert not AccessAttempt.objects.filter(username="canbo.phutho").exists()


def test_an_edit_is_recorded_with_the_admin_and_the_fields_it_changed(client):
    user = User.objects.get(username="lanhdao.bacninh")
    admin = logged_in(client, "admin")
    fields = new_account(username=user.username, role="leader", province=province("25").pk)
    assert admin.post(reverse("account_update", args=[user.pk]), fields)["Location"] == user.get_absolute_url()
    page = admin.get(user.get_absolute_url())
    row = page.context["history"][0]
    assert (row["record"].history_user.username, str(row["reason"])) == ("admin", "Sửa thông tin, vai trò hoặc tỉnh")
    assert "tỉnh/thành phố" in row["fields"]
    assert "Quản trị hệ thống" in page.content.decode()  # the admin's name, in the history


def test_logging_in_adds_no_row_to_the_history(client):
    user = User.objects.get(username="lanhdao")
    before = user.history.count()
    client.post(reverse("login"), {"username": "lanhdao", "password": "coop-leader-2026"})
    user.refresh_from_db()
    assert user.last_login is not None and user.history.count() == before


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("role=staff", {"canbo.bacninh", "canbo.phutho"}),
        ("role=leader&province={bac_ninh}", {"lanhdao.bacninh"}),
        ("q=phutho", {"canbo.phutho"}),
        ("active=0", set()),
    ],
)
def test_the_account_list_filters(client, query, expected):
    response = logged_in(client, "admin").get(reverse("account_list") + "?" + query.format(bac_ninh=province("24").pk))
    assert {row.record.username for row in response.context["table"].page} == expected


def test_only_admins_see_the_accounts_link(client):
    link = f'href="{reverse("account_list")}"'  # not the owner's own /accounts/<id>/tokens/
    assert link in logged_in(client, "admin").get(reverse("overview")).content.decode()
    assert link not in logged_in(client, "canbo.bacninh").get(reverse("overview")).content.decode()


def test_the_django_admin_shows_an_accounts_history_too(client):
    user = User.objects.get(username="canbo.phutho")
    admin = logged_in(client, "admin")
    admin.post(reverse("account_deactivate", args=[user.pk]))
    response = admin.get(reverse("admin:accounts_user_history", args=[user.pk]))
    assert response.status_code == 200 and "deactivated" in response.content.decode()


def test_a_temporary_password_expires_and_then_logs_in_no_more(client, settings):
    password = shown_password(logged_in(client, "admin").post(reverse("account_create"), new_account()))
    created = User.objects.get(username="canbo.moi")
    hours = (created.temporary_password_expires_at - created.date_joined).total_seconds() / 3600
    assert round(hours) == settings.TEMPORARY_PASSWORD_HOURS == 72
    client.post(reverse("logout"))
    User.objects.filter(pk=created.pk).update(temporary_password_expires_at=timezone.now())
    response = client.post(reverse("login"), {"username": "canbo.moi", "password": password})
    assert response.status_code == 200 and "Mật khẩu tạm thời đã hết hạn" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_session_opened_with_a_temporary_password_ends_when_it_expires(client):
    password = shown_password(logged_in(client, "admin").post(reverse("account_create"), new_account()))
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "canbo.moi", "password": password})
    User.objects.filter(username="canbo.moi").update(temporary_password_expires_at=timezone.now())
    response = client.get(reverse("password_change"))
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_the_temporary_password_cannot_be_kept_as_the_new_one(client):
    password = shown_password(logged_in(client, "admin").post(reverse("account_create"), new_account()))
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "canbo.moi", "password": password})
    same = {"old_password": password, "new_password1": password, "new_password2": password}
    response = client.post(reverse("password_change"), same)
    assert "Mật khẩu mới phải khác mật khẩu hiện tại." in response.context["form"].errors["new_password1"]
    assert User.objects.get(username="canbo.moi").must_change_password
