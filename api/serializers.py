"""What the API reads and writes. Reads are plain serializers of the models; every write goes
through the ModelForm the web's page uses for the same record (FormSerializer), with the account
and the organisation the page would give it, so the rules checked and the messages given (in the
request's language) are literally the same."""

from collections.abc import Mapping
from decimal import Decimal

from django import forms
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.models import model_to_dict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.fields import empty
from rest_framework.settings import api_settings

from coop_tracker.lib.stamps import digest, record_state
from cooperatives.forms import OrganisationForm, RatingForm, YearlyFiguresForm
from cooperatives.importing import FIGURE_FIELDS
from cooperatives.models import AdminUnit, Organisation, Rating, YearlyFigures
from plans import figures
from plans.forms import EnteredValueForm
from plans.models import EnteredValue, Indicator, Plan, Progress, ProgressYear, Target

# history_change_reason of every row the API writes.
API_CHANGE = "api"
NUMBER_FIELDS = (forms.IntegerField, forms.DecimalField, forms.FloatField)
NOT_A_VALUE = _("Giá trị không hợp lệ: cần một số, một chuỗi, true/false hoặc null.")


def form_errors(form) -> dict[str, list[str]]:
    """A form's errors as the API answers them: {field: [messages]}, the form's own under
    non_field_errors; worded now, in the request's language."""
    key = api_settings.NON_FIELD_ERRORS_KEY
    return {
        key if name == "__all__" else name: [str(message) for message in errors] for name, errors in form.errors.items()
    }


def form_value(field, value):
    """A JSON value as the form field reads what a person types. Numbers stay numbers (a JSON
    1.250 is one and a quarter, where the text "1.250" typed in a Vietnamese form is a thousand
    two hundred and fifty); dates, codes and choices become their text."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return value if isinstance(field, forms.BooleanField) else str(value).lower()
    if isinstance(value, int | float) or hasattr(value, "as_tuple"):  # int, Decimal
        return value if isinstance(field, NUMBER_FIELDS) else str(value)
    raise TypeError(value)


class RoundLockedConflict(exceptions.APIException):
    """A write into a submitted or accepted reporting round (cooperatives.models.RoundLocked)."""

    status_code = 409
    default_code = "round_locked"


class FormSerializer(serializers.ModelSerializer):
    """A serializer whose writes are a ModelForm's: `form_class`, built with the view's
    `form_kwargs` (the account, the organisation). Its declared fields describe the record in the
    schema and in answers; a write is checked by the form only.

    `by_code`: drop-downs the form fills with ids that clients name by a code instead (a commune by
    its 5-digit code, an indicator by its code): {form field: the related model's field}. A PATCH
    starts from the stored record, a PUT or POST from a new record's defaults."""

    form_class: type[forms.ModelForm]
    by_code: dict[str, str] = {}

    def run_validation(self, data=empty):
        if not isinstance(data, Mapping):
            raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [_("Cần một đối tượng JSON.")]})
        form = self.form_class(data=self._form_data(data), instance=self.instance, **self.context["form_kwargs"])
        for name, key in self.by_code.items():
            form.fields[name].to_field_name = key
        if not form.is_valid():
            if form.has_error(NON_FIELD_ERRORS, "round_locked"):
                raise RoundLockedConflict(form_errors(form))
            raise serializers.ValidationError(form_errors(form))
        self.form = form
        return form.cleaned_data

    def save(self, **kwargs):
        instance = self.form.save(commit=False)
        instance._change_reason = API_CHANGE
        # A locked reporting round was refused by the form's check above (a 409); the models'
        # guard refuses one locked meanwhile (cooperatives.middleware answers 409 too).
        instance.save()  # through the ORM: history row (the request's account), registry_changed, recompute
        self.instance = instance
        return instance

    def _form_data(self, data) -> dict:
        fields, typed, wrong = self.form_class.base_fields, {}, {}
        for name, value in data.items():
            try:
                typed[name] = form_value(fields[name], value) if name in fields else value
            except TypeError:
                wrong[name] = [str(NOT_A_VALUE)]
        if wrong:
            raise serializers.ValidationError(wrong)
        return {**self._starting_values(), **typed}

    def _starting_values(self) -> dict:
        """What the form would show before anything is typed: for a PATCH the stored record,
        else a new one's defaults (a rating's scheme, an organisation's status), as a page
        sends them when they are left alone."""
        record = self.instance if self.partial and self.instance is not None else self.form_class._meta.model()
        values = model_to_dict(record, fields=list(self.form_class.base_fields))
        for name, key in self.by_code.items():
            related = getattr(record, f"{name}_id") and getattr(record, name)
            values[name] = getattr(related, key) if related else None
        return values


ROW_CACHE_SECONDS = 3600


