"""The map pages: the provinces' outlines, an indicator's map page and its data (plans.maps)."""

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from accounts.permissions import visible
from cooperatives.models import AdminUnit
from plans import maps
from plans.models import Indicator


def _indicator_or_404(code) -> Indicator:
    if "\x00" in code:
        raise Http404  # not a code the catalogue can hold (nor text PostgreSQL could hold)
    return get_object_or_404(Indicator, code=code)


def map_outlines(request, structure):
    """The provinces of one map (34 or 63) as GeoJSON, served from the database."""
    if structure not in AdminUnit.Structure.values:
        raise Http404
    return HttpResponse(maps.boundaries(structure), content_type="application/geo+json")


def indicator_map(request, code):
    """An indicator on the map of the provinces, for a year: its value or the targets' status."""
    indicator = _indicator_or_404(code)
    year, mode = maps.chosen(request)
    context = {
        "indicator": indicator,
        "map": maps.map_urls(indicator.code, year, mode),
        "years": maps.years(),
        "indicators": Indicator.objects.order_by("name_vi"),
        "own_only": request.user.scope_province is not None,
        "provinces": visible(AdminUnit.objects.provinces().of_structure(maps.structure_of(year)), request.user),
    }
    return render(request, "plans/indicator_map.html", context)


def indicator_map_data(request, code):
    indicator = _indicator_or_404(code)
    year, mode = maps.chosen(request)
    return JsonResponse(maps.province_map(indicator, year, mode, request.user))
