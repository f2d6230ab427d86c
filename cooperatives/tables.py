"""Columns of the registry list, of the organisations (actions, recognitions, xã) behind a figure,
and of a commune's new-rural recognitions."""

import django_tables2 as tables
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from coop_tracker.lib.tables import WIDE_ONLY, Table
from cooperatives.models import AdminUnit, NtmRecognition, Organisation, Rating, SupportAction


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
        template_name = "tables/cached_rows.html"
        attrs = {"class": "table table-sm table-striped align-middle"}
        order_by = ("name",)

    def render_rating_level(self, value):
        return Rating.Level(value).label

    def __init__(self, *args, rating_year=None, **kwargs):
        self.rating_year = rating_year  # the year whose rating the column shows and sorts by
        super().__init__(*args, **kwargs)

    def order_rating_level(self, queryset, is_descending):
        """From the best level to the worst (Organisation.objects.ordered_by_rating), not by the
        levels' codes, whose alphabetical order (average, fair, good…) means nothing; a large
        list's page is read level by level (by_rating_in_parts: a few index entries, not a sort)."""
        ordered = queryset.ordered_by_rating(self.rating_year, descending=is_descending)
        return self.order_in_parts(ordered, queryset.by_rating_in_parts(self.rating_year, descending=is_descending))

    def order_province(self, queryset, is_descending):
        """By the province's code, as the column's order_by says, a large list's page read province
        by province (by_province_in_parts). Sorted by several columns, django-tables2's own order."""
        if len(self.order_by) > 1:
            return queryset, False
        ordered = queryset.order_by(F("province__code").desc() if is_descending else F("province__code").asc())
        return self.order_in_parts(ordered, queryset.by_province_in_parts(descending=is_descending))


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
        template_name = "tables/cached_rows.html"
        attrs = {"class": "table table-sm table-striped align-middle"}
        orderable = False


class NtmRecognitionTable(Table):
    """New-rural recognitions: the xã (leading to its page), the level and the decisions."""

    commune = tables.Column(linkify=("commune_detail", {"pk": tables.A("commune_id")}), order_by=("commune__name",))
    decided_on = tables.DateColumn(short=True)
    withdrawn_on = tables.DateColumn(short=True, default="—")

    class Meta:
        model = NtmRecognition
        fields = ("commune", "level", "decision_number", "decided_on", "withdrawn_on", "withdrawal_decision")
        template_name = "tables/cached_rows.html"
        attrs = {"class": "table table-sm table-striped align-middle"}
        order_by = ("commune", "decided_on")


class CommuneTable(Table):
    """Communes (xã, phường…), each leading to its page."""

    full_name = tables.Column(verbose_name=_("Tên"), linkify=("commune_detail", {"pk": tables.A("pk")}))
    parent = tables.Column(verbose_name=_("Trực thuộc"), attrs=WIDE_ONLY)
    valid_to = tables.DateColumn(verbose_name=_("Hiệu lực đến"), short=True, default="—", attrs=WIDE_ONLY)

    class Meta:
        model = AdminUnit
        fields = ("full_name", "code", "kind", "structure", "parent", "valid_to")
        template_name = "tables/cached_rows.html"
        attrs = {"class": "table table-sm table-striped align-middle"}
        order_by = ("code",)


class NotReportedTable(Table):
    name = tables.Column(linkify=True)
    registration_code = tables.Column()
    commune = tables.Column(verbose_name=_("Xã/phường"), order_by=("commune__name",), attrs=WIDE_ONLY)
    founded_on = tables.DateColumn(verbose_name=_("Ngày thành lập"), short=True, attrs=WIDE_ONLY)

    class Meta:
        template_name = "tables/cached_rows.html"
        attrs = {"class": "table table-sm table-striped align-middle"}
        order_by = ("name",)
