"""The API's endpoints (README, "REST API"). Thin, like the web's views: rows are reached only
through accounts.permissions (visible() to read; require_registry_editor() and
get_editable_or_404() to write: a 403 for leaders, a 404 outside the account's province), and
every write is checked by the web's form for the same record (api.serializers.FormSerializer)."""

from django import forms
from django.core.cache import cache
from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.permissions import get_editable_or_404, get_visible_or_404, require_registry_editor, visible
from api import bulk
from api.pagination import RegistryCursorPagination
from api.serializers import (
    API_CHANGE,
    CountsSerializer,
    EnteredValueSerializer,
    FiguresBulkSerializer,
    IndicatorSerializer,
    OrganisationSerializer,
    PlanSerializer,
    ProvinceSerializer,
    RatingSerializer,
    RegistryRowSerializer,
    TargetSerializer,
    YearlyFiguresSerializer,
)
from coop_tracker.lib.filters import as_number
from cooperatives import services
from cooperatives.filters import RegistryFilter
from cooperatives.models import (
    AdminUnit,
    Organisation,
    Rating,
    UnitSuccession,
    YearlyFigures,
    operating_at_end_of,
    registry_stamp,
)
from plans.models import EnteredValue, Indicator, Plan, Progress, Target

ID = "[0-9]{1,18}"  # an id in a path; anything else is a 404 before any query


class WholeFilter(filters.NumberFilter):
    """An id or a year: a whole number that fits the column, or a 400 (never a 500 from the database)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=0, max_value=2**63 - 1, **kwargs)


class ReadViewSet(viewsets.ReadOnlyModelViewSet):
    """Lists and records of one model, as far as the account may read them."""

    lookup_value_regex = ID

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the model, with no account
            return self.base_queryset().none()
        return visible(self.base_queryset(), self.request.user)


class WriteViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadViewSet):
    """Records the account may also add and correct, as its forms do: leaders get a 403, a record
    outside the account's province a 404; the form's errors are a 400 {field: [messages]}."""

    def get_object(self):
        if "object" not in self.__dict__:  # asked for by the update and by form_kwargs
            if self.action in ("update", "partial_update"):
                self.object = get_editable_or_404(self.base_queryset(), self.request.user, pk=self.kwargs["pk"])
            else:
                self.object = super().get_object()
        return self.object

    def create(self, request, *args, **kwargs):
        require_registry_editor(request.user)
        return super().create(request, *args, **kwargs)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action in ("create", "update", "partial_update"):
            context["form_kwargs"] = self.form_kwargs()
        return context

    def form_kwargs(self) -> dict:
        return {"user": self.request.user}


class RegistryFilterBackend(filters.DjangoFilterBackend):
    """The registry list page's filter set, and its rating column for the year it chose."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs.for_registry(filterset.chosen_rating_year)


class ProvinceFilter(filters.FilterSet):
    structure = filters.ChoiceFilter(
        choices=[(AdminUnit.Structure.BEFORE_2025, "63"), (AdminUnit.Structure.FROM_2025, "34")]
    )

    class Meta:
        model = AdminUnit
        fields = ["structure", "code"]


class ProvinceViewSet(ReadViewSet):
    """Provinces of both maps (63 before 1/7/2025, 34 since), with their successions."""

    serializer_class = ProvinceSerializer
    filterset_class = ProvinceFilter
    filter_backends = [filters.DjangoFilterBackend]

    def base_queryset(self):
        successions = UnitSuccession.objects.select_related("predecessor", "successor")
        return (
            AdminUnit.objects.provinces()
            .prefetch_related(
                Prefetch("predecessions", queryset=successions), Prefetch("successions", queryset=successions)
            )
            .order_by("-structure", "code")
        )


class IndicatorViewSet(ReadViewSet):
    """What targets measure: derived from the registry by a named rule, or entered by hand."""

    serializer_class = IndicatorSerializer
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]{1,60}"

    def get_queryset(self):
        return Indicator.objects.order_by("code")  # the same for every account: no province in it


class PlanFilter(filters.FilterSet):
    area = WholeFilter(label="The id of the plan's place.")
    year = WholeFilter(method="in_force", label="In force in this year.")

    class Meta:
        model = Plan
        fields = ["area", "year"]

    def in_force(self, queryset, name, value):
        return queryset.in_force(value)


class PlanViewSet(ReadViewSet):
    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    filter_backends = [filters.DjangoFilterBackend]

    def base_queryset(self):
        return (
            Plan.objects.select_related("area")
            .prefetch_related(Prefetch("targets", queryset=Target.objects.only("pk", "plan_id").order_by("pk")))
            .order_by("pk")
        )


