"""Accounts: who someone is, their role, and the province they work for.

An app of its own because roles and province scope are a noun of the domain
that every other app asks about (README, "Layout").
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Quản trị")
        STAFF = "staff", _("Cán bộ tỉnh")
        LEADER = "leader", _("Lãnh đạo")

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