class CachedRowsSerializer(serializers.ListSerializer):
    """A page of rows, each serialized once per state of what it shows: cached under a digest of
    the record, its joined and prefetched rows (coop_tracker.lib.stamps) and the language, so a
    changed value is a new key and nothing stale is served. For targets: wording the explanations
    and the years of 50 targets was half of the read's CPU (40 → 21 ms). Not for the registry's
    rows, whose digest costs as much as serializing them."""

    def to_representation(self, data):
        rows = list(data.all() if hasattr(data, "all") else data)
        kind = f"{type(self.child).__module__}.{type(self.child).__qualname__}"
        keys = [f"api-row:{digest(kind, get_language() or '', record_state(row))}" for row in rows]
        cached = cache.get_many(keys)
        missing = {}
        for key, row in zip(keys, rows, strict=True):
            if key not in cached:
                missing[key] = cached[key] = dict(self.child.to_representation(row))
        if missing:
            cache.set_many(missing, ROW_CACHE_SECONDS)
        return [cached[key] for key in keys]


class UnitSerializer(serializers.ModelSerializer):
    """A place, as other records name it."""

    class Meta:
        model = AdminUnit
        fields = ["id", "code", "name", "level", "structure"]


class ProvinceSerializer(serializers.ModelSerializer):
    """A province of either map, with where it came from or went on 1/7/2025."""

    predecessors = serializers.SerializerMethodField()
    successors = serializers.SerializerMethodField()

    class Meta:
        model = AdminUnit
        fields = [
            "id",
            "code",
            "name",
            "full_name",
            "name_en",
            "kind",
            "structure",
            "valid_from",
            "valid_to",
            "predecessors",
            "successors",
        ]

    @extend_schema_field(UnitSerializer(many=True))
    def get_predecessors(self, unit):
        return [unit_ref(row.predecessor) for row in unit.predecessions.all() if row.predecessor_id != unit.pk]

    @extend_schema_field(UnitSerializer(many=True))
    def get_successors(self, unit):
        return [unit_ref(row.successor) for row in unit.successions.all() if row.successor_id != unit.pk]


def unit_ref(unit) -> dict:
    """UnitSerializer's answer, without building a serializer for each row (most of a list's time)."""
    return {"id": unit.pk, "code": unit.code, "name": unit.name, "level": unit.level, "structure": unit.structure}


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = [
            "code",
            "name_vi",
            "name_en",
            "unit",
            "count_noun",
            "shape",
            "method",
            "rule",
            "rule_params",
            "description",
        ]


class PlanSerializer(serializers.ModelSerializer):
    area = UnitSerializer(read_only=True)
    targets = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "issuer",
            "document_number",
            "document_date",
            "area",
            "first_year",
            "last_year",
            "source_reference",
            "targets",
        ]

    def get_targets(self, plan) -> list[int]:
        return [target.pk for target in plan.targets.all()]  # a field per id took most of a page's time


class ProgressSerializer(serializers.ModelSerializer):
    explanation = serializers.SerializerMethodField(help_text="How the status was reached, in the request's language.")

    class Meta:
        model = Progress
        fields = [
            "status",
            "year",
            "actual",
            "ratio",
            "expected",
            "numerator",
            "denominator",
            "band",
            "explanation",
            "computed_at",
        ]

    def get_explanation(self, progress) -> str:
        # progress.target is the target it was loaded with (select_related), with its indicator.
        return figures.explain(progress.target, progress.explanation)


class ProgressYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressYear
        fields = ["year", "value", "actual", "numerator", "denominator", "expected", "band", "status"]


class TargetSerializer(serializers.ModelSerializer):
    """A target with its stored progress (null before its first recompute) and each year's result."""

    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    area = UnitSerializer(read_only=True)
    progress = ProgressSerializer(read_only=True, allow_null=True)
    years = serializers.SerializerMethodField()

    class Meta:
        model = Target
        list_serializer_class = CachedRowsSerializer
        fields = [
            "id",
            "plan",
            "indicator",
            "area",
            "wording",
            "period",
            "year_from",
            "year_to",
            "deadline",
            "comparator",
            "value",
            "value_high",
            "measure",
            "baseline_year",
            "baseline_value",
            "denominator",
            "note",
            "progress",
            "years",
        ]

    @extend_schema_field(ProgressYearSerializer(many=True))
    def get_years(self, target):
        # ProgressYearSerializer's answer, without a field object per value (ten years of a page
        # of targets are thousands of them).
        names = ProgressYearSerializer.Meta.fields
        return [{name: _plain(getattr(row, name)) for name in names} for row in target.progress_years.all()]


def _plain(value):
    """A stored value as DRF's fields write it: a decimal as its digits (a string), else as is."""
    return format(value, "f") if isinstance(value, Decimal) else value


