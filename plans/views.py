"""The leaders' pages: every plan's targets at a glance, a plan, a target and what is behind it,
and a province with its registry in numbers and its plans.

Pages read stored progress (plans.services writes it); they only add small grouped queries.
"""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from accounts.permissions import (
    get_editable_or_404,
    get_visible_or_404,
    require_admin,
    require_registry_editor,
    visible,
)
from coop_tracker.lib.history import history_of
from coop_tracker.lib.stamps import digest
from coop_tracker.lib.tables import LargeTablePaginator
from cooperatives.charts import founded_chart, history_chart, rating_chart, registry_numbers
from cooperatives.exports import export_queue
from cooperatives.models import (
    AdminUnit,
    Export,
    NtmRecognition,
    Organisation,
    Rating,
    SupportAction,
    YearlyFigures,
    registry_stamp,
)
from cooperatives.reporting import final_figures
from cooperatives.tables import CommuneTable, CountedOrganisationTable, NtmRecognitionTable, SupportActionTable
from plans import charts, maps, tasks
from plans.exports import plan_report_file_name, plan_report_parts, progress_report_workbook
from plans.filters import OverviewFilter
from plans.forms import (
    EnteredValueForm,
    IndicatorForm,
    PlanForm,
    TargetFormSet,
    TaskFormSet,
    TaskStatusForm,
    plan_area_choices,
)
from plans.models import EnteredValue, Indicator, Plan, Progress, RecomputeSchedule, Target, Task
from plans.services import indicator_delete, indicator_preview, indicator_save, plan_save, rule_of
from plans.tables import EnteredValueListTable, EnteredValueTable, IndicatorTable

ROWS_PER_PAGE = 20
LARGE_PAGES = {"per_page": ROWS_PER_PAGE, "paginator_class": LargeTablePaginator}
# A national leader has hundreds of targets in force: a page shows a few plans in full, and
# the province filter narrows the rest (the counts by status stay national).
PLANS_PER_PAGE = 5


def rows_stamp(targets) -> str:
    """A digest of every stored field a row of targets shows: the target, its indicator, area
    and progress. target_table.html caches its rendered rows under it (with the language), so a
    changed figure, wording or status is a new key and a stale row can never be served; rendering
    the rows is most of the overview's time, and leaders read far more often than figures change."""
    digest = hashlib.blake2b(digest_size=16)
    for target in targets:
        digest.update(repr(getattr(target, "figure_final", None)).encode())
        for row in (target, target.indicator, target.area, getattr(target, "progress", None)):
            if row is not None:
                digest.update(repr([getattr(row, f.attname) for f in row._meta.concrete_fields]).encode())
    return digest.hexdigest()


def mark_final(targets) -> list:
    """Set each target's `figure_final`: True when its figure's year is reported by every province
    it covers and their rounds are accepted (cooperatives.reporting.final_figures), False when
    provisional, None without a figure's year."""
    years = {target.pk: getattr(getattr(target, "progress", None), "year", None) for target in targets}
    final = final_figures({(target.area_id, years[target.pk]) for target in targets})
    for target in targets:
        year = years[target.pk]
        target.figure_final = None if year is None else (target.area_id, year) in final
    return targets


def overview(request):
    filters = OverviewFilter(request.GET, queryset=visible(Plan.objects, request.user), request=request)
    counts = Progress.objects.of_plans(filters.qs, filters.chosen_indicator).status_counts()
    plans = filters.qs.for_overview(indicator=filters.chosen_indicator)
    page = Paginator(plans, PLANS_PER_PAGE).get_page(request.GET.get("page"))
    final_only = filters.final_only
    mark_final([target for plan in page.object_list for target in plan.targets.all()])
    for plan in page.object_list:
        targets = list(plan.targets.all())
        plan.shown_targets = [target for target in targets if target.figure_final] if final_only else targets
        plan.rows_stamp = rows_stamp(plan.shown_targets)
    context = {
        "filters": filters,
        "plans": page.object_list,
        "page": page,
        "status_rows": charts.status_rows(counts),
        "status_chart": charts.status_chart(counts),
        "recompute": RecomputeSchedule.current(),
        "this_year": timezone.localdate().year,
        # National accounts: the provinces on a map, drawn from its own JSON (no query here).
        "province_map": maps.overview_map(request.user, filters.chosen_indicator, maps.chosen(request)[0]),
    }
    return render(request, "plans/overview.html", context)