class TargetFilter(filters.FilterSet):
    plan = WholeFilter()
    area = WholeFilter()
    indicator = filters.CharFilter(field_name="indicator__code", label="The indicator's code.")
    status = filters.ChoiceFilter(field_name="progress__status", choices=Progress.Status.choices)

    class Meta:
        model = Target
        fields = ["plan", "area", "indicator", "status"]


class TargetViewSet(ReadViewSet):
    """Targets with their stored progress and each year's result (the recompute writes them)."""

    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    filter_backends = [filters.DjangoFilterBackend]

    def base_queryset(self):
        # By the plan's id, not its ordering (for_rows' "plan"), which joins and sorts every plan.
        return Target.objects.for_rows().prefetch_related("progress_years").order_by("plan_id", "id")


class OrganisationViewSet(WriteViewSet):
    """The registry, with the list page's filters (`province` and `commune` are ids), a cursor
    for its pages, and the rating of `rating_year` (the latest by default) on every row."""

    pagination_class = RegistryCursorPagination
    filterset_class = RegistryFilter
    filter_backends = [RegistryFilterBackend]

    def base_queryset(self):
        return Organisation.objects.select_related("province", "commune")

    def get_serializer_class(self):
        return RegistryRowSerializer if self.action == "list" else OrganisationSerializer

    def list(self, request, *args, **kwargs):
        """The page's rows read by values() and written by each field's own to_representation
        (RegistryRowSerializer.represent_values): the same JSON as the serializer's, at less cost."""
        serializer = self.get_serializer()
        rows = self.filter_queryset(self.get_queryset()).values(*serializer.value_paths().values())
        return self.get_paginated_response(serializer.represent_values(self.paginate_queryset(rows)))


class YearlyFiguresFilter(filters.FilterSet):
    organisation = WholeFilter()
    registration_code = filters.CharFilter(field_name="organisation__registration_code")
    province = WholeFilter(field_name="organisation__province", label="The id of a current province.")
    year = WholeFilter()

    class Meta:
        model = YearlyFigures
        fields = ["organisation", "registration_code", "province", "year"]


class RatingFilter(YearlyFiguresFilter):
    class Meta:
        model = Rating
        fields = ["organisation", "registration_code", "province", "year", "scheme"]


class OrganisationPartViewSet(WriteViewSet):
    """An organisation's yearly rows (figures, ratings). Created with the organisation's id in the
    body, which must be one the account may change (else a 400, as a form's wrong choice is);
    afterwards the row stays with its organisation."""

    pagination_class = RegistryCursorPagination
    filter_backends = [filters.DjangoFilterBackend]
    model = None

    def base_queryset(self):
        return self.model.objects.select_related("organisation")

    def form_kwargs(self) -> dict:
        if self.action == "create":
            return {"organisation": self._organisation_of_request()}
        return {"organisation": self.get_object().organisation}

    def _organisation_of_request(self):
        pk = as_number(self.request.data.get("organisation")) if hasattr(self.request.data, "get") else None
        found = visible(Organisation.objects, self.request.user).filter(pk=pk).first() if pk else None
        if found is None:
            raise ValidationError({"organisation": [_("Không có tổ chức này trong phạm vi của tài khoản.")]})
        return found


class YearlyFiguresViewSet(OrganisationPartViewSet):
    model = YearlyFigures
    serializer_class = YearlyFiguresSerializer
    filterset_class = YearlyFiguresFilter


class RatingViewSet(OrganisationPartViewSet):
    model = Rating
    serializer_class = RatingSerializer
    filterset_class = RatingFilter


class EnteredValueFilter(filters.FilterSet):
    area = WholeFilter()
    indicator = filters.CharFilter(field_name="indicator__code", label="The indicator's code.")

    class Meta:
        model = EnteredValue
        fields = ["area", "indicator", "as_of"]


class EnteredValueViewSet(WriteViewSet):
    """Figures no registry holds, typed in by staff for a province (old or new) of their scope."""

    serializer_class = EnteredValueSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = EnteredValueFilter

    def base_queryset(self):
        return EnteredValue.objects.select_related("indicator", "area", "entered_by").order_by("pk")


