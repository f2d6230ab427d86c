"""The registry pages: the filtered, exportable registry list, an organisation's own page with
its history and the forms that change it, and the organisations deleted from the registry, which
staff can restore."""

import html

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.db.models.functions import Length
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from accounts.permissions import (
    get_editable_or_404,
    get_visible_or_404,
    require_registry_editor,
    require_round_actor,
    visible,
)
from coop_tracker.lib.history import history_of
from coop_tracker.lib.tables import ExportMixin, LargeTablePaginator
from cooperatives import exports, importing, reporting, services, tasks
from cooperatives.filters import RegistryFilter
from cooperatives.forms import (
    ImportMappingForm,
    NtmRecognitionForm,
    OrganisationForm,
    RatingForm,
    RegistryImportForm,
    SupportActionForm,
    YearlyFiguresForm,
)
from cooperatives.importing import mapping as column_mapping
from cooperatives.models import (
    AdminUnit,
    Export,
    NtmRecognition,
    Organisation,
    Rating,
    RegistryImport,
    ReportingRound,
    RoundEvent,
    SupportAction,
    YearlyFigures,
    structure_of_year,
)
from cooperatives.tables import (
    CommuneTable,
    NotReportedTable,
    OrganisationTable,
    SupportActionTable,
)


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

    def get(self, request, *args, **kwargs):
        # An export offered reads its rows itself (cooperatives.exports), without the page's count
        # and page; any other ?_export= is refused by ExportMixin (400).
        export_format = request.GET.get(self.export_trigger_param)
        if export_format in self.export_formats:
            return exports.registry_export_response(request, export_format)
        return super().get(request, *args, **kwargs)

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
    context = {
        "table": table,
        "q": words,
        "structure": structure,
        "structures": AdminUnit.Structure.choices[:2],
        "can_import": request.user.can_edit_registry,
    }
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
    kind = request.GET.get("kind")
    initial = {"kind": kind} if kind in RegistryImport.Kind.values else None
    form = RegistryImportForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        created = RegistryImport.objects.create(
            created_by=request.user,
            kind=form.cleaned_data["kind"],
            province=request.user.scope_province or form.cleaned_data["province"],
            file_name=upload.name[:255],
            content=upload.read(),
        )
        _check(created)
        return redirect("registry_import_mapping", pk=created.pk)
    recent = RegistryImport.objects.visible_to(request.user).defer("content", "rows", "errors")[:RECENT_IMPORTS]
    context = {"form": form, "recent": recent.select_related("province")}
    return render(request, "cooperatives/registry_import.html", context)


def _check(upload: RegistryImport, size: int | None = None) -> None:
    """Read and check an upload: here for a small file, by a worker for a large one."""
    if (size if size is not None else len(upload.content)) > LARGE_UPLOAD_BYTES:
        tasks.check_registry_import.delay_on_commit(upload.pk)
    else:
        services.registry_import_check(upload_id=upload.pk)


def _upload_or_404(request, pk):
    """The account's upload; one whose run died is ended first (a page read is as good a time as
    the beat's minute to tell)."""
    require_registry_editor(request.user)
    uploads = RegistryImport.objects.defer("content").select_related("province")
    upload = get_visible_or_404(uploads, request.user, pk=pk)
    if upload.is_running and services.registry_imports_end_dead(pk=upload.pk):
        upload.refresh_from_db()
    return upload


def registry_import_detail(request, pk):
    """The preview (what will be created, updated, left unchanged; every error), or the progress bar.
    Until staff have seen how the columns are read, the mapping step comes first."""
    upload = _upload_or_404(request, pk)
    if upload.can_change_mapping and not upload.mapping_confirmed:
        return redirect("registry_import_mapping", pk=upload.pk)
    context = {
        "upload": upload,
        "errors": [_error_row(error) for error in upload.errors],
        "preview": _preview_table_rows(upload),
    }
    return render(request, "cooperatives/registry_import_detail.html", context)


def _preview_table_rows(upload) -> str:
    """The preview's rows (up to 500, 3,000 cells) as the table's rows, in one pass: the template's
    loop took 25 ms a page, the page's whole cost the first time each process showed an upload (a
    fragment cache only spared the views after it); 1–2 ms this way. Each cell is escaped as
    django.utils.html.escape does (html.escape, without its wrapper for lazy text)."""
    width = 4 if upload.kind == RegistryImport.Kind.NTM else 6  # the table's columns
    rows = (
        "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row[:width]) + "</tr>"
        for row in upload.preview_rows
    )
    return mark_safe("\n      ".join(rows))