def plan_detail(request, pk):
    plan = get_visible_or_404(Plan.objects.for_overview(), request.user, pk=pk)
    targets = mark_final(list(plan.targets.all()))
    context = {
        "plan": plan,
        "targets": targets,
        "rows_stamp": rows_stamp(targets),
        "plan_chart": charts.plan_chart(targets),
        "can_edit": plan.is_editable_by(request.user),
        "recompute": RecomputeSchedule.current(),
        "this_year": timezone.localdate().year,
    }
    return render(request, "plans/plan_detail.html", context)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def plan_report(request, pk):
    """The plan's progress report as an Excel workbook (plans.exports); a plan of more than
    EXPORT_PLAN_REPORT_TARGETS targets is written by a worker, and the export's page follows it."""
    plan = get_visible_or_404(Plan.objects.select_related("area"), request.user, pk=pk)
    total = plan.targets.count()
    if total > settings.EXPORT_PLAN_REPORT_TARGETS:
        return export_queue(
            request,
            tasks.build_plan_report,
            kind=Export.Kind.PLAN_REPORT,
            params={"plan": plan.pk},
            file_name=plan_report_file_name(plan),
            rows_total=total,
        )
    targets, results = plan_report_parts(plan)
    response = HttpResponse(progress_report_workbook(plan, targets, results), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{plan_report_file_name(plan)}"'
    return response


def plan_form(request, pk=None):
    """A plan of the account's province entered from its document: the plan, its targets and tasks."""
    require_registry_editor(request.user)
    plan = get_visible_or_404(Plan.objects, request.user, pk=pk) if pk else Plan()
    if pk and not plan.is_editable_by(request.user):
        raise PermissionDenied
    data = request.POST or None
    areas = plan_area_choices(request.user)  # once for the plan and every target row
    form = PlanForm(data, instance=plan, user=request.user, area_choices=areas)
    targets = TargetFormSet(
        data,
        instance=plan,
        prefix="targets",
        queryset=Target.objects.select_related("indicator", "area"),
        form_kwargs={"user": request.user, "plan": plan, "area_choices": areas},
    )
    tasks = TaskFormSet(data, instance=plan, prefix="tasks")
    # Every part is checked, so that all the errors show at once.
    if request.method == "POST" and all([form.is_valid(), targets.is_valid(), tasks.is_valid()]):
        plan = plan_save(form=form, targets=targets, tasks=tasks)
        messages.success(request, _("Đã lưu kế hoạch %(title)s.") % {"title": plan.title})
        return redirect("plan_update", pk=plan.pk) if "save_and_continue" in request.POST else redirect(plan)
    return render(request, "plans/plan_form.html", {"form": form, "targets": targets, "tasks": tasks, "plan": plan})


def target_detail(request, pk):
    target = mark_final([get_visible_or_404(Target.objects.for_rows(), request.user, pk=pk)])[0]
    progress = getattr(target, "progress", None)
    area_htx = visible(Organisation.objects.in_place(target.area).cooperatives(), request.user)
    stamp = registry_stamp()  # once for the rating chart and the list of what the figure counted
    table, listing = _inputs_table(request, target, progress, stamp)
    context = {
        "target": target,
        "progress": progress,
        "progress_chart": charts.progress_chart(target, progress),
        "trend_chart": charts.trend_chart(
            target,
            list(target.progress_years.order_by("year")),
            progress.explanation if progress else None,
            progress.projection if progress else None,
        ),
        "comparison_chart": _comparison(request.user, target),
        "rating_chart": registry_cached(
            ("target-ratings", target.area_id), request.user, lambda: rating_chart(_rating_counts(area_htx)), stamp
        ),
        "table": table,
        "listing": listing,
        "inputs_withheld": _inputs_withheld(request.user, target),
        "recompute": RecomputeSchedule.current(),
        "history": history_of(target.history.all()),
    }
    return render(request, "plans/target_detail.html", context)


REGISTRY_CACHE_SECONDS = 3600


def registry_cached(what: tuple, user, compute, stamp: tuple | None = None):
    """What a page aggregates of the registry (a rating chart, the registry in numbers), cached
    under the registry's stamp (cooperatives.models.registry_stamp), the account's scope and the
    language: the national target's chart reads 277,000 ratings, and leaders reread far more often
    than the registry changes; any change is a new key. `stamp`: registry_stamp(), if the page read it."""
    scope = getattr(user.scope_province, "pk", "all")
    key = ":".join(map(str, ["registry-cached", *what, scope, get_language(), *(stamp or registry_stamp())]))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, REGISTRY_CACHE_SECONDS)
    return value


