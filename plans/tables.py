"""The hand-entered figures behind a manual target; the catalogue of indicators."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from coop_tracker.lib.tables import Table
from plans.figures import number
from plans.models import EnteredValue, Indicator


class EnteredValueTable(Table):
    as_of = tables.DateColumn(verbose_name=_("Số liệu đến ngày"), short=True)
    value = tables.Column(verbose_name=_("Giá trị"))
    entered_at = tables.DateTimeColumn(verbose_name=_("Nhập lúc"), short=True)

    class Meta:
        model = EnteredValue
        fields = ("as_of", "value", "source", "entered_by", "entered_at")
        template_name = "tables/cached_rows.html"
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


class IndicatorTable(Table):
    """The indicators, each leading to its form, with how many targets read it."""

    name_vi = tables.Column(verbose_name=_("Tên"), linkify=("indicator_update", {"pk": tables.A("pk")}))
    in_use = tables.Column(verbose_name=_("Số mục tiêu dùng"))

    class Meta:
        model = Indicator
        fields = ("name_vi", "code", "method", "rule", "unit", "shape", "in_use")
        template_name = "tables/cached_rows.html"
        attrs = {"class": "table table-sm table-striped align-middle"}

    def render_name_vi(self, record):
        return record.name
