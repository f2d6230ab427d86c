"""The registry list's filters: search, kind, sector, status, rating in a year, province, commune."""

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.permissions import visible
from coop_tracker.lib.filters import ALL, BootstrapFilterSet, as_number
from cooperatives.models import AdminUnit, Organisation, Rating


def visible_provinces(request):
    return visible(AdminUnit.objects.current_provinces(), request.user)


def communes_of_chosen_province(request):
    """Communes of the province chosen in the form (or the account's own): a list of 3,321 would not fit."""
    province = as_number(request.GET.get("province")) or getattr(request.user.scope_province, "pk", None)
    if province is None:
        return AdminUnit.objects.none()
    communes = AdminUnit.objects.communes().of_structure(AdminUnit.Structure.FROM_2025).filter(parent=province)
    return visible(communes, request.user)


class RegistryFilter(BootstrapFilterSet):
    q = django_filters.CharFilter(label=_("Tên hoặc mã số"), method="filter_search")
    kind = django_filters.ChoiceFilter(label=_("Loại hình"), empty_label=ALL, choices=Organisation.Kind.choices)
    sector = django_filters.ChoiceFilter(label=_("Lĩnh vực"), empty_label=ALL, choices=Organisation.Sector.choices)
    status = django_filters.ChoiceFilter(label=_("Tình trạng"), empty_label=ALL, choices=Organisation.Status.choices)
    rating = django_filters.ChoiceFilter(
        label=_("Xếp loại"), empty_label=ALL, choices=Rating.Level.choices, method="filter_rating"
    )
    rating_year = django_filters.ChoiceFilter(label=_("Năm xếp loại"), empty_label=None, method="keep")
    province = django_filters.ModelChoiceFilter(label=_("Tỉnh/thành phố"), empty_label=ALL, queryset=visible_provinces)
    commune = django_filters.ModelChoiceFilter(
        label=_("Xã/phường"), empty_label=ALL, queryset=communes_of_chosen_province, method="filter_commune"
    )

    class Meta:
        model = Organisation
        fields = ["q", "kind", "sector", "status", "rating", "rating_year", "province", "commune"]

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        years = Rating.objects.years()
        self.filters["rating_year"].extra["choices"] = [(year, str(year)) for year in years]
        if "rating_year" not in self.data and years:
            self.data = self.data.copy()
            self.data["rating_year"] = str(years[0])

    @property
    def chosen_rating_year(self) -> int | None:
        year = self.form.cleaned_data.get("rating_year") if self.is_valid() else None
        return int(year) if year else None

    def keep(self, queryset, name, value: str):
        return queryset  # the year only says which rating the rating filter and column read

    def filter_search(self, queryset, name, value):
        return queryset.search(value.strip())

    def filter_rating(self, queryset, name, value):
        return queryset.rated_in(self.chosen_rating_year, value)

    def filter_commune(self, queryset, name, value):
        return queryset.in_commune(value)
