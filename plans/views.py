"""The leaders' pages: every plan's targets at a glance, a plan, a target and what is behind it.

Pages read stored progress (plans.services writes it); they only add small grouped queries.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from accounts.permissions import get_editable_or_404, get_visible_or_404, require_registry_editor, visible
from cooperatives.charts import rating_chart
from cooperatives.models import AdminUnit, Organisation, Rating
from cooperatives.tables import CountedOrganisationTable
from plans import charts
from plans.filters import OverviewFilter
from plans.forms import EnteredValueForm, TaskStatusForm
from plans.models import EnteredValue, Indicator, Plan, Progress, Target, Task
from plans.rules import RULES
from plans.tables import EnteredValueListTable, EnteredValueTable

ROWS_PER_PAGE = 20
# A national leader has hundreds of targets in force: a page shows a few plans in full, and
# the province filter narrows the rest (the counts by status stay national).
PLANS_PER_PAGE = 5


def overview(request):
    filters = OverviewFilter(request.GET, queryset=visible(Plan.objects, request.user), request=request)
    counts = Progress.objects.of_plans(filters.qs, filters.chosen_indicator).status_counts()
    plans = filters.qs.for_overview(indicator=filters.chosen_indicator)
    page = Paginator(plans, PLANS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "plans": page.object_list,
        "page": page,
        "status_rows": charts.status_rows(counts),
        "status_chart": charts.status_chart(counts),
    }
    return render(request, "plans/overview.html", context)


def plan_detail(request, pk):
    plan = get_visible_or_404(Plan.objects.for_overview(), request.user, pk=pk)
    targets = list(plan.targets.all())
    context = {"plan": plan, "targets": targets, "plan_chart": charts.plan_chart(targets)}
    return render(request, "plans/plan_detail.html", context)


def target_detail(request, pk):
    target = get_visible_or_404(Target.objects.for_rows(), request.user, pk=pk)
    progress = getattr(target, "progress", None)
    area_htx = visible(Organisation.objects.in_place(target.area).cooperatives(), request.user)
    context = {
        "target": target,
        "progress": progress,
        "progress_chart": charts.progress_chart(target, progress),
        "trend_chart": charts.trend_chart(target, list(target.progress_years.order_by("year"))),
        "comparison_chart": _comparison(request.user, target),
        "rating_chart": rating_chart(Rating.objects.counted().of_organisations(area_htx).level_counts_by_year()),
        "table": _inputs_table(request, target, progress),
    }
    return render(request, "plans/target_detail.html", context)


def _comparison(user, target):
    """Provinces with a stored figure of the same indicator; None when the target's is the only one."""
    if target.indicator.method != Indicator.Method.DERIVED:
        return None
    rows = list(Progress.objects.for_comparison(target))
    if len({row.target.area_id for row in rows}) < 2:
        return None
    areas = [row.target.area_id for row in rows]
    own = user.scope_province
    highlighted = set(AdminUnit.objects.filter(pk__in=areas).inside(own).values_list("pk", flat=True)) if own else set()
    return charts.comparison_chart(rows, highlighted or {target.area_id})


def _inputs_table(request, target, progress):
    """The organisations a derived figure counted, or the entered values a manual one read."""
    if target.indicator.is_manual:
        table = EnteredValueTable(EnteredValue.objects.behind(target))
    else:
        year = progress.year if progress and progress.year else target.year_to
        rule, params = RULES[target.indicator.rule], target.indicator.rule_params
        organisations = rule.organisations(target.area, year, params, target.denominator)
        table = CountedOrganisationTable(visible(organisations, request.user).select_related("commune"))
    RequestConfig(request, paginate={"per_page": ROWS_PER_PAGE}).configure(table)
    return table


def entered_value_list(request):
    """The hand-entered figures of the account's places, latest first."""
    values = visible(EnteredValue.objects, request.user).select_related("indicator", "area", "entered_by")
    table = EnteredValueListTable(values)
    RequestConfig(request, paginate={"per_page": ROWS_PER_PAGE}).configure(table)
    return render(request, "plans/entered_value_list.html", {"table": table})


def entered_value_form(request, pk=None):
    require_registry_editor(request.user)
    value = get_editable_or_404(EnteredValue.objects, request.user, pk=pk) if pk else None
    form = EnteredValueForm(request.POST or None, instance=value, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu."))
        return redirect("entered_value_list")
    return render(request, "plans/entered_value_form.html", {"form": form, "value": value})


def task_status(request, pk):
    """Staff say where a task of a plan about their province stands."""
    task = get_editable_or_404(Task.objects.select_related("plan"), request.user, pk=pk)
    form = TaskStatusForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu."))
        return redirect(task.plan)
    return render(request, "plans/task_status_form.html", {"form": form, "task": task})
