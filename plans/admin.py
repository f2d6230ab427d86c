"""The admin of plans: their targets and tasks, the indicators, and hand-entered values."""

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from coop_tracker.lib.admin import ReadOnlyAdmin
from plans.figures import explain
from plans.models import (
    EnteredValue,
    Indicator,
    NationalParts,
    PendingRecompute,
    Plan,
    Progress,
    ProgressSnapshot,
    ProgressYear,
    RecomputeSchedule,
    ReportedResult,
    Target,
    Task,
)

# Wordings are whole sentences of a plan; inline rows stay one screen wide with short boxes.
COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = [
        "indicator",
        "area",
        "period",
        "year_from",
        "year_to",
        "comparator",
        "value",
        "value_high",
        "measure",
        "wording",
    ]
    autocomplete_fields = ["indicator", "area"]
    formfield_overrides = COMPACT_TEXT


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    fields = ["title", "wording", "status", "status_updated_on"]
    formfield_overrides = COMPACT_TEXT


class ReportedResultInline(admin.TabularInline):
    model = ReportedResult
    extra = 0
    fields = ["order", "wording", "indicator", "value", "unit", "as_of", "source", "note"]
    autocomplete_fields = ["indicator"]
    formfield_overrides = COMPACT_TEXT


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "place", "document_number", "document_date", "first_year", "last_year"]
    list_filter = ["first_year", "last_year"]
    search_fields = ["title", "document_number", "issuer", "area_label"]
    list_select_related = ["area"]
    autocomplete_fields = ["area"]
    inlines = [TargetInline, ReportedResultInline, TaskInline]

    @admin.display(description=_("địa bàn"), ordering="area__code")
    def place(self, plan):
        return plan.place


@admin.register(ReportedResult)
class ReportedResultAdmin(SimpleHistoryAdmin):
    """Results a document reports (no status): entered from the document, corrected here."""

    list_display = ["wording", "plan", "value", "unit", "as_of", "source"]
    search_fields = ["wording", "plan__title", "source"]
    list_select_related = ["plan"]
    autocomplete_fields = ["plan", "indicator"]
    formfield_overrides = COMPACT_TEXT


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "unit", "shape", "method", "rule"]
    list_filter = ["method", "shape", "unit", "rule"]
    search_fields = ["code", "name_vi", "name_en"]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = [
        "short_wording",
        "plan",
        "indicator",
        "area",
        "period",
        "year_from",
        "year_to",
        "comparator",
        "value",
        "value_high",
        "measure",
    ]
    list_filter = ["period", "comparator", "measure", "plan"]
    search_fields = ["wording", "indicator__code"]
    list_select_related = ["plan", "indicator", "area"]
    autocomplete_fields = ["plan", "indicator", "area"]

    @admin.display(description=_("nguyên văn"), ordering="wording")
    def short_wording(self, target):
        return Truncator(target.wording).chars(80)


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan", "status", "status_updated_on"]
    list_filter = ["status"]
    search_fields = ["title", "wording", "plan__title"]
    list_select_related = ["plan"]
    autocomplete_fields = ["plan"]


@admin.register(EnteredValue)
class EnteredValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "area", "as_of", "value", "source", "entered_by", "entered_at"]
    list_filter = ["indicator"]
    search_fields = ["indicator__code", "indicator__name_vi", "area__full_name", "source"]
    list_select_related = ["indicator", "area", "entered_by"]
    autocomplete_fields = ["indicator", "area"]
    # Who typed a figure in is a record, not an input: save_model fills it.
    readonly_fields = ["entered_by", "entered_at"]

    def save_model(self, request, obj, form, change):
        if obj.entered_by_id is None:
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)


# Written only by the progress recompute (plans.services): shown here to check a figure.
@admin.register(Progress)
class ProgressAdmin(ReadOnlyAdmin):
    list_display = ["target", "status", "year", "actual", "ratio", "computed_at"]
    list_filter = ["status", "target__plan"]
    search_fields = ["target__wording"]
    list_select_related = ["target"]
    exclude = ["explanation"]
    readonly_fields = ["explanation_text"]

    @admin.display(description=_("giải thích"))
    def explanation_text(self, obj):
        return explain(obj.target, obj.explanation)


@admin.register(ProgressYear)
class ProgressYearAdmin(ReadOnlyAdmin):
    list_display = ["target", "year", "value", "actual", "status"]
    list_filter = ["status", "year"]
    search_fields = ["target__wording"]
    list_select_related = ["target"]


@admin.register(ProgressSnapshot)
class ProgressSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["target", "day", "actual", "ratio", "status"]
    list_filter = ["status", "day"]
    search_fields = ["target__wording"]
    list_select_related = ["target"]


@admin.register(PendingRecompute)
class PendingRecomputeAdmin(ReadOnlyAdmin):
    list_display = ["area", "requested_at"]
    search_fields = ["area__full_name", "=area__code"]
    list_select_related = ["area"]


@admin.register(RecomputeSchedule)
class RecomputeScheduleAdmin(ReadOnlyAdmin):
    list_display = ["pk", "queued_at", "last_run_at"]


@admin.register(NationalParts)
class NationalPartsAdmin(ReadOnlyAdmin):
    list_display = ["column", "province", "computed_at"]
    search_fields = ["column"]
