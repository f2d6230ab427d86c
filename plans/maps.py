"""The provinces on a map: an indicator's value in each province for a year, or the status of the
provinces' targets on it, beside the outlines `import_province_maps` loaded.

Values are measured by the recompute's own machinery (plans.services.measures_for over unsaved
one-year targets, one grouped pass for every province), read only, and cached until a recompute
is queued or runs; statuses are the stored ProgressYear rows. A provincial account gets the
figures of its own province only (README, "What a provincial account sees of other provinces");
every outline is drawn (places are public).
"""

import datetime
import hashlib
import json

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import visible
from cooperatives.models import MERGER_DATE, AdminUnit, ProvinceBoundary
from plans.figures import amount
from plans.models import Indicator, Progress, ProgressYear, RecomputeSchedule, Target

FIRST_YEAR = 2019  # the registry's first year of figures
MAP_SECONDS = 3600
# Worst last: a province with several targets on the indicator shows its worst.
STATUS_ORDER = [
    Progress.Status.NO_DATA,
    Progress.Status.ACHIEVED,
    Progress.Status.ON_TRACK,
    Progress.Status.AT_RISK,
    Progress.Status.OFF_TRACK,
    Progress.Status.MISSED,
]
MODES = ("value", "status")
DEFAULT_INDICATOR = "htx_effective_share"


def structure_of(year: int) -> str:
    """The 63 provinces for a year before the merger's, the 34 from 2025 on."""
    return AdminUnit.Structure.BEFORE_2025 if year < MERGER_DATE.year else AdminUnit.Structure.FROM_2025


def years(today: datetime.date | None = None) -> list[int]:
    return list(range((today or timezone.localdate()).year, FIRST_YEAR - 1, -1))


def boundaries(structure: str) -> str:
    """The outlines of one map as GeoJSON text (a FeatureCollection, each feature's id its code),
    cached until the outlines are loaded again."""
    rows = ProvinceBoundary.objects.filter(unit__structure=structure, unit__level=AdminUnit.Level.PROVINCE)
    stamp = [row for row in rows.order_by("-loaded_at").values_list("loaded_at", flat=True)[:1]]
    key = f"map-outlines:{structure}:{stamp[0].isoformat() if stamp else 'none'}"
    found = cache.get(key)
    if found is None:
        features = [
            {"type": "Feature", "id": code, "properties": {"code": code, "name": name}, "geometry": geometry}
            for code, name, geometry in rows.order_by("unit__code").values_list("unit__code", "unit__name", "geometry")
        ]
        found = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
        cache.set(key, found, MAP_SECONDS)
    return found


def province_map(indicator: Indicator, year: int, mode: str, user) -> dict:
    """What the map of `indicator` in `year` draws: each province's code, name, page, and its
    value (mode "value") or the worst status of its targets on the indicator that year ("status");
    None where there is none or the account may not read it."""
    structure = structure_of(year)
    provinces = list(AdminUnit.objects.provinces().of_structure(structure).order_by("code"))
    readable = set(
        visible(AdminUnit.objects.filter(pk__in=[p.pk for p in provinces]), user).values_list("pk", flat=True)
    )
    if mode == "status":
        shown = _statuses(indicator, year, structure, user)
    else:
        shown = _values(indicator, year, [p for p in provinces if p.pk in readable], user)
    query = "" if structure == AdminUnit.Structure.FROM_2025 else "?structure=63"
    rows = []
    for province in provinces:
        value = shown.get(province.pk) if province.pk in readable else None
        url = reverse("province_detail", args=[province.code]) + query if province.pk in readable else ""
        rows.append({"code": province.code, "name": province.name, "value": value, "url": url})
    return {
        "structure": structure,
        "year": year,
        "mode": mode,
        "indicator": indicator.code,
        "rows": rows,
        "title": _map_title(indicator, year, mode),
        "statuses": [{"status": s, "label": str(Progress.Status(s).label)} for s in STATUS_ORDER],
        "unit": "%" if indicator.unit == Indicator.Unit.PERCENT else "",
    }