def _error_row(error: list) -> dict:
    """A stored error for the page: the letter of its column (to link to the mapping step), and
    whether it stands for several rows."""
    row, column, message, *rest = error
    found = column_mapping.LETTER.match(str(column))
    return {
        "row": row,
        "column": column,
        "message": message,
        "letter": found.group(1) if found else "",
        "grouped": bool(rest and rest[0] > 1),
    }


def registry_import_mapping(request, pk):
    """The mapping step: each column with a few of its values and the field it is read as, one
    select per column, and the figures' year when the file gives none. A change is remembered for
    the province's next file with the same headers, and the upload is checked again."""
    upload = _upload_or_404(request, pk)
    if not upload.can_change_mapping:
        return redirect(upload)
    form = ImportMappingForm(request.POST or None, upload=upload)
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        if services.registry_import_remap(upload=upload, mapping=form.mapping(), year=year, user=request.user):
            size = RegistryImport.objects.filter(pk=upload.pk).values_list(Length("content"), flat=True).get()
            _check(upload, size)
        return redirect(upload)
    context = {"upload": upload, "form": form, "rows": _mapping_rows(form)}
    return render(request, "cooperatives/registry_import_mapping.html", context)


def _mapping_rows(form: ImportMappingForm) -> list[dict]:
    fields = {column["index"]: form[name] for column, name in form.columns}
    return [
        {
            **column,
            "select": fields.get(column["index"]),
            "proposed_label": form.field_label(column["proposed"]),
            "field_label": form.field_label(column["field"]),
        }
        for column in form.reading.get("columns", [])
    ]


@require_POST
def registry_import_cancel(request, pk):
    """Staff chose to import nothing."""
    upload = _upload_or_404(request, pk)
    if services.registry_import_cancel(upload_id=upload.pk):
        messages.info(request, _("Đã huỷ: không lưu gì."))
    return redirect(upload)


