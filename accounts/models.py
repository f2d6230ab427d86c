"""Accounts: who someone is, their role, and the province they work for.

An app of its own because roles and province scope are a noun of the domain
that every other app asks about (README, "Layout").
"""

import datetime
import hashlib

from django.conf import settings
from django.contrib.auth import models as auth_models
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

UNRECORDED_FIELDS = {"password", "last_login"}


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Accounts an account may open: every one for an admin, else only its own."""
        return self if user.can_manage_accounts else self.filter(pk=user.pk)

    def search(self, text: str):
        """Accounts whose username, name or email holds every word of `text`."""
        found = self
        for word in text.split():
            found = found.filter(
                Q(username__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
            )
        return found


class UserManager(auth_models.UserManager.from_queryset(UserQuerySet)):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """`manage.py createsuperuser`: the first admin of a new install (national, every right)."""
        extra_fields.setdefault("role", "admin")
        return super().create_superuser(username, email, password, **extra_fields)


class User(auth_models.AbstractUser):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Quản trị")
        STAFF = "staff", _("Cán bộ tỉnh")
        LEADER = "leader", _("Lãnh đạo")

    class Change(models.TextChoices):
        # Why a row of an account's history was written (its history_change_reason).
        CREATED = "created", _("Tạo tài khoản")
        EDITED = "edited", _("Sửa thông tin, vai trò hoặc tỉnh")
        DEACTIVATED = "deactivated", _("Khóa tài khoản")
        ACTIVATED = "activated", _("Mở lại tài khoản")
        PASSWORD_RESET = "password_reset", _("Đặt mật khẩu tạm thời")
        PASSWORD_CHANGED = "password_changed", _("Người dùng đổi mật khẩu")

    role = models.CharField(_("vai trò"), max_length=8, choices=Role.choices, default=Role.LEADER)
    province = models.ForeignKey(
        "cooperatives.AdminUnit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": "province", "structure": "34"},
        verbose_name=_("tỉnh/thành phố"),
        help_text=_("Bắt buộc với cán bộ tỉnh; lãnh đạo không có tỉnh là lãnh đạo toàn quốc."),
    )
    must_change_password = models.BooleanField(
        _("phải đổi mật khẩu"),
        default=False,
        help_text=_("Mật khẩu tạm thời: người dùng phải đặt mật khẩu mới ở lần đăng nhập tới."),
    )
    temporary_password_expires_at = models.DateTimeField(
        _("mật khẩu tạm thời hết hạn lúc"),
        null=True,
        blank=True,
        help_text=_("Sau lúc này mật khẩu tạm thời không đăng nhập được nữa: quản trị viên đặt lại mật khẩu khác."),
    )

    # Who changed an account and when (admins' own actions included). Neither the password hash
    # nor the time of the last login belongs in that record.
    history = HistoricalRecords(excluded_fields=sorted(UNRECORDED_FIELDS))

    objects = UserManager()

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="staff") | Q(province__isnull=False), name="user_staff_has_province"
            ),
            models.CheckConstraint(
                condition=~Q(role="admin") | Q(province__isnull=True), name="user_admin_is_national"
            ),
        ]

    def save(self, *args, update_fields=None, **kwargs):
        # Saving only the last login's time or a password rehashed at login is not a change
        # anyone made: no row in the history (simple_history checks this attribute).
        if update_fields is not None and set(update_fields) <= UNRECORDED_FIELDS:
            self.skip_history_when_saving = True
        try:
            super().save(*args, update_fields=update_fields, **kwargs)
        finally:
            self.__dict__.pop("skip_history_when_saving", None)

    def get_absolute_url(self):
        return reverse("account_detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        """The name in Vietnamese order (family name first), or the username."""
        return f"{self.last_name} {self.first_name}".strip() or self.username

    @property
    def scope_province(self):
        """The province this account is limited to, or None for the whole country."""
        return None if self.role == self.Role.ADMIN else self.province

    @property
    def can_edit_registry(self) -> bool:
        return self.is_active and self.role in (self.Role.ADMIN, self.Role.STAFF)

    def set_temporary_password(self, raw_password: str | None) -> None:
        """A password its owner must replace at their next login, within TEMPORARY_PASSWORD_HOURS
        (a password an admin knows, or was sent, should not stay usable for long). None: the
        password is already set (by the Django admin's forms)."""
        if raw_password is not None:
            self.set_password(raw_password)
        self.must_change_password = True
        self.temporary_password_expires_at = timezone.now() + datetime.timedelta(
            hours=settings.TEMPORARY_PASSWORD_HOURS
        )

    @property
    def temporary_password_expired(self) -> bool:
        expires = self.temporary_password_expires_at
        return self.must_change_password and expires is not None and expires <= timezone.now()

    def can_write_into(self, province) -> bool:
        """Whether this account may write the registry of `province` now: an admin anywhere, staff
        in their own province (an account moved to another province no longer writes into the old)."""
        return self.can_edit_registry and (self.scope_province is None or self.scope_province.pk == province.pk)

    @property
    def can_verify_rounds(self) -> bool:
        """The national verifier of the provinces' yearly reports (cooperatives.ReportingRound):
        admins, and national accounts given the permission "verify_reportinground"."""
        if not self.is_active or self.scope_province is not None:
            return False
        return self.role == self.Role.ADMIN or self.has_perm("cooperatives.verify_reportinground")

    @property
    def can_manage_accounts(self) -> bool:
        return self.is_active and self.role == self.Role.ADMIN

    def apply_role(self) -> None:
        """Admins are national and may use the Django admin; other roles may not."""
        is_admin = self.role == self.Role.ADMIN
        self.is_staff = self.is_superuser = is_admin
        if is_admin:
            self.province = None


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Tokens an account may see and revoke: its own, and every one for an admin."""
        return self if user.can_manage_accounts else self.filter(user=user)

    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A key for the REST API (api/), for one account; stored as the SHA-256 digest of a random
    secret, which is shown once when it is made and cannot be read back. The first characters
    (`prefix`) stay visible, so an owner can tell their tokens apart and find one in the logs."""

    PREFIX_LENGTH = 11  # "ct_" and 8 random characters

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens", verbose_name=_("tài khoản"))
    name = models.CharField(_("tên"), max_length=100, help_text=_("Dùng cho hệ thống nào, ví dụ: phần mềm của Sở."))
    prefix = models.CharField(_("tiền tố"), max_length=PREFIX_LENGTH)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người tạo")
    )
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người thu hồi")
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.name})"

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
