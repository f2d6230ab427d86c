"""The admin of the registry: administrative units, organisations and their yearly records."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from coop_tracker.lib.admin import ReadOnlyAdmin
from cooperatives import services
from cooperatives.models import (
    AdminUnit,
    Export,
    ExportChunk,
    ImportMapping,
    NtmRecognition,
    Organisation,
    ProvinceBoundary,
    Rating,
    RegistryImport,
    ReportingRound,
    RoundEvent,
    SupportAction,
    UnitLineage,
    UnitSuccession,
    YearlyFigures,
)

admin.site.site_header = _("Quản trị Coop Tracker")
admin.site.site_title = _("Quản trị Coop Tracker")
admin.site.index_title = _("Quản lý dữ liệu")


ORGANISATION_SEARCH_FIELDS = ["organisation__name", "organisation__registration_code"]


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "full_name", "level", "kind", "structure", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "structure", "kind"]
    # Codes are matched exactly: "01" as a substring would hit hundreds of communes.
    search_fields = ["=code", "name", "full_name", "name_en"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    ordering = ["level", "structure", "code"]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "effective_on"]
    list_filter = ["predecessor__level", "effective_on"]
    search_fields = ["=predecessor__code", "predecessor__full_name", "=successor__code", "successor__full_name"]
    list_select_related = ["predecessor", "successor"]
    autocomplete_fields = ["predecessor", "successor"]


@admin.register(ProvinceBoundary)
class ProvinceBoundaryAdmin(ReadOnlyAdmin):
    """View only: `manage.py import_province_maps` loads the outlines from their files."""

    list_display = ["unit", "source", "loaded_at"]
    list_filter = ["unit__structure"]
    search_fields = ["=unit__code", "unit__full_name"]
    list_select_related = ["unit"]
    exclude = ["geometry"]  # a few kilobytes of coordinates: the maps draw it


@admin.register(UnitLineage)
class UnitLineageAdmin(ReadOnlyAdmin):
    """View only: every import rebuilds the lineage from parents and successions,
    so a row added or changed by hand would be silently lost or, worse, kept wrong."""

    list_display = ["descendant", "ancestor"]
    list_filter = ["ancestor__level", "descendant__level"]
    search_fields = ["=descendant__code", "descendant__full_name", "=ancestor__code", "ancestor__full_name"]
    list_select_related = ["descendant", "ancestor"]


class YearlyFiguresInline(admin.TabularInline):
    model = YearlyFigures
    extra = 0


class RatingInline(admin.TabularInline):
    model = Rating
    extra = 0


class SupportActionInline(admin.TabularInline):
    model = SupportAction
    extra = 0
    # No area here: SupportAction.save takes it from the organisation.
    fields = ["kind", "occurred_on", "count", "amount", "description"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "kind",
        "registration_code",
        "sector",
        "province",
        "commune",
        "founded_on",
        "status",
        "is_alliance_member",
    ]
    # The province filter lists only the 34 current provinces: it follows the
    # field's limit_choices_to.
    list_filter = ["kind", "sector", "status", "province"]
    date_hierarchy = "founded_on"

    # Deleted as on the organisation's page, so that a restore brings back what went with it.
    def delete_model(self, request, obj):
        services.organisation_delete(organisation=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for organisation in queryset:
            services.organisation_delete(organisation=organisation, user=request.user)

    search_fields = ["name", "short_name", "registration_code"]
    list_select_related = ["province", "commune"]
    autocomplete_fields = ["province", "commune"]
    inlines = [YearlyFiguresInline, RatingInline, SupportActionInline]

    @admin.display(description=_("thành viên Liên minh HTX"), boolean=True, ordering="alliance_joined_on")
    def is_alliance_member(self, organisation):
        return organisation.is_alliance_member


@admin.register(YearlyFigures)
class YearlyFiguresAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "year", "members", "workers", "charter_capital", "revenue", "profit"]
    list_filter = ["year", "linked_with_enterprise", "high_technology"]
    search_fields = ORGANISATION_SEARCH_FIELDS
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]


@admin.register(Rating)
class RatingAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "year", "scheme", "self_score", "verified_score", "level", "unrated_reason"]
    list_filter = ["year", "level", "unrated_reason", "scheme"]
    search_fields = ORGANISATION_SEARCH_FIELDS
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]


@admin.register(SupportAction)
class SupportActionAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "occurred_on", "organisation", "area", "count", "amount", "description"]
    list_filter = ["kind"]
    date_hierarchy = "occurred_on"
    search_fields = [*ORGANISATION_SEARCH_FIELDS, "description"]
    list_select_related = ["organisation", "area"]
    autocomplete_fields = ["organisation", "area"]


@admin.register(NtmRecognition)
class NtmRecognitionAdmin(SimpleHistoryAdmin):
    list_display = ["commune", "level", "decision_number", "decided_on", "withdrawn_on", "province"]
    list_filter = ["level", "province"]
    date_hierarchy = "decided_on"
    search_fields = ["commune__name", "commune__code", "decision_number"]
    list_select_related = ["commune", "province"]
    autocomplete_fields = ["commune"]
    exclude = ["province"]  # follows from the xã


@admin.register(RegistryImport)
class RegistryImportAdmin(ReadOnlyAdmin):
    """View only: an import is uploaded, previewed and committed from its own page (/registry/import/)."""

    list_display = ["file_name", "province", "created_by", "created_at", "status", "error_count"]
    list_filter = ["status", "province"]
    search_fields = ["file_name", "created_by__username"]
    list_select_related = ["province", "created_by"]
    exclude = ["content"]


class RoundEventInline(admin.TabularInline):
    model = RoundEvent
    fields = ["at", "action", "state", "by", "note", "counts"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReportingRound)
class ReportingRoundAdmin(ReadOnlyAdmin):
    """View only: a round moves by its page's transitions (/reporting/…), each recorded with who,
    when, the note and the rows held; a state typed here would skip that record."""

    list_display = ["province", "year", "state", "changed_at", "accepted_at", "reopen_requested"]
    list_filter = ["year", "state", "province__structure"]
    search_fields = ["=province__code", "province__full_name"]
    list_select_related = ["province"]
    inlines = [RoundEventInline]


@admin.register(RoundEvent)
class RoundEventAdmin(ReadOnlyAdmin):
    list_display = ["reporting_round", "action", "state", "by", "at"]
    list_filter = ["action", "state"]
    list_select_related = ["reporting_round__province", "by"]


@admin.register(Export)
class ExportAdmin(ReadOnlyAdmin):
    """View only: an export is its owner's, downloaded from its own page (/exports/<id>/)."""

    list_display = ["file_name", "kind", "created_by", "created_at", "status", "rows_total", "size"]
    list_filter = ["status", "kind"]
    search_fields = ["file_name", "created_by__username"]
    list_select_related = ["created_by"]


@admin.register(ExportChunk)
class ExportChunkAdmin(ReadOnlyAdmin):
    """View only: the pieces of an export's file."""

    list_display = ["export", "number"]
    exclude = ["data"]


@admin.register(ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin):
    """The column choices remembered for a province's lists; deleting one makes the next file proposed afresh."""

    list_display = ["province", "updated_by", "updated_at"]
    list_filter = ["province"]
    list_select_related = ["province", "updated_by"]
    readonly_fields = ["header_digest", "headers", "updated_by", "updated_at"]
