"""The overview's filters: year (by default the plans in force and those just ended; or the plans
in force in a year chosen), province, plan and indicator."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import visible
from coop_tracker.lib.filters import BootstrapFilterSet, as_number
from cooperatives.models import AdminUnit
from plans.models import Indicator, Plan, Target

CURRENT = "current"


class ListedChoices(django_filters.fields.ModelChoiceIterator):
    """A drop-down's rows read by one plain query: Django reads them through a server-side cursor
    (to spare memory on long lists), three round trips to PostgreSQL for each of a few dozen rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in list(self.queryset):
            yield self.choice(row)


class ListedChoiceField(django_filters.fields.ModelChoiceField):
    iterator = ListedChoices


class ListedChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = ListedChoiceField


def visible_plans(request):
    # A choice shows the title: the rest of a plan's row (its quoted source text) is not read.
    return visible(Plan.objects, request.user).only("pk", "title").order_by("-last_year", "title")


def this_year() -> int:
    return timezone.localdate().year


class OverviewFilter(BootstrapFilterSet):
    year = django_filters.ChoiceFilter(label=_("Năm"), empty_label=_("Mọi năm"), method="filter_year")
    province = ListedChoiceFilter(
        label=_("Tỉnh/thành phố"),
        queryset=AdminUnit.objects.current_provinces(),
        empty_label=_("Cả nước"),
        method="filter_province",
    )
    plan = ListedChoiceFilter(
        label=_("Kế hoạch"), queryset=visible_plans, empty_label=_("Mọi kế hoạch"), method="filter_plan"
    )
    indicator = ListedChoiceFilter(
        label=_("Chỉ tiêu"),
        queryset=Indicator.objects.filter(Exists(Target.objects.filter(indicator=OuterRef("pk"))))
        .only("pk", "name_vi", "name_en")
        .order_by("name_vi"),
        empty_label=_("Mọi chỉ tiêu"),
        method="filter_indicator",
    )

    final = django_filters.BooleanFilter(
        label=_("Chỉ số liệu chính thức (báo cáo năm đã duyệt)"),
        widget=forms.CheckboxInput,
        method="filter_final",
    )

    class Meta:
        model = Plan
        fields = ["year", "province", "plan", "indicator", "final"]

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        first, last = self.queryset.year_span()
        years = range(last, first - 1, -1) if first else []
        current = (CURRENT, _("Đang thực hiện hoặc vừa kết thúc (%(year)s)") % {"year": this_year()})
        self.filters["year"].extra["choices"] = [current] + [(year, str(year)) for year in years]
        if "year" not in self.data:
            # By default, what a leader needs today: the plans in force this year and those whose
            # period ended within the last year, with their final status (in 2026, the 2020–2025 term).
            self.data = self.data.copy()
            self.data["year"] = CURRENT
        self.filters["plan"].queryset = self._plan_choices()

    def _plan_choices(self):
        """Only the plans the year and province chosen leave: a country's hundreds of plans in one
        drop-down would be unusable, and rendering them cost most of the page's time."""
        plans = visible_plans(self.request)
        if self.data.get("year") == CURRENT:
            plans = plans.current(this_year())
        elif (year := as_number(self.data.get("year"))) is not None:
            plans = plans.in_force(year)
        if (province_id := as_number(self.data.get("province"))) is not None:
            province = AdminUnit.objects.filter(pk=province_id).first()
            plans = plans.about_place(province) if province else plans
        return plans

    def filter_year(self, queryset, name, value):
        return queryset.current(this_year()) if value == CURRENT else queryset.in_force(int(value))

    def filter_province(self, queryset, name, value):
        return queryset.about_place(value)

    def filter_plan(self, queryset, name, value):
        return queryset.filter(pk=value.pk)

    def filter_indicator(self, queryset, name, value):
        return queryset.with_indicator(value)

    def filter_final(self, queryset, name, value):
        return queryset  # the rows are chosen target by target (plans.views.overview)

    @property
    def final_only(self) -> bool:
        """Show only the targets whose figures are final (their provinces' rounds accepted)."""
        return bool(self.form.cleaned_data.get("final")) if self.is_valid() else False

    @property
    def chosen_indicator(self):
        return self.form.cleaned_data.get("indicator") if self.is_valid() else None
