"""The account list's filters: search, role, province, active or locked."""

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from coop_tracker.lib.filters import ALL, BootstrapFilterSet
from cooperatives.models import AdminUnit

ACTIVE_CHOICES = [("1", _("Đang hoạt động")), ("0", _("Đã khóa"))]


class AccountFilter(BootstrapFilterSet):
    q = django_filters.CharFilter(label=_("Tên, tên đăng nhập hoặc email"), method="filter_search")
    role = django_filters.ChoiceFilter(label=_("Vai trò"), empty_label=ALL, choices=User.Role.choices)
    province = django_filters.ModelChoiceFilter(
        label=_("Tỉnh/thành phố"), empty_label=ALL, queryset=AdminUnit.objects.current_provinces()
    )
    active = django_filters.ChoiceFilter(
        label=_("Trạng thái"), empty_label=ALL, choices=ACTIVE_CHOICES, method="filter_active"
    )

    class Meta:
        model = User
        fields = ["q", "role", "province", "active"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "1")