def _map_title(indicator: Indicator, year: int, mode: str) -> str:
    words = {"indicator": indicator.name, "year": year}
    if mode == "status":
        return _("%(indicator)s: tình trạng mục tiêu của các tỉnh, năm %(year)s") % words
    return _("%(indicator)s, năm %(year)s") % words


def _values(indicator: Indicator, year: int, provinces: list[AdminUnit], user) -> dict[int, dict]:
    """The indicator in each province, measured as the recompute measures it; cached."""
    from plans.services import measures_for  # the services import this module's neighbours

    if not provinces or year > timezone.localdate().year:
        return {}
    schedule = RecomputeSchedule.current()
    digest = hashlib.blake2b(digest_size=12)
    digest.update(repr([indicator.pk, indicator.rule, indicator.rule_params, indicator.method]).encode())
    digest.update(repr([schedule.queued_at, schedule.last_run_at, schedule.last_full_at]).encode())
    digest.update(repr(sorted(p.pk for p in provinces)).encode())
    key = f"map-values:{digest.hexdigest()}:{year}"
    found = cache.get(key)
    if found is None:
        targets = [
            Target(pk=p.pk, indicator=indicator, area=p, period=Target.Period.YEAR, year_from=year, year_to=year)
            for p in provinces
        ]
        measured = measures_for(targets, timezone.localdate(), failures := {})
        found = {}
        for target in targets:
            measure = measured.get(target.pk, {}).get(year)
            if target.pk in failures or measure is None or measure.value is None:
                continue
            found[target.pk] = {"value": float(measure.value), "text": amount(measure.value, indicator)}
        cache.set(key, found, MAP_SECONDS)
    return found


def _statuses(indicator: Indicator, year: int, structure: str, user) -> dict[int, dict]:
    """The worst status that year of the targets on the indicator about each province."""
    rows = (
        ProgressYear.objects.filter(
            year=year,
            target__indicator=indicator,
            target__area__level=AdminUnit.Level.PROVINCE,
            target__area__structure=structure,
            target__in=visible(Target.objects, user).values("pk"),
        )
        .exclude(status=Progress.Status.ERROR)
        .values_list("target__area_id", "status")
    )
    found = {}
    for area, status in rows:
        rank = STATUS_ORDER.index(status)
        if area not in found or rank > found[area]["value"]:
            found[area] = {"value": rank, "text": str(Progress.Status(status).label), "status": status}
    return found


def chosen(request) -> tuple[int, str]:
    """The year and mode a map was asked for: last year and values by default; a year out of the
    registry's range is held to it."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year - 1)
    except (TypeError, ValueError):
        year = this_year - 1
    year = min(max(year, FIRST_YEAR), this_year)
    mode = request.GET.get("mode") if request.GET.get("mode") in MODES else "value"
    return year, mode


def overview_map(user, indicator: Indicator | None, year: int | None) -> dict | None:
    """The map the overview shows a national account (None for a provincial one): the indicator
    chosen in the filter, else the share of effective HTX. No query: the page's script fetches
    the figures."""
    if user.scope_province is not None:
        return None
    code = indicator.code if indicator is not None else DEFAULT_INDICATOR
    year = min(year or timezone.localdate().year - 1, timezone.localdate().year)
    return map_urls(code, year, "value")


def map_urls(code: str, year: int, mode: str) -> dict:
    """What a page needs to draw the map of the indicator `code`: its data and outlines, ours."""
    structure = structure_of(year)
    return {
        "year": year,
        "mode": mode,
        "data": f"{reverse('indicator_map_data', args=[code])}?year={year}&mode={mode}",
        "outlines": reverse("map_outlines", args=[structure]),
        "page": f"{reverse('indicator_map', args=[code])}?year={year}&mode={mode}",
    }
