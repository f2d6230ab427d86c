"""What moved a share of HTX by rating: the waterfall of a target's change and the HTX behind each bar."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django_tables2 import RequestConfig

from accounts.permissions import get_visible_or_404, visible
from cooperatives.models import AdminUnit, Organisation
from cooperatives.tables import CountedOrganisationTable
from plans import moved
from plans.models import Target

ROWS_PER_PAGE = 20


def share_moves(request, pk):
    """`?year=` the second year of the pair (the figure's year by default), `?group=` a bar's HTX."""
    target = get_visible_or_404(Target.objects.for_rows(), request.user, pk=pk)
    if not moved.applies(target):
        raise Http404
    # The HTX of another province are not the account's to read, nor what moved them.
    if not visible(AdminUnit.objects.filter(pk=target.area_id), request.user).exists():
        raise Http404
    last = min(target.year_to, timezone.localdate().year)
    years = list(range(last, target.year_from - 1, -1))
    progress = getattr(target, "progress", None)
    try:
        year = int(request.GET.get("year") or (progress.year if progress and progress.year else last))
    except ValueError:
        year = last
    if year not in years:
        year = last
    organisations = visible(Organisation.objects, request.user)
    result = moved.breakdown(target, year, organisations)
    group = request.GET.get("group")
    bar = next((b for b in result.bars if b.key == group), None)
    table = None
    if bar is not None:
        rows = Organisation.objects.filter(pk__in=bar.organisations).select_related("commune").order_by("name")
        table = CountedOrganisationTable(rows)
        RequestConfig(request, paginate={"per_page": ROWS_PER_PAGE}).configure(table)
    base = f"{request.path}?year={year}&group="
    context = {
        "target": target,
        "result": result,
        "years": years,
        "year": year,
        "bar": bar,
        "table": table,
        "chart": moved.chart(result, lambda key: base + key + "#organisations"),
    }
    return render(request, "plans/share_moves.html", context)