class FiguresBulkView(APIView):
    """Yearly figures of many organisations of one province at once, by registration code and
    year: created, updated or left as they are; all or nothing; the same batch sent twice changes
    nothing the second time."""

    @extend_schema(
        request=FiguresBulkSerializer,
        responses={
            200: inline_serializer(
                "FiguresBulkResult",
                {
                    "create": serializers.IntegerField(),
                    "update": serializers.IntegerField(),
                    "unchanged": serializers.IntegerField(),
                },
            )
        },
    )
    def post(self, request):
        require_registry_editor(request.user)
        province = self._province(request)
        rows = request.data.get("rows") if hasattr(request.data, "get") else None
        if not isinstance(rows, list) or not 0 < len(rows) <= bulk.MAX_ROWS:
            message = _("Cần một danh sách “rows” từ 1 đến %(most)s dòng.") % {
                "most": f"{bulk.MAX_ROWS:,}".replace(",", ".")
            }
            raise ValidationError({"rows": [message]})
        records, errors = bulk.read_rows(rows)
        # Rows of a locked reporting round are refused by the import's planner, each with its
        # reason (cooperatives.importing); unchanged ones pass.
        report = services.figures_upsert(
            records=records, errors=errors, province=province, user=request.user, reason=API_CHANGE
        )
        if not report.committed:
            return Response({"rows": _row_errors(report.errors)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(report.counts["figures"])

    def _province(self, request):
        code = request.data.get("province") if hasattr(request.data, "get") else None
        own = request.user.scope_province
        if code is None and own is not None:
            return own
        if not isinstance(code, str):
            raise ValidationError({"province": [_("Cần mã tỉnh/thành phố (34 tỉnh).")]})
        return get_visible_or_404(AdminUnit.objects.current_provinces(), request.user, code=code)


def _row_errors(errors) -> dict:
    """The import's errors as {index in `rows`: {field: [messages]}}; "" for the request as a whole."""
    found = {}
    for error in errors:
        row = "" if error.row is None else str(error.row - 1)
        field = error.column or api_settings.NON_FIELD_ERRORS_KEY
        found.setdefault(row, {}).setdefault(field, []).append(error.message)
    return found


KINDS = Organisation.Kind.values
LEVELS = Rating.Level.values
COUNTS_SECONDS = 600


class CountsView(APIView):
    """The registry in numbers for every province the account reads, in one year: organisations
    founded in it and operating at its end (by kind), HTX by the rating that counts (by level),
    and HTX that reported figures. `structure=63` counts the old provinces, through the lineage."""

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="The year (this year by default)."),
            OpenApiParameter(
                "structure", str, enum=["34", "63"], description="Today's provinces (34) or the old ones."
            ),
        ],
        responses={200: CountsSerializer(many=True)},
    )
    def get(self, request):
        year = as_number(request.query_params.get("year", timezone.localdate().year))
        structure = request.query_params.get("structure", AdminUnit.Structure.FROM_2025)
        if year is None or not 1990 <= year <= 2100:
            raise ValidationError({"year": [_("Năm từ 1990 đến 2100.")]})
        if structure not in (AdminUnit.Structure.FROM_2025, AdminUnit.Structure.BEFORE_2025):
            raise ValidationError({"structure": [_("“34” (từ 1/7/2025) hoặc “63” (trước đó).")]})
        scope = getattr(request.user.scope_province, "pk", "all")
        key = ":".join(map(str, ["api-counts", *registry_stamp(), scope, structure, year]))
        rows = cache.get(key)
        if rows is None:
            provinces = visible(AdminUnit.objects.provinces().of_structure(structure), request.user).order_by("code")
            rows = [
                dict(row)
                for row in CountsSerializer(_counts(request.user, list(provinces), year, structure), many=True).data
            ]
            cache.set(key, rows, COUNTS_SECONDS)
        return Response(rows)


def _counts(user, provinces, year, structure) -> list[dict]:
    """Four grouped queries. A current province reads the organisations' own province column;
    an old one, the lineage (a commune formed from several old provinces counts in each)."""
    ids = [unit.pk for unit in provinces]
    place = "province" if structure == AdminUnit.Structure.FROM_2025 else "commune__lineage_ancestors__ancestor"

    def grouped(rows, prefix, *keys):
        rows = rows.filter(**{f"{prefix}{place}__in": ids}).order_by()
        return rows.values_list(f"{prefix}{place}", *keys).annotate(n=Count("pk"))

    organisations = visible(Organisation.objects, user)
    founded = _table(grouped(organisations.filter(founded_on__year=year), "", "kind"))
    active = _table(grouped(organisations.filter(operating_at_end_of(year)), "", "kind"))
    rated = _table(grouped(visible(Rating.objects, user).counted(years=(year, year)), "organisation__", "level"))
    figures = visible(YearlyFigures.objects, user).of_cooperatives().filter(year=year)
    reported = dict(grouped(figures, "organisation__"))
    return [
        {
            "province": unit,
            "founded": {kind: founded.get((unit.pk, kind), 0) for kind in KINDS},
            "active": {kind: active.get((unit.pk, kind), 0) for kind in KINDS},
            "rated": {level: rated.get((unit.pk, level), 0) for level in LEVELS},
            "with_figures": reported.get(unit.pk, 0),
        }
        for unit in provinces
    ]


def _table(rows) -> dict:
    return {(place, key): count for place, key, count in rows}
