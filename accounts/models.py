"""Accounts: who someone is, their role, and the province they work for.

An app of its own because roles and province scope are a noun of the domain
that every other app asks about (README, "Layout").
"""

from django.contrib.auth import models as auth_models
from django.db import models
from django.db.models import Q
from django.urls import reverse
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

    @property
    def can_manage_accounts(self) -> bool:
        return self.is_active and self.role == self.Role.ADMIN

    def apply_role(self) -> None:
        """Admins are national and may use the Django admin; other roles may not."""
        is_admin = self.role == self.Role.ADMIN
        self.is_staff = self.is_superuser = is_admin
        if is_admin:
            self.province = None
