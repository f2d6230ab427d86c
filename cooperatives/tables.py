"""Columns of the registry list and of the organisations behind a figure."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from coop_tracker.lib.tables import WIDE_ONLY, Table
from cooperatives.models import Organisation, Rating, SupportAction


class OrganisationTable(Table):
    name = tables.Column(linkify=True)
    sector = tables.Column(attrs=WIDE_ONLY)
    commune = tables.Column(verbose_name=_("Xã/phường"), order_by=("commune__name",), attrs=WIDE_ONLY)
    province = tables.Column(verbose_name=_("Tỉnh/thành phố"), order_by=("province__code",), attrs=WIDE_ONLY)
    founded_on = tables.DateColumn(verbose_name=_("Ngày thành lập"), short=True, attrs=WIDE_ONLY)
    rating_level = tables.Column(verbose_name=_("Xếp loại"), default="—")

    class Meta:
        model = Organisation
        fields = ("name", "registration_code", "kind", "sector", "status", "commune", "province", "founded_on")
        sequence = (*fields, "rating_level")
        template_name = "django_tables2/bootstrap5-responsive.html"
        attrs = {"class": "table table-sm table-striped align-middle"}
        order_by = ("name",)

    def render_rating_level(self, value):
        return Rating.Level(value).label


class CountedOrganisationTable(OrganisationTable):
    """The organisations a derived figure counted (no rating column: the figure says which year)."""

    class Meta(OrganisationTable.Meta):
        exclude = ("rating_level", "province")
        sequence = ("name", "registration_code", "kind", "sector", "status", "commune", "founded_on")


class SupportActionTable(Table):
    occurred_on = tables.DateColumn(short=True, linkify=("support_action_update", {"pk": tables.A("pk")}))
    organisation = tables.Column(linkify=True, default="—")
    area = tables.Column(attrs=WIDE_ONLY)
    description = tables.Column(attrs=WIDE_ONLY)

    class Meta:
        model = SupportAction
        fields = ("occurred_on", "kind", "organisation", "area", "count", "description")
        template_name = "django_tables2/bootstrap5-responsive.html"
        attrs = {"class": "table table-sm table-striped align-middle"}
        orderable = False