def registry_import_errors(request, pk):
    """The error report: the file's rows with what is wrong on each, to fix in Excel and upload again."""
    upload = _upload_or_404(request, pk)
    if upload.error_count and (upload.rows_total or 0) > settings.EXPORT_INLINE_ROWS:
        # Reading and checking a large file again takes longer than a request should: a worker
        # writes the report, and the export's page follows it (the one under way, if the link is
        # followed again meanwhile).
        under_way = exports.fresh_exports().filter(
            created_by=request.user, kind=Export.Kind.IMPORT_ERRORS, params__upload=upload.pk, status__in=Export.RUNNING
        )
        if export := under_way.first():
            return redirect(export)
        return exports.export_queue(
            request,
            tasks.build_import_error_report,
            kind=Export.Kind.IMPORT_ERRORS,
            params={"upload": upload.pk},
            file_name=error_report_file_name(upload),
            rows_total=upload.error_count,
        )
    upload = RegistryImport.objects.select_related("province").get(pk=upload.pk)  # with its content
    workbook = services.registry_import_error_report(upload=upload) if upload.error_count else None
    if workbook is None:
        messages.error(request, _("Không còn báo cáo lỗi cho tệp này (không có lỗi, hoặc tệp đã được xoá)."))
        return redirect(upload)
    response = HttpResponse(workbook, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{error_report_file_name(upload)}"'
    return response


def error_report_file_name(upload) -> str:
    stem = "-".join(importing.fold(upload.file_name.rsplit(".", 1)[0]).split())[:80] or "tep"
    return f"{stem}-bao-cao-loi.xlsx"


@require_POST
def registry_import_commit(request, pk):
    upload = _upload_or_404(request, pk)
    valid_only = request.POST.get("rows") == "valid"
    if not upload.mapping_confirmed and upload.can_change_mapping:
        messages.error(request, _("Hãy xem cách đọc các cột trước khi nhập."))
        return redirect("registry_import_mapping", pk=upload.pk)
    if valid_only and upload.can_import_valid_rows:
        _commit_valid_rows(upload)
    elif upload.status != RegistryImport.Status.CHECKED:
        messages.error(request, _("Tệp này không thể nhập (có lỗi, hoặc đã nhập): hãy sửa và tải lên lại."))
    elif (upload.rows_total or 0) > LARGE_IMPORT_ROWS:
        checked = RegistryImport.objects.filter(pk=upload.pk, status=RegistryImport.Status.CHECKED)
        queued = {"status": RegistryImport.Status.QUEUED, "valid_rows_only": False, "rows_done": 0}
        if checked.update(**queued, updated_at=timezone.now()):
            tasks.commit_registry_import.delay_on_commit(upload.pk)
    elif (
        not RegistryImport.objects.filter(pk=upload.pk, status=RegistryImport.Status.CHECKED).update(
            valid_rows_only=False  # every row or nothing, whatever an earlier run of this upload chose
        )
        or services.registry_import_commit(upload_id=upload.pk) is None
    ):
        messages.error(request, _("Tệp này đang được nhập."))
    return redirect(upload)


@require_POST
def registry_import_recheck(request, pk):
    """Check an upload again: with the commune staff chose for each row asked about (a select
    `commune-<row>` per question), or after its run died."""
    upload = _upload_or_404(request, pk)
    choices = {}
    for row, _column, _message, candidates in upload.questions:
        chosen = request.POST.get(f"commune-{row}", "")
        if chosen.isdigit() and int(chosen) in {candidate[0] for candidate in candidates}:
            choices[row] = int(chosen)
    if not services.registry_import_recheck(upload_id=upload.pk, choices=choices):
        messages.error(request, _("Tệp này không kiểm tra lại được (đang xử lý, đã nhập, hoặc tệp không còn)."))
    elif upload.rows_total is None or upload.rows_total > LARGE_IMPORT_ROWS:
        tasks.check_registry_import.delay_on_commit(upload.pk)
    else:
        services.registry_import_check(upload_id=upload.pk)
    return redirect(upload)


def _commit_valid_rows(upload: RegistryImport) -> None:
    """Import the rows without an error, in one transaction; the others stay in the error report.
    Claimed from "with errors" with a conditional update, so a double click imports once."""
    waiting = RegistryImport.objects.filter(pk=upload.pk, status=RegistryImport.Status.INVALID)
    if not waiting.update(
        status=RegistryImport.Status.QUEUED, valid_rows_only=True, rows_done=0, updated_at=timezone.now()
    ):
        return
    if (upload.rows_total or 0) > LARGE_IMPORT_ROWS:
        tasks.commit_registry_import.delay_on_commit(upload.pk)
    else:
        services.registry_import_commit(upload_id=upload.pk)


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


# The yearly reporting round ---------------------------------------------------------------

NOT_REPORTED_PER_PAGE = 50
FIRST_REPORTING_YEAR = 2015


def _reporting_years() -> list[int]:
    today = timezone.localdate()
    return list(range(today.year, FIRST_REPORTING_YEAR - 1, -1))


def _reporting_year(raw) -> int:
    """The year asked for, or the year being reported: this one from December, else the last."""
    years = _reporting_years()
    try:
        year = int(raw)
    except (TypeError, ValueError):
        today = timezone.localdate()
        return today.year if today.month == 12 else today.year - 1
    return year if year in years else years[0]


REPORTING_COLUMNS = {
    "province": _("Tỉnh/thành phố"),
    "expected": _("HTX phải báo cáo"),
    "reported_pct": _("Đã báo cáo (%)"),
    "rated_pct": _("Đã xếp loại (%)"),
    "on_time_pct": _("Đúng hạn (%)"),
    "state": _("Trạng thái"),
    "changed_at": _("Ngày"),
}
NARROW_COLUMNS = ("rated_pct", "on_time_pct", "changed_at")  # left out at 375 px


def _sorted_lines(lines, sort):
    """The rows in the order asked (?sort=column, -column for descending), by province code otherwise."""
    name = (sort or "").removeprefix("-")
    if name not in REPORTING_COLUMNS:
        return lines, ""

    def key(line):
        value = line.province.code if name == "province" else getattr(line, name)
        return (value is not None, value if value is not None else 0)

    return sorted(lines, key=key, reverse=sort.startswith("-")), sort


def reporting_list(request):
    """Who has reported for a year: per province, HTX expected, reported, rated and on time, and its round."""
    year = _reporting_year(request.GET.get("year"))
    lines = reporting.completeness(year, reporting.provinces_of_year(year, request.user))
    shown, sort = _sorted_lines(lines, request.GET.get("sort"))
    columns = [
        {
            "name": name,
            "label": label,
            "narrow": name in NARROW_COLUMNS,
            "sorted": sort.removeprefix("-") == name and ("desc" if sort.startswith("-") else "asc"),
            "next": f"-{name}" if sort == name else name,
        }
        for name, label in REPORTING_COLUMNS.items()
    ]
    chart = {
        "provinces": [line.province.name for line in lines],
        "series": [
            {"name": str(_("Đã báo cáo (%)")), "values": [line.reported_pct for line in lines]},
            {"name": str(_("Đã xếp loại (%)")), "values": [line.rated_pct for line in lines]},
            {"name": str(_("Đúng hạn (%)")), "values": [line.on_time_pct for line in lines]},
        ],
        "title": str(_("Tỷ lệ báo cáo năm %(year)s") % {"year": year}),
    }
    context = {
        "year": year,
        "years": _reporting_years(),
        "lines": shown,
        "columns": columns,
        "chart": chart,
        "htx_deadline": reporting.htx_deadline(year),
        "province_deadline": reporting.province_deadline(year),
    }
    return render(request, "cooperatives/reporting_list.html", context)


def _round_of(request, code, year) -> ReportingRound:
    """The round of a province the account reads (a 404 otherwise), on the map of its year."""
    if year not in _reporting_years():
        raise Http404
    provinces = AdminUnit.objects.provinces().of_structure(structure_of_year(year))
    province = get_visible_or_404(provinces, request.user, code=code)
    return services.round_for(province=province, year=year)


def reporting_round(request, code, year):
    """A province's round of a year: its state and transitions, completeness, what to check."""
    return _round_page(request, _round_of(request, code, year))


def _round_page(request, reporting_round, *, error=None, note=""):
    line = reporting.completeness(reporting_round.year, [reporting_round.province])[0]
    line.reporting_round = reporting_round
    reviewed_at, reviewed_how = reporting_round.reviewed()
    came_back = reviewed_at is not None and reporting_round.state != ReportingRound.State.ACCEPTED
    context = {
        "round": reporting_round,
        "line": line,
        "events": reporting_round.events.select_related("by") if reporting_round.pk else [],
        "counts": reporting.round_counts(reporting_round),
        "actions": [
            (action, RoundEvent.Action(action).label) for action in reporting_round.allowed_actions(request.user)
        ],
        "changes": reporting.changes_since(reporting_round) if came_back else None,
        "reviewed_at": reviewed_at,
        "reviewed_how": reviewed_how,
        "score_issues": reporting.score_issues(reporting_round),
        "htx_deadline": reporting.htx_deadline(reporting_round.year),
        "province_deadline": reporting.province_deadline(reporting_round.year),
        "error": error,
        "note": note,
    }
    return render(request, "cooperatives/reporting_round.html", context)


@require_POST
def reporting_round_transition(request, code, year):
    """Submit, accept, return, ask to reopen or reopen a round (POST `action`, `note`)."""
    reporting_round = _round_of(request, code, year)
    require_round_actor(request.user, reporting_round)
    action, note = request.POST.get("action", ""), request.POST.get("note", "")
    try:
        reporting_round = services.round_transition(
            province=reporting_round.province, year=year, action=action, user=request.user, note=note
        )
    except ValidationError as refusal:
        return _round_page(request, _round_of(request, code, year), error=refusal.messages[0], note=note)
    messages.success(
        request,
        _("Kỳ báo cáo chuyển sang “%(state)s”.") % {"state": reporting_round.get_state_display()},
    )
    return redirect(reporting_round)


def reporting_not_reported(request, code, year):
    """The HTX of a province expected to report for a year that have no figures for it."""
    reporting_round = _round_of(request, code, year)
    # Their ids first, then the page by name among them: asked for 50 by name at once, PostgreSQL
    # walked the names of every HTX of the country to find the few not reported (48 → 13 ms for
    # Hà Nội's 51 at national scale; 15 → 23 ms when none of its 1,200 has reported).
    found = reporting.not_reported(year, reporting_round.province).order_by().values_list("pk", flat=True)
    rows = Organisation.objects.filter(pk__in=list(found)).select_related("commune")
    table = NotReportedTable(rows)
    RequestConfig(request, paginate={"per_page": NOT_REPORTED_PER_PAGE}).configure(table)
    context = {"round": reporting_round, "table": table}
    return render(request, "cooperatives/reporting_not_reported.html", context)


# Exports written by a worker ------------------------------------------------------------------


def _export_or_404(request, pk):
    """An export of the account's own, still kept: anyone else's, or an expired one, is a 404."""
    return get_visible_or_404(exports.fresh_exports(), request.user, pk=pk)


def export_detail(request, pk):
    """A background export: its progress bar, then its download link (or why it failed)."""
    export = _export_or_404(request, pk)
    context = {"export": export, "kept_until": export.created_at + exports.kept()}
    return render(request, "cooperatives/export_detail.html", context)


def export_status(request, pk):
    """Progress for the page's script (static/js/registry_import.js, shared with the import)."""
    export = _export_or_404(request, pk)
    return JsonResponse(
        {
            "status": export.status,
            "label": str(export.get_status_display()),
            "running": export.is_running,
            "rows_done": export.rows_done,
            "rows_total": export.rows_total,
            "percent": export.percent_done,
        }
    )


def export_download(request, pk):
    """The file, streamed from the database a chunk at a time; only once it is written."""
    export = _export_or_404(request, pk)
    if export.status != Export.Status.DONE:
        raise Http404
    response = StreamingHttpResponse(
        exports.export_chunks(export), content_type=exports.CONTENT_TYPES.get(export.format, "application/octet-stream")
    )
    response["Content-Length"] = str(export.size)
    response["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
    return response