def _rating_counts(htx):
    """The counted ratings of `htx` by year and level; the TT 09/2017 de-duplication only for the
    years that hold such a rating (Rating.objects.counted(years=…))."""
    years = Rating.objects.years()
    ratings = Rating.objects.counted(years=(min(years), max(years))) if years else Rating.objects.none()
    return list(ratings.of_organisations(htx).level_counts_by_year())


def _comparison(user, target):
    """Provinces with a stored figure of the same indicator; None when the target's is the only one.
    A provincial account sees the others' figures only summed up (README, "Security")."""
    if target.indicator.method != Indicator.Method.DERIVED:
        return None
    rows = list(Progress.objects.for_comparison(target))
    areas = {area for area, _year, _actual in rows}
    if len(areas) < 2:
        return None
    own = user.scope_province
    if own is None:
        return charts.comparison_chart(rows, AdminUnit.objects.in_bulk(areas), {target.area_id})
    mine = AdminUnit.objects.filter(pk__in=areas).inside(own).in_bulk()
    return charts.comparison_chart_for_province(rows, mine)


def _inputs_withheld(user, target) -> bool:
    """A manual target about a place outside the account's province: its figure shows, not who
    entered it nor from what source (README, "Security")."""
    if not target.indicator.is_manual or user.scope_province is None:
        return False
    return not visible(AdminUnit.objects.filter(pk=target.area_id), user).exists()


LISTS = ("numerator", "denominator")


def _inputs_table(request, target, progress, stamp):
    """What a figure read: the entered values of a manual one; for a derived one, the rows its
    numerator counted (?list=denominator: its denominator's), from the rule's own Part, so the
    list totals the stored figure. Returns the table and what the heading says of it."""
    if target.indicator.is_manual:
        # Who entered a figure and from what source is for the accounts of its place (as /entries/).
        entered = visible(EnteredValue.objects.behind(target), request.user)
        return _paginated(request, EnteredValueTable(entered)), None
    if progress is not None and progress.status == Progress.Status.ERROR:
        return None, None  # its figure could not be computed: the page says why (plans.services)
    year = progress.year if progress and progress.year else target.year_to
    try:
        rule, params = rule_of(target.indicator), target.indicator.rule_params
        numerator, denominator = rule.parts(params, target.denominator, year)
    except Exception:
        return None, None  # broken since the last recompute, which will say so
    chosen = "denominator" if request.GET.get("list") == "denominator" and denominator is not None else "numerator"
    part = denominator if chosen == "denominator" else numerator
    cutoff = target.deadline if target.deadline and target.deadline.year == year else None
    rows = visible_rows(part.listed(target.area, year, cutoff), request.user)
    table = _listed_table(rows)
    if rows.model is Organisation:
        paginate = {"per_page": ROWS_PER_PAGE, "paginator_class": CountedPaginator, "stamp": stamp}
        RequestConfig(request, paginate=paginate).configure(table)
    else:
        _paginated(request, table)
    listing = {
        "year": year,
        "cutoff": cutoff,
        "chosen": chosen,
        "has_denominator": denominator is not None,
        "denominator_label": getattr(denominator, "label", ""),
        "part": part,
        "what": LISTED.get(rows.model, "organisations"),
    }
    return table, listing


LISTED = {SupportAction: "actions", NtmRecognition: "recognitions", AdminUnit: "communes"}


def visible_rows(rows, user):
    """The listed rows the account may read; xã (a denominator of communes) are public places."""
    return rows if rows.model is AdminUnit else visible(rows, user)