class OrganisationSerializer(FormSerializer):
    """An organisation of the registry; written through OrganisationForm. Its province follows
    from its commune, named by the commune's code in today's map."""

    form_class = OrganisationForm
    by_code = {"commune": "code"}
    commune = serializers.SlugRelatedField(slug_field="code", queryset=AdminUnit.objects.communes())
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", *OrganisationForm._meta.fields, "province", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class RegistryRowSerializer(OrganisationSerializer):
    """A row of the registry list: the organisation, and its rating level in the year the
    `rating_year` filter chose (the latest by default), as the list page shows it."""

    rating_level = serializers.ChoiceField(choices=Rating.Level.choices, read_only=True, allow_null=True)

    class Meta(OrganisationSerializer.Meta):
        fields = [*OrganisationSerializer.Meta.fields, "rating_level"]

    def value_paths(self) -> dict[str, str]:
        """Each field's column in a values() row of the list: its source, or its related row's slug
        (`province` -> `province__code`). Plain fields and slugs only: any other would need the
        instance (the list would then not say what the record says)."""
        paths = {}
        for name, field in self.fields.items():
            if isinstance(field, serializers.SlugRelatedField):
                paths[name] = f"{field.source}__{field.slug_field}"
            elif isinstance(field, serializers.RelatedField | serializers.Serializer) or "." in field.source:
                raise TypeError(f"{name}: a list read by values() holds plain fields and slugs only")
            else:
                paths[name] = field.source
        return paths

    def represent_values(self, rows) -> list[dict]:
        """Rows of a values() queryset over value_paths(), as to_representation() writes each
        organisation: a value through its own field's to_representation, None as null, a slug as it
        is. The list's 100 rows without 100 model instances, their two joined places, nor each field's
        attribute look-ups: 4 ms of the API's CPU per page, and the query's joins read two codes."""
        slugs = (serializers.SlugRelatedField,)
        fields = [
            (name, path, None if isinstance(self.fields[name], slugs) else self.fields[name].to_representation)
            for name, path in self.value_paths().items()
        ]
        return [
            {
                name: value if (value := row[path]) is None or represent is None else represent(value)
                for name, path, represent in fields
            }
            for row in rows
        ]


class YearlyFiguresSerializer(FormSerializer):
    """One organisation's figures of a year; written through YearlyFiguresForm (one row per year)."""

    form_class = YearlyFiguresForm
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), help_text="Given when created; the row stays with it."
    )
    registration_code = serializers.CharField(source="organisation.registration_code", read_only=True)

    class Meta:
        model = YearlyFigures
        fields = ["id", "organisation", "registration_code", "year", *FIGURE_FIELDS]


class RatingSerializer(FormSerializer):
    """A rating; written through RatingForm (a score sets the level by the legal bands)."""

    form_class = RatingForm
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), help_text="Given when created; the row stays with it."
    )
    registration_code = serializers.CharField(source="organisation.registration_code", read_only=True)

    class Meta:
        model = Rating
        fields = ["id", "organisation", "registration_code", "year", "scheme", "self_score", "verified_score", "level"]


class EnteredValueSerializer(FormSerializer):
    """A hand-entered figure; written through EnteredValueForm. The indicator by its code, the
    area by its id (a province of either map, from /api/v1/provinces/)."""

    form_class = EnteredValueForm
    by_code = {"indicator": "code"}
    indicator = serializers.SlugRelatedField(
        slug_field="code", queryset=Indicator.objects.filter(method=Indicator.Method.MANUAL)
    )
    area = serializers.PrimaryKeyRelatedField(queryset=AdminUnit.objects.provinces())
    entered_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = EnteredValue
        fields = ["id", "indicator", "area", "as_of", "value", "source", "entered_by", "entered_at"]


class FiguresRowSerializer(serializers.Serializer):
    """One row of a bulk upsert: the organisation's registration code, the year, and the figures
    to set (those left out are kept; null clears one)."""

    registration_code = serializers.CharField()
    year = serializers.IntegerField(min_value=1990, max_value=2100)

    def get_fields(self):
        fields = super().get_fields()
        described = YearlyFiguresSerializer().get_fields()
        for name in FIGURE_FIELDS:
            fields[name] = described[name]
            fields[name].required = False
        return fields


class FiguresBulkSerializer(serializers.Serializer):
    province = serializers.CharField(
        required=False, help_text="The code of a current province: required for an admin, else the account's own."
    )
    rows = FiguresRowSerializer(many=True)


class CountsSerializer(serializers.Serializer):
    """The registry in numbers for one province and year."""

    province = UnitSerializer()
    founded = serializers.DictField(child=serializers.IntegerField(), help_text="Founded in the year, by kind.")
    active = serializers.DictField(child=serializers.IntegerField(), help_text="Operating at the year's end, by kind.")
    rated = serializers.DictField(
        child=serializers.IntegerField(), help_text="HTX by the rating that counts in the year, by level."
    )
    with_figures = serializers.IntegerField(help_text="HTX that reported yearly figures for the year.")
