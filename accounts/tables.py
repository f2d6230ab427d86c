"""Columns of the account list."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from coop_tracker.lib.tables import WIDE_ONLY, Table


class AccountTable(Table):
    username = tables.Column(linkify=True)
    name = tables.Column(verbose_name=_("Họ và tên"), accessor="display_name", order_by=("last_name", "first_name"))
    email = tables.EmailColumn(attrs=WIDE_ONLY)
    province = tables.Column(verbose_name=_("Tỉnh/thành phố"), default=_("Toàn quốc"), order_by=("province__code",))
    is_active = tables.BooleanColumn(verbose_name=_("Đang hoạt động"))
    last_login = tables.DateTimeColumn(short=True, attrs=WIDE_ONLY, default="—")

    class Meta:
        model = User
        fields = ("username", "name", "email", "role", "province", "is_active", "last_login")
        sequence = fields
        template_name = "tables/cached_rows.html"
        attrs = {"class": "table table-sm table-striped align-middle"}
        order_by = ("username",)