def _listed_table(rows):
    """The table of what a figure counted: organisations, support actions, recognitions or xã."""
    if rows.model is SupportAction:
        return SupportActionTable(rows.select_related("organisation", "area"))
    if rows.model is NtmRecognition:
        return NtmRecognitionTable(rows.select_related("commune"))
    if rows.model is AdminUnit:
        return CommuneTable(rows.select_related("parent"))
    return CountedOrganisationTable(rows.select_related("commune"))


def _paginated(request, table):
    # What a national figure counted can be 35,000 HTX: a capped count, the page's ids first.
    RequestConfig(request, paginate={"per_page": ROWS_PER_PAGE, "paginator_class": LargeTablePaginator}).configure(
        table
    )
    return table


class CountedPaginator(LargeTablePaginator):
    """The organisations a figure counted, paged: their capped count and each page's ids cached
    under the registry's stamp (cooperatives.models.registry_stamp: organisations, figures,
    ratings, support actions, the lineage) and the query itself (its rule, area, year, deadline,
    scope and order). The national count of active HTX runs its rule's filter (a NOT IN over
    35,000 HTX) for the count and again for the ids: 40 ms of SQL on each request, for a list that
    changes only with the registry; any change of it is a new key."""

    def __init__(self, *args, stamp, **kwargs):
        super().__init__(*args, **kwargs)
        self.stamp = stamp
        if self.queryset is None:
            raise TypeError("CountedPaginator pages a queryset of organisations")

    @cached_property
    def count(self) -> int:
        return self.cached("count", self.queryset, lambda: LargeTablePaginator.count.func(self))

    def page_ids(self, bottom: int, size: int) -> list:
        return self.cached(
            f"ids:{bottom}:{size}",
            self.ordered(self.queryset),
            lambda: super(CountedPaginator, self).page_ids(bottom, size),
        )

    def rows_of(self, ids) -> dict:
        """Read by their ids alone, annotated or not: the table shows the organisations' own columns
        and communes, and the rule's annotations (the year a row counts in) only chose them."""
        rows = self.queryset.model._base_manager.filter(pk__in=ids)
        rows.query.select_related = self.queryset.query.select_related
        return {row.pk: row for row in rows}

    def cached(self, what: str, queryset, compute):
        try:
            sql, params = queryset.query.sql_with_params()
        except EmptyResultSet:
            return compute()  # a query PostgreSQL is never sent: nothing to save
        key = "counted-rows:" + digest(what, repr(self.stamp), sql, repr(params))
        found = cache.get(key)
        if found is None:
            found = compute()
            cache.set(key, found, REGISTRY_CACHE_SECONDS)
        return found


def entered_value_list(request):
    """The hand-entered figures of the account's places, latest first."""
    values = visible(EnteredValue.objects, request.user).select_related("indicator", "area", "entered_by")
    table = EnteredValueListTable(values)
    RequestConfig(request, paginate={"per_page": ROWS_PER_PAGE, "paginator_class": LargeTablePaginator}).configure(
        table
    )
    return render(request, "plans/entered_value_list.html", {"table": table})


def entered_value_form(request, pk=None):
    require_registry_editor(request.user)
    value = get_editable_or_404(EnteredValue.objects, request.user, pk=pk) if pk else None
    form = EnteredValueForm(request.POST or None, instance=value, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu."))
        return redirect("entered_value_list")
    history = history_of(value.history.all()) if value else None
    return render(request, "plans/entered_value_form.html", {"form": form, "value": value, "history": history})


def indicator_list(request):
    """The catalogue of indicators, shipped and defined here, with how many targets read each."""
    require_admin(request.user)
    indicators = Indicator.objects.annotate(in_use=Count("targets"))
    words = request.GET.get("q", "").strip()
    if words:
        indicators = indicators.filter(
            Q(name_vi__icontains=words) | Q(name_en__icontains=words) | Q(code__icontains=words)
        )
    table = IndicatorTable(indicators.order_by("method", "name_vi"))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "plans/indicator_list.html", {"table": table, "q": words})


