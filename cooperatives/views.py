"""The registry pages: the filtered, exportable registry list, an organisation's own page with
its history and the forms that change it, and the organisations deleted from the registry, which
staff can restore."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from accounts.permissions import get_editable_or_404, get_visible_or_404, require_registry_editor, visible
from coop_tracker.lib.history import history_of
from coop_tracker.lib.tables import ExportMixin, LargeTablePaginator
from cooperatives import importing, services, tasks
from cooperatives.filters import RegistryFilter
from cooperatives.forms import (
    NtmRecognitionForm,
    OrganisationForm,
    RatingForm,
    RegistryImportForm,
    SupportActionForm,
    YearlyFiguresForm,
)
from cooperatives.models import (
    AdminUnit,
    NtmRecognition,
    Organisation,
    Rating,
    RegistryImport,
    SupportAction,
    YearlyFigures,
)
from cooperatives.tables import CommuneTable, OrganisationTable, SupportActionTable


class RegistryListView(ExportMixin, SingleTableMixin, FilterView):
    """The registry, scoped to the account, filtered, sorted, paginated; CSV and Excel of exactly the filter."""

    filterset_class = RegistryFilter
    table_class = OrganisationTable
    template_name = "cooperatives/registry_list.html"
    # The table paginates (one capped count, the page's ids first: coop_tracker.lib.tables), the
    # list view does not (its own count would be a second one).
    paginate_by = None
    table_pagination = {"per_page": 25}
    paginator_class = LargeTablePaginator
    export_formats = ("csv", "xlsx")
    export_name = _("so-dang-ky-htx")

    def get_queryset(self):
        return visible(Organisation.objects, self.request.user)

    def get_table_data(self):
        return self.object_list.for_registry(self.filterset.chosen_rating_year)

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "rating_year": self.filterset.chosen_rating_year}


def organisation_detail(request, pk):
    organisation = get_visible_or_404(Organisation.objects.select_related("province", "commune"), request.user, pk=pk)
    context = {
        "organisation": organisation,
        "figures": organisation.yearly_figures.order_by("-year"),
        "ratings": organisation.ratings.order_by("-year", "scheme"),
        "history": history_of(
            organisation.history.all(),
            YearlyFigures.history.filter(organisation_id=pk),
            Rating.history.filter(organisation_id=pk),
            subject=_part_of_organisation,
        ),
        "can_edit": request.user.can_edit_registry,
    }
    return render(request, "cooperatives/organisation_detail.html", context)


def _part_of_organisation(record):
    """Which row of the organisation's page a change is about; its own changes are not labelled."""
    if record.instance_type is YearlyFigures:
        return _("Số liệu năm %(year)s") % {"year": record.year}
    if record.instance_type is Rating:
        return _("Xếp loại năm %(year)s (%(scheme)s)") % {"year": record.year, "scheme": record.get_scheme_display()}
    return None


def organisation_create(request):
    require_registry_editor(request.user)
    return _organisation_form(request, Organisation())


def organisation_update(request, pk):
    return _organisation_form(request, get_editable_or_404(Organisation.objects, request.user, pk=pk))


def _organisation_form(request, organisation):
    form = OrganisationForm(request.POST or None, instance=organisation, user=request.user)
    if request.method == "POST" and form.is_valid():
        organisation = form.save()
        messages.success(request, _("Đã lưu %(name)s.") % {"name": organisation.name})
        if "save_and_add" in request.POST:
            return redirect("organisation_create")
        return redirect(organisation)
    return render(request, "cooperatives/organisation_form.html", {"form": form, "organisation": organisation})


PART_FORMS = {"figures": (YearlyFiguresForm, YearlyFigures), "ratings": (RatingForm, Rating)}


