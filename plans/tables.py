"""The hand-entered figures behind a manual target."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from coop_tracker.lib.tables import Table
from plans.figures import number
from plans.models import EnteredValue


class EnteredValueTable(Table):
    as_of = tables.DateColumn(verbose_name=_("Số liệu đến ngày"), short=True)
    value = tables.Column(verbose_name=_("Giá trị"))
    entered_at = tables.DateTimeColumn(verbose_name=_("Nhập lúc"), short=True)

    class Meta:
        model = EnteredValue
        fields = ("as_of", "value", "source", "entered_by", "entered_at")
        template_name = "django_tables2/bootstrap5-responsive.html"
        attrs = {"class": "table table-sm table-striped align-middle"}
        order_by = ("-as_of",)

    def render_value(self, value):
        return number(value)


class EnteredValueListTable(EnteredValueTable):
    """Every hand-entered figure of the account's places; the date leads to its form."""

    as_of = tables.DateColumn(
        verbose_name=_("Số liệu đến ngày"), short=True, linkify=("entered_value_update", {"pk": tables.A("pk")})
    )

    class Meta(EnteredValueTable.Meta):
        fields = ("as_of", "indicator", "area", "value", "source", "entered_by", "entered_at")