def indicator_form(request, pk=None):
    """An admin defines or corrects an indicator; "Xem trước" computes the unsaved one for a place
    and year without saving."""
    require_admin(request.user)
    indicator = get_object_or_404(Indicator, pk=pk) if pk else Indicator(method=Indicator.Method.DERIVED)
    form = IndicatorForm(request.POST or None, instance=indicator, user=request.user)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" not in request.POST:
            saved = indicator_save(form=form)
            messages.success(request, _("Đã lưu chỉ tiêu %(name)s.") % {"name": saved.name})
            return redirect("indicator_list")
        preview = _preview(request, form)
    context = {"form": form, "indicator": indicator, "preview": preview, "in_use": _in_use(indicator)}
    return render(request, "plans/indicator_form.html", context)


def _preview(request, form):
    area = form.cleaned_data.get("preview_area") or AdminUnit.objects.get(level=AdminUnit.Level.NATION)
    year = form.cleaned_data.get("preview_year") or timezone.localdate().year - 1
    if form.instance.is_manual:
        return {"manual": True, "area": area, "year": year}
    denominator = form.cleaned_data.get("preview_denominator") or ""
    return indicator_preview(indicator=form.instance, area=area, year=year, denominator=denominator)


def _in_use(indicator) -> int:
    return indicator.targets.count() if indicator.pk else 0


@require_POST
def indicator_remove(request, pk):
    """Delete an indicator nothing reads; one in use is refused (409) and stays."""
    require_admin(request.user)
    indicator = get_object_or_404(Indicator, pk=pk)
    if indicator_delete(indicator=indicator):
        messages.success(request, _("Đã xóa chỉ tiêu %(name)s.") % {"name": indicator.name})
        return redirect("indicator_list")
    form = IndicatorForm(instance=indicator, user=request.user)
    context = {"form": form, "indicator": indicator, "in_use": _in_use(indicator), "refused": True}
    return render(request, "plans/indicator_form.html", context, status=409)


def task_status(request, pk):
    """Staff say where a task of a plan about their province stands."""
    task = get_editable_or_404(Task.objects.select_related("plan"), request.user, pk=pk)
    form = TaskStatusForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu."))
        return redirect(task.plan)
    return render(request, "plans/task_status_form.html", {"form": form, "task": task})


def province_detail(request, code):
    """A province of today's map, or with ?structure=63 one of the 63 before 1/7/2025: its registry
    in numbers, trends and plans, and where it came from or went in 2025."""
    structure = request.GET.get("structure", AdminUnit.Structure.FROM_2025)
    if structure not in AdminUnit.Structure.values:
        raise Http404  # not a map this registry knows (nor text PostgreSQL could hold: "\x00")
    province = get_visible_or_404(AdminUnit.objects.provinces(), request.user, structure=structure, code=code)
    predecessors = list(AdminUnit.objects.filter(successions__successor=province).exclude(pk=province.pk))
    context = {
        "province": province,
        **registry_cached(
            ("province", province.pk), request.user, lambda: _province_numbers(request.user, province, predecessors)
        ),
        "plans": visible(Plan.objects.about_place(province), request.user).select_related("area"),
        "predecessors": predecessors,
        "successors": AdminUnit.objects.filter(predecessions__predecessor=province).exclude(pk=province.pk),
    }
    return render(request, "plans/province_detail.html", context)


def _province_numbers(user, province, predecessors) -> dict:
    """The province page's registry in numbers and its charts (cached: registry_cached)."""
    organisations = visible(Organisation.objects.in_place(province), user)
    htx = organisations.cooperatives()
    ratings = _rating_counts(htx)
    # The HTX chosen inside the subquery, on (province, kind): joined again for their kind, the
    # figures' query read all 35,000 HTX of the country (24 → 5 ms for Hà Nội's size bands).
    figures = YearlyFigures.objects.filter(organisation__in=htx.values("pk"))
    latest = max((row["year"] for row in ratings), default=None)
    return {
        "numbers": registry_numbers(
            organisations.kind_sector_status_counts(), figures.filter(year=latest).size_counts(), ratings
        ),
        "founded_chart": founded_chart(organisations.founded_by_year()),
        "rating_chart": rating_chart(ratings),
        "history_chart": history_chart(
            Organisation.objects.cooperatives()
            .in_area_of_any(predecessors)
            .founded_by_year(place="commune__lineage_ancestors__ancestor"),
            predecessors,
        )
        if len(predecessors) > 1
        else None,
    }
