"""Forms of the registry: what provincial staff type in, checked before the database sees it."""

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import visible
from coop_tracker.lib.forms import LocalDateField, LocalDecimalField, PlainSelect, style_fields
from cooperatives.importing import FIGURE_FIELDS, MAX_UPLOAD_BYTES, MONEY_FIELDS, recognitions
from cooperatives.importing import mapping as column_mapping
from cooperatives.models import (
    AdminUnit,
    NtmRecognition,
    Organisation,
    Rating,
    RegistryImport,
    SupportAction,
    YearlyFigures,
)


class OrganisationForm(forms.ModelForm):
    """An organisation of the account's province; its province follows from the commune."""

    class Meta:
        model = Organisation
        fields = [
            "kind",
            "registration_code",
            "name",
            "short_name",
            "sector",
            "commune",
            "address",
            "legal_representative",
            "founded_on",
            "status",
            "status_since",
            "dissolved_on",
            "alliance_joined_on",
        ]
        widgets = {
            "commune": PlainSelect,
            **{
                name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
                for name in ("founded_on", "status_since", "dissolved_on", "alliance_joined_on")
            },
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communes = visible(AdminUnit.objects.communes().of_structure(AdminUnit.Structure.FROM_2025), user)
        self.fields["commune"].queryset = communes.select_related("parent").order_by("parent__code", "name")
        self.fields["commune"].label_from_instance = lambda unit: f"{unit.full_name} – {unit.parent.name}"
        style_fields(self.fields)

    def clean(self):
        # The same rules as the database's constraints, said in the staff's language.
        data = super().clean()
        founded, dissolved, status = data.get("founded_on"), data.get("dissolved_on"), data.get("status")
        if dissolved and founded and dissolved < founded:
            self.add_error("dissolved_on", _("Ngày chấm dứt hoạt động không thể trước ngày thành lập."))
        if dissolved and status not in Organisation.ENDED_STATUSES:
            self.add_error(
                "status", _("Có ngày chấm dứt hoạt động thì tình trạng phải là đã giải thể, phá sản hoặc tổ chức lại.")
            )
        return data


class OrganisationPartForm(forms.ModelForm):
    """A row that belongs to one organisation (its figures of a year, a rating): the organisation
    comes from the page, so the one-per-year rule is checked here, before the database refuses it."""

    duplicate_message = ""
    unique_fields: tuple[str, ...] = ()

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        style_fields(self.fields)

    def clean(self):
        data = super().clean()
        same = {name: data.get(name) for name in self.unique_fields}
        others = type(self.instance).objects.filter(organisation=self.instance.organisation, **same)
        if None not in same.values() and others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(self.duplicate_message % same)
        return data


class YearlyFiguresForm(OrganisationPartForm):
    unique_fields = ("year",)
    duplicate_message = _("Đã có số liệu năm %(year)s của tổ chức này: hãy sửa dòng đó.")

    class Meta:
        model = YearlyFigures
        # The same columns as the import's (cooperatives.importing), one list for both.
        fields = ["year", *FIGURE_FIELDS]
        field_classes = dict.fromkeys(MONEY_FIELDS, LocalDecimalField)


class RatingForm(OrganisationPartForm):
    """A score sets the level by the legal bands (Rating.clean); a level alone is kept."""

    unique_fields = ("year", "scheme")
    duplicate_message = _("Đã có xếp loại năm %(year)s theo văn bản này: hãy sửa dòng đó.")

    class Meta:
        model = Rating
        fields = ["year", "scheme", "self_score", "verified_score", "level", "unrated_reason"]


class SupportActionForm(forms.ModelForm):
    """A support action of the account's province: for one organisation, or for a place."""

    class Meta:
        model = SupportAction
        fields = ["kind", "occurred_on", "organisation", "area", "count", "amount", "description"]
        widgets = {
            "organisation": PlainSelect,
            "area": PlainSelect,
            "occurred_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"area": _("Để trống nếu hoạt động dành cho một tổ chức: lấy theo xã của tổ chức.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = visible(Organisation.objects, user).order_by("name")
        places = AdminUnit.objects.filter(level__in=[AdminUnit.Level.PROVINCE, AdminUnit.Level.COMMUNE])
        self.fields["area"].queryset = visible(places.of_structure(AdminUnit.Structure.FROM_2025), user).order_by(
            "level", "name"
        )
        self.fields["area"].required = False
        style_fields(self.fields)

    def clean(self):
        data = super().clean()
        if not data.get("organisation") and not data.get("area"):
            self.add_error("area", _("Chọn một tổ chức hoặc một địa bàn."))
        return data


class RegistryImportForm(forms.Form):
    """A spreadsheet (.xlsx, .xls, .ods) or CSV list; an admin chooses the province, staff import into theirs."""

    file = forms.FileField(
        label=_("Tệp Excel (.xlsx, .xls), OpenDocument (.ods) hoặc CSV"),
        help_text=_("Tối đa 20 MB. Dùng tệp mẫu, hoặc tệp của tỉnh có cột “Mã số đăng ký”."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv"}),
    )
    province = forms.ModelChoiceField(
        AdminUnit.objects.current_provinces(), label=_("Tỉnh/thành phố"), widget=PlainSelect
    )
    kind = forms.ChoiceField(
        choices=RegistryImport.Kind.choices,
        initial=RegistryImport.Kind.REGISTRY,
        required=False,  # an upload without it is an organisation list, as before
        label=_("Danh sách"),
        help_text=_(
            "Danh sách công nhận nông thôn mới: mỗi dòng một xã, mức (đạt chuẩn, nâng cao, kiểu mẫu), "
            "số và ngày quyết định; có thể thêm số và ngày quyết định thu hồi."
        ),
        widget=PlainSelect,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.scope_province is not None:
            del self.fields["province"]
        style_fields(self.fields)

    def clean_kind(self):
        return self.cleaned_data.get("kind") or RegistryImport.Kind.REGISTRY

    def clean_file(self):
        upload = self.cleaned_data["file"]
        an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
        recent = RegistryImport.objects.filter(created_by=self.user, created_at__gte=an_hour_ago).count()
        if recent >= settings.IMPORT_UPLOADS_PER_HOUR:
            raise forms.ValidationError(
                _("Bạn đã tải lên %(count)s tệp trong một giờ qua, mức tối đa: hãy thử lại sau ít phút.")
                % {"count": recent}
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Tệp nặng %(size)s MB, quá giới hạn 20 MB: hãy chia thành nhiều tệp.")
                % {"size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ",")}
            )
        return upload


class NtmRecognitionForm(forms.ModelForm):
    """A xã's new-rural recognition as its decision states it, or the decision that withdrew it;
    entered by staff of the province on the commune's page."""

    class Meta:
        model = NtmRecognition
        fields = ["level", "decision_number", "decided_on", "withdrawn_on", "withdrawal_decision", "note"]
        field_classes = {"decided_on": LocalDateField, "withdrawn_on": LocalDateField}
        help_texts = {"decision_number": _("Ví dụ: 1234/QĐ-UBND.")}

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.commune = commune  # so that the model's rules (a xã, its dates) are checked
        style_fields(self.fields)


class ImportMappingForm(forms.Form):
    """The mapping step of an upload: one select per column of the file (the field it is read as,
    or not imported), and the figures' year when neither the headers nor the title rows give it."""

    def __init__(self, *args, upload, **kwargs):
        super().__init__(*args, **kwargs)
        self.reading = upload.reading
        self.ntm = upload.kind == RegistryImport.Kind.NTM
        choices = recognitions.field_choices() if self.ntm else column_mapping.field_choices()
        self.columns = []
        for column in self.reading.get("columns", []):
            if not column["key"] or column["same_as"]:
                continue  # no header to remember it by, or read as the first column with its header
            name = f"col_{column['index']}"
            self.fields[name] = forms.ChoiceField(
                choices=choices,
                initial=column["field"] or column_mapping.NOT_IMPORTED,
                label=f"{column['letter']} ({column['header']})",
                widget=PlainSelect,
            )
            self.columns.append((column, name))
        this_year = timezone.localdate().year
        self.fields["year"] = forms.TypedChoiceField(
            choices=[("", _("— chọn năm —"))] + [(year, year) for year in range(this_year, 1999, -1)],
            coerce=int,
            empty_value=None,
            required=False,
            initial=upload.year,
            label=_("Năm của số liệu và xếp loại"),
            widget=PlainSelect,
        )
        style_fields(self.fields, size="sm")

    def clean(self):
        chosen = self.chosen()
        taken = {}
        for column, name in self.columns:
            field = chosen.get(column["index"])
            if field and field != column_mapping.NOT_IMPORTED:
                if field in taken:
                    self.add_error(
                        name,
                        _("Cột %(first)s cũng đã chọn là “%(field)s”: mỗi trường đọc từ một cột.")
                        % {"first": taken[field], "field": self.field_label(field)},
                    )
                taken.setdefault(field, column["letter"])
        if self.ntm:
            if not {"commune_code", "commune_name"} & set(taken) or not {"ntm_level", "decided_on"} <= set(taken):
                raise forms.ValidationError(_("Cần các cột “Xã” (hoặc “Mã xã”), “Mức công nhận” và “Ngày quyết định”."))
            self.cleaned_data["year"] = None
            return self.cleaned_data
        if "registration_code" not in taken:
            raise forms.ValidationError(_("Cần một cột “Mã số đăng ký”: mỗi dòng được đối chiếu theo mã số."))
        read = [{**column, "field": chosen.get(column["index"], column["field"])} for column in self.reading["columns"]]
        source = column_mapping.year_source(read, self.reading.get("title_year"))
        if source["needs_year"] and not self.cleaned_data.get("year"):
            self.add_error("year", _("Tệp không ghi năm của số liệu: hãy chọn năm."))
        if not source["needs_year"]:
            self.cleaned_data["year"] = None if source["year_from"] else self.cleaned_data.get("year")
        return self.cleaned_data

    def field_label(self, name: str) -> str:
        if self.ntm and name not in (column_mapping.NOT_IMPORTED, ""):
            return recognitions.field_label(name)
        return column_mapping.field_label(name)

    def chosen(self) -> dict[int, str]:
        data = getattr(self, "cleaned_data", {})
        return {column["index"]: data[name] for column, name in self.columns if data.get(name)}

    def mapping(self) -> dict[str, str]:
        return column_mapping.overrides(self.reading["columns"], self.chosen())