def organisation_part(request, pk, part, part_pk=None):
    """Add or correct one of an organisation's yearly rows (figures or a rating) from its page."""
    organisation = get_editable_or_404(Organisation.objects, request.user, pk=pk)
    form_class, model = PART_FORMS[part]
    instance = None
    if part_pk:
        instance = get_visible_or_404(model.objects, request.user, organisation=organisation, pk=part_pk)
    form = form_class(request.POST or None, instance=instance, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu."))
        return redirect(organisation)
    context = {"form": form, "organisation": organisation, "part": model._meta.verbose_name}
    return render(request, "cooperatives/organisation_part_form.html", context)


def organisation_delete(request, pk):
    """Ask, then (POST) delete an organisation with its yearly figures, ratings and support actions."""
    organisation = get_editable_or_404(Organisation.objects.select_related("commune"), request.user, pk=pk)
    if request.method == "POST":
        services.organisation_delete(organisation=organisation, user=request.user)
        messages.success(request, _("Đã xóa %(name)s.") % {"name": organisation.name})
        return redirect("organisation_deleted_list")  # where it is listed, and can be restored
    context = {
        "organisation": organisation,
        "counts": [
            (model._meta.verbose_name, model.objects.filter(organisation=organisation).count())
            for model in services.DELETED_WITH_ORGANISATION
        ],
    }
    return render(request, "cooperatives/organisation_confirm_delete.html", context)


DELETED_PER_PAGE = 25


def organisation_deleted_list(request):
    """The organisations deleted from the account's province and not restored, latest first."""
    require_registry_editor(request.user)
    return _deleted_list(request)


def _deleted_list(request, refusal=None):
    deleted = (
        Organisation.history.deleted().visible_to(request.user).select_related("commune", "province", "history_user")
    )
    deleted = deleted.order_by("-history_date", "-history_id")
    page = Paginator(deleted, DELETED_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "refusal": refusal}
    # 409: the restore conflicts with what the registry holds now (the page says what).
    return render(request, "cooperatives/organisation_deleted_list.html", context, status=409 if refusal else 200)


@require_POST
def organisation_restore(request, pk):
    require_registry_editor(request.user)
    deletion = get_visible_or_404(Organisation.history.latest_of_each(), request.user, id=pk)
    try:
        organisation = services.organisation_restore(deletion=deletion, user=request.user)
    except ValidationError as refusal:
        return _deleted_list(request, refusal=refusal.message)
    messages.success(request, _("Đã khôi phục %(name)s.") % {"name": organisation.name})
    return redirect(organisation)


ACTIONS_PER_PAGE = 25


def support_action_list(request):
    """The support actions of the account's province, latest first."""
    actions = visible(SupportAction.objects, request.user).select_related("organisation", "area")
    table = SupportActionTable(actions.order_by("-occurred_on"))
    # 63,000 actions nationally: a capped count, the page's ids first (on supportaction_date_idx).
    RequestConfig(request, paginate={"per_page": ACTIONS_PER_PAGE, "paginator_class": LargeTablePaginator}).configure(
        table
    )
    return render(request, "cooperatives/support_action_list.html", {"table": table})


def support_action_form(request, pk=None):
    require_registry_editor(request.user)
    action = get_editable_or_404(SupportAction.objects, request.user, pk=pk) if pk else None
    form = SupportActionForm(request.POST or None, instance=action, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu."))
        return redirect("support_action_list")
    history = history_of(action.history.all()) if action else None
    context = {"form": form, "action": action, "history": history}
    return render(request, "cooperatives/support_action_form.html", context)


# Communes and their new-rural recognitions -------------------------------------------------

COMMUNES_PER_PAGE = 25


def commune_list(request):
    """The communes of the account's province (old and new maps), searched by name or code."""
    communes = visible(AdminUnit.objects.communes(), request.user).select_related("parent")
    words = request.GET.get("q", "").strip()
    if words:
        communes = communes.filter(Q(name__icontains=words) | Q(full_name__icontains=words) | Q(code=words))
    structure = request.GET.get("structure", "")
    if structure in AdminUnit.Structure.values:
        communes = communes.of_structure(structure)
    table = CommuneTable(communes)
    RequestConfig(request, paginate={"per_page": COMMUNES_PER_PAGE}).configure(table)
    context = {"table": table, "q": words, "structure": structure, "structures": AdminUnit.Structure.choices[:2]}
    return render(request, "cooperatives/commune_list.html", context)


def commune_detail(request, pk):
    """A commune: where it lies, where it came from or went in 2025, and its new-rural recognitions."""
    communes = AdminUnit.objects.communes().select_related("parent__parent")
    commune = get_visible_or_404(communes, request.user, pk=pk)
    recognitions = commune.ntm_recognitions.order_by("decided_on", "level")
    standing = recognitions.in_force_on(timezone.localdate())
    context = {
        "commune": commune,
        "recognitions": recognitions,
        "standing": max((r.level for r in standing), key=NtmRecognition.Level.values.index, default=None),
        "predecessors": AdminUnit.objects.filter(successions__successor=commune).select_related("parent"),
        "successors": AdminUnit.objects.filter(predecessions__predecessor=commune).select_related("parent"),
        "organisations": Organisation.objects.filter(commune=commune).count(),
        "can_edit": request.user.can_edit_registry and commune.kind == AdminUnit.Kind.COMMUNE,
        "history": history_of(NtmRecognition.history.filter(commune_id=commune.pk), subject=_recognition_of),
    }
    return render(request, "cooperatives/commune_detail.html", context)


def _recognition_of(record):
    return _("Công nhận: %(level)s") % {"level": NtmRecognition.Level(record.level).label}


def ntm_recognition_form(request, pk, ntm_pk=None):
    """Staff of the commune's province enter a recognition, or correct or withdraw one."""
    require_registry_editor(request.user)
    commune = get_visible_or_404(AdminUnit.objects.communes(), request.user, pk=pk)
    recognition = None
    if ntm_pk:
        recognition = get_visible_or_404(NtmRecognition.objects, request.user, commune=commune, pk=ntm_pk)
    form = NtmRecognitionForm(request.POST or None, instance=recognition, commune=commune)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu."))
        return redirect("commune_detail", pk=commune.pk)
    context = {"form": form, "commune": commune, "recognition": recognition}
    return render(request, "cooperatives/ntm_recognition_form.html", context)


# Excel/CSV import ----------------------------------------------------------------------------

# Larger files are read and written by a worker, with a progress bar: about 2,000 rows of the template.
LARGE_UPLOAD_BYTES = 200_000
LARGE_IMPORT_ROWS = 2000
RECENT_IMPORTS = 10


def registry_import(request):
    """Upload a list; small files are previewed at once, large ones by a Celery task."""
    require_registry_editor(request.user)
    form = RegistryImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        created = RegistryImport.objects.create(
            created_by=request.user,
            province=request.user.scope_province or form.cleaned_data["province"],
            file_name=upload.name[:255],
            content=upload.read(),
        )
        if upload.size > LARGE_UPLOAD_BYTES:
            tasks.check_registry_import.delay_on_commit(created.pk)
        else:
            services.registry_import_check(upload_id=created.pk)
        return redirect(created)
    recent = RegistryImport.objects.visible_to(request.user).defer("content", "rows", "errors")[:RECENT_IMPORTS]
    context = {"form": form, "recent": recent.select_related("province")}
    return render(request, "cooperatives/registry_import.html", context)


def _upload_or_404(request, pk):
    require_registry_editor(request.user)
    uploads = RegistryImport.objects.defer("content").select_related("province")
    return get_visible_or_404(uploads, request.user, pk=pk)


def registry_import_detail(request, pk):
    """The preview (what will be created, updated, left unchanged; every error), or the progress bar."""
    upload = _upload_or_404(request, pk)
    return render(request, "cooperatives/registry_import_detail.html", {"upload": upload})


@require_POST
def registry_import_commit(request, pk):
    upload = _upload_or_404(request, pk)
    if upload.status != RegistryImport.Status.CHECKED:
        messages.error(request, _("Tệp này không thể nhập (có lỗi, hoặc đã nhập): hãy sửa và tải lên lại."))
    elif (upload.rows_total or 0) > LARGE_IMPORT_ROWS:
        checked = RegistryImport.objects.filter(pk=upload.pk, status=RegistryImport.Status.CHECKED)
        if checked.update(status=RegistryImport.Status.QUEUED, rows_done=0, updated_at=timezone.now()):
            tasks.commit_registry_import.delay_on_commit(upload.pk)
    elif services.registry_import_commit(upload_id=upload.pk) is None:
        messages.error(request, _("Tệp này đang được nhập."))
    return redirect(upload)


def registry_import_status(request, pk):
    """Progress for the page's script (static/js/registry_import.js)."""
    upload = _upload_or_404(request, pk)
    return JsonResponse(
        {
            "status": upload.status,
            "label": str(upload.get_status_display()),
            "running": upload.is_running,
            "rows_done": upload.rows_done,
            "rows_total": upload.rows_total,
            "percent": upload.percent_done,
        }
    )


def registry_import_template(request):
    require_registry_editor(request.user)
    communes = AdminUnit.objects.communes().of_structure(AdminUnit.Structure.FROM_2025).select_related("parent")
    if request.user.scope_province is not None:
        communes = communes.filter(parent=request.user.scope_province)
    rows = ((c.code, c.full_name, c.parent.name) for c in communes.order_by("parent__code", "code"))
    response = HttpResponse(
        importing.template_xlsx(rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-so-dang-ky-htx.xlsx"'
    return response
