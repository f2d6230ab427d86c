"""Forms of the plans app: plans with their targets and tasks, the figures no registry holds, and
the indicators admins define."""

from collections import defaultdict

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts.permissions import visible
from coop_tracker.lib.forms import LocalDateField, LocalDecimalField, PlainSelect, style_fields
from cooperatives.models import MERGER_DATE, AdminUnit
from plans.models import EnteredValue, Indicator, Plan, Target, Task
from plans.rules import RULES


class EnteredValueForm(forms.ModelForm):
    """A hand-counted figure (communes at NTM standard, km of road, fund capital) for a province
    the account works in: today's, or one of the old provinces it was formed from."""

    class Meta:
        model = EnteredValue
        fields = ["indicator", "area", "as_of", "value", "source"]
        widgets = {"as_of": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"as_of": _("Với số đếm trong năm: số lũy kế đến ngày này.")}
        # Typed as people write it here: 1.234,5 (dots group thousands, a comma marks decimals).
        field_classes = {"value": LocalDecimalField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.entered_by = user
        self.fields["indicator"].queryset = Indicator.objects.filter(method=Indicator.Method.MANUAL).order_by("name_vi")
        self.fields["area"].queryset = visible(AdminUnit.objects.provinces(), user).order_by("-structure", "code")
        style_fields(self.fields)


class TaskStatusForm(forms.ModelForm):
    """Where a qualitative task stands: its status and a short note on why."""

    class Meta:
        model = Task
        fields = ["status", "status_note"]
        widgets = {"status_note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)

    def save(self, commit=True):
        self.instance.status_updated_on = timezone.localdate()
        return super().save(commit)


def plan_areas(user):
    """The places a plan (or one of its targets) of this account may be about: the nation for
    admins, and the provinces and districts inside the account's province, old ones included."""
    levels = [AdminUnit.Level.PROVINCE, AdminUnit.Level.DISTRICT]
    if user.scope_province is None:
        levels.append(AdminUnit.Level.NATION)
    units = AdminUnit.objects.visible_to(user).filter(level__in=levels)
    return units.order_by("level", "-structure", "code")


def plan_area_choices(user, blank=True) -> list:
    """`plan_areas` as people look for them: the account's province first (for admins the
    nation, then today's provinces), then the old provinces it was formed from, then the
    districts by old province, each marked as gone since 1/7/2025; a list to search in."""
    units = list(plan_areas(user).select_related("parent"))
    own = user.scope_province
    by_level = defaultdict(list)
    for unit in units:
        by_level[(unit.level, unit.structure)].append(unit)
    groups = [("", "---------")] if blank else []
    nation = by_level[(AdminUnit.Level.NATION, AdminUnit.Structure.ALWAYS)]
    current = by_level[(AdminUnit.Level.PROVINCE, AdminUnit.Structure.FROM_2025)]
    old = by_level[(AdminUnit.Level.PROVINCE, AdminUnit.Structure.BEFORE_2025)]
    if nation:
        groups.append((_("Toàn quốc"), _options(nation)))
    if own is not None:
        groups.append((_("Tỉnh/thành phố của tài khoản"), _options(current)))
        groups.append((_("Các tỉnh cũ hợp thành (trước 1/7/2025)"), _options(old)))
    else:
        groups.append((_("Tỉnh/thành phố (từ 1/7/2025)"), _options(current)))
        groups.append((_("Tỉnh/thành phố cũ (trước 1/7/2025)"), _options(old)))
    districts = defaultdict(list)
    for district in by_level[(AdminUnit.Level.DISTRICT, AdminUnit.Structure.BEFORE_2025)]:
        districts[district.parent].append(district)
    for province in sorted(districts, key=lambda unit: unit.code):
        label = _("Quận/huyện của %(province)s") % {"province": province}
        groups.append((label, [(d.pk, _district_label(d)) for d in districts[province]]))
    return [group for group in groups if group[1]]


def _options(units):
    return [(unit.pk, str(unit)) for unit in units]


def _district_label(district) -> str:
    if district.valid_to is not None and district.valid_to < MERGER_DATE:
        return _("%(name)s (không còn từ 1/7/2025)") % {"name": district.full_name}
    return district.full_name


class AreaSelect(PlainSelect):
    """The area drop-down of plan entry: grouped, with a search box (static/js/plan_form.js)."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-searchable": "", **(attrs or {})}, choices)


class PlanForm(forms.ModelForm):
    """A plan as its document states it: who issued it, about where, for which years."""

    class Meta:
        model = Plan
        fields = [
            "title",
            "issuer",
            "document_number",
            "document_date",
            "area",
            "area_label",
            "first_year",
            "last_year",
            "source_reference",
            "source_text",
        ]
        widgets = {"area": AreaSelect, "source_text": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"document_date": LocalDateField}
        help_texts = {"source_text": _("Chép đoạn văn bản nêu các mục tiêu, để mọi con số đối chiếu được.")}

    def __init__(self, *args, user, area_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = plan_areas(user)
        self.fields["area"].choices = area_choices if area_choices is not None else plan_area_choices(user)
        # A plan about no known place belongs to no province: only national accounts enter one.
        self.fields["area"].required = user.scope_province is not None
        style_fields(self.fields)

    def clean(self):
        data = super().clean()
        first, last = data.get("first_year"), data.get("last_year")
        if first and last and first > last:
            self.add_error("last_year", _("Năm kết thúc không thể trước năm bắt đầu."))
        if not data.get("area") and not data.get("area_label") and "area" not in self.errors:
            self.add_error("area", _("Chọn địa bàn, hoặc ghi địa bàn theo văn bản khi văn bản không nêu rõ."))
        return data


class TargetForm(forms.ModelForm):
    """One sentence of the plan as data; the database's rules on targets, said in Vietnamese."""

    class Meta:
        model = Target
        fields = [
            "wording",
            "indicator",
            "area",
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
        ]
        widgets = {
            "area": AreaSelect,
            "indicator": PlainSelect,
            "wording": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 1}),
        }
        # Typed as written in the documents here: 8,5 or 1.200 (see LocalDecimalField), 30/9/2020.
        field_classes = {
            **{name: LocalDecimalField for name in ("value", "value_high", "baseline_value")},
            "deadline": LocalDateField,
        }

    def __init__(self, *args, user, plan, area_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan  # the formset's plan: unsaved while a new plan is entered
        self.fields["indicator"].queryset = Indicator.objects.order_by("name_vi")
        self.fields["area"].queryset = plan_areas(user)
        self.fields["area"].choices = area_choices if area_choices is not None else plan_area_choices(user)
        self.fields["area"].required = False
        self.fields["area"].help_text = _("Để trống: địa bàn của kế hoạch.")
        style_fields(self.fields, size="sm")

    def clean(self):
        data = super().clean()
        if not data.get("area") and self.plan.area_id:
            data["area"] = self.instance.area = self.plan.area
        first, last, period = data.get("year_from"), data.get("year_to"), data.get("period")
        if first and last and first > last:
            self.add_error("year_to", _("Năm kết thúc không thể trước năm bắt đầu."))
        elif period == Target.Period.YEAR and first and last and first != last:
            self.add_error("year_to", _("Mục tiêu trong một năm: năm bắt đầu và năm kết thúc phải trùng nhau."))
        low, high = data.get("value"), data.get("value_high")
        if data.get("comparator") == Target.Comparator.BETWEEN:
            if high is None:
                self.add_error("value_high", _("Mục tiêu dạng “từ … đến …” cần cận trên."))
            elif low is not None and low > high:
                self.add_error("value_high", _("Cận trên không thể nhỏ hơn cận dưới."))
        elif high is not None:
            self.add_error("value_high", _("Chỉ nhập cận trên với mục tiêu dạng “từ … đến …”."))
        if data.get("measure") == Target.Measure.LEVEL:
            for name in ("baseline_year", "baseline_value"):
                if data.get(name) is not None:
                    self.add_error(name, _("Năm gốc và giá trị gốc chỉ dùng khi đo bằng mức tăng so với kỳ gốc."))
        indicator = data.get("indicator")
        if indicator and indicator.shape == Indicator.Shape.SHARE and not data.get("denominator"):
            self.add_error("denominator", _("Chỉ tiêu tỷ lệ cần mẫu số."))
        elif indicator and indicator.rule in RULES:
            self._check_rule(indicator, data.get("denominator") or "")
        return data

    def _check_rule(self, indicator, denominator):
        """The denominators the indicator allows (and its parameters, should they have gone bad)."""
        try:
            RULES[indicator.rule].check(indicator.rule_params, denominator)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error("denominator" if name == "denominator" else "indicator", messages)


class BaseTargetFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """Inside the plan's years, and one target per indicator, place and period (said before
        Django's own check of the unique constraint, whose message names no row)."""
        plan, seen = self.instance, set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.has_changed() or self._should_delete_form(form):
                continue
            data = form.cleaned_data
            first, last = data.get("year_from"), data.get("year_to")
            if _outside(plan, first, last):
                form.add_error(
                    "year_from",
                    _("Năm của mục tiêu phải nằm trong thời kỳ của kế hoạch (%(first)s–%(last)s).")
                    % {"first": plan.first_year, "last": plan.last_year},
                )
            key = (data.get("indicator"), data.get("area"), data.get("period"), first, last)
            if None not in key[:2] and key in seen:
                form.add_error("indicator", _("Kế hoạch đã có mục tiêu của chỉ tiêu này, cùng địa bàn và kỳ."))
            seen.add(key)
        super().clean()


def _outside(plan, first, last) -> bool:
    """Whether a target's years leave the plan's (False while either is unknown)."""
    years = (plan.first_year, plan.last_year, first, last)
    return None not in years and not (plan.first_year <= first and last <= plan.last_year)


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["title", "wording"]
        widgets = {"wording": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields, size="sm")


TargetFormSet = forms.inlineformset_factory(
    Plan, Target, form=TargetForm, formset=BaseTargetFormSet, extra=2, can_delete=True
)
TaskFormSet = forms.inlineformset_factory(Plan, Task, form=TaskForm, extra=1, can_delete=True)


# Indicators ---------------------------------------------------------------------------------

PARAM_PREFIX = "param_"


def declared_params() -> dict[str, dict]:
    """Every parameter name any rule declares: its declaration (the first rule's), the union of its
    choices over the rules, and which rules take it (the page shows a rule's own fields only)."""
    found = {}
    for rule_name, rule in RULES.items():
        for param in rule.declared:
            entry = found.setdefault(param.name, {"param": param, "choices": {}, "rules": []})
            entry["choices"].update(dict(param.choices))
            entry["rules"].append(rule_name)
    return found


def param_field(param, choices: dict) -> forms.Field:
    if param.is_flag:
        field = forms.BooleanField()
    elif param.many:
        field = forms.MultipleChoiceField(choices=choices.items(), widget=forms.CheckboxSelectMultiple)
    else:
        field = forms.ChoiceField(choices=[("", "—"), *choices.items()])
    field.required, field.label, field.help_text = False, param.label, param.help_text
    return field


class IndicatorForm(forms.ModelForm):
    """An indicator as an admin defines it: its names, unit and count noun, what it measures, and,
    for a derived one, the rule and that rule's own parameters as fields (plans.rules declares
    them; the rule's `check` refuses a bad combination, field by field). A preview computes the
    unsaved indicator for one place and year."""

    class Meta:
        model = Indicator
        fields = ["name_vi", "name_en", "code", "method", "rule", "unit", "count_noun", "shape", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "code": _("Chữ thường không dấu, số và “_”; để trống: tạo từ tên tiếng Anh."),
            "shape": _("Để trống với chỉ tiêu tính từ cơ sở dữ liệu: theo quy tắc tính."),
            "description": _("Chỉ tiêu đo gì, tính thế nào: người đọc thấy ở trang chỉ tiêu."),
        }

    preview_area = forms.ModelChoiceField(
        AdminUnit.objects.none(), required=False, label=_("Xem trước cho địa bàn"), widget=PlainSelect
    )
    preview_year = forms.IntegerField(required=False, min_value=1990, max_value=2100, label=_("Năm xem trước"))
    preview_denominator = forms.ChoiceField(required=False, label=_("Mẫu số xem trước"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.params = declared_params()
        values = self._stored_values()
        for name, entry in self.params.items():
            self.fields[PARAM_PREFIX + name] = param_field(entry["param"], entry["choices"])
            self.fields[PARAM_PREFIX + name].initial = values.get(name)
        for name in ("code", "unit", "shape"):
            self.fields[name].required = False
        self.fields["rule"].help_text = _("Loại con số: mỗi quy tắc có các tham số riêng bên dưới.")
        self.fields["preview_area"].queryset = plan_areas(user)
        self.fields["preview_year"].initial = timezone.localdate().year - 1
        self.fields["preview_denominator"].choices = [("", _("Mặc định của chỉ tiêu"))] + [
            (value, label) for value, label in Target.Denominator.choices if value
        ]
        style_fields(self.fields)
        for name, entry in self.params.items():
            if entry["param"].many:
                self.fields[PARAM_PREFIX + name].widget.attrs["class"] = "form-check-input"

    def _stored_values(self) -> dict:
        """The indicator's parameters as its rule reads them (a list for a kind stored alone)."""
        rule = RULES.get(self.instance.rule)
        if rule is None:
            return {}
        try:
            return rule.values(self.instance.rule_params)
        except ValueError:
            return {}  # parameters no rule reads this way: the fields start empty

    def param_fields(self):
        """Each parameter's field with the rules that take it (the page shows a rule's own only)."""
        return [(self[PARAM_PREFIX + name], " ".join(entry["rules"])) for name, entry in self.params.items()]

    def main_fields(self):
        return [self[name] for name in self.Meta.fields]

    def preview_fields(self):
        return [self[name] for name in ("preview_area", "preview_year", "preview_denominator")]

    def clean(self):
        data = super().clean()
        if data.get("method") == Indicator.Method.MANUAL:
            data["rule"] = self.instance.rule = ""
            self.instance.rule_params = {}
            if not data.get("shape"):
                self.add_error("shape", _("Chọn dạng của chỉ tiêu nhập tay."))
        elif data.get("method") == Indicator.Method.DERIVED:
            self._clean_rule(data)
        if not data.get("code") and data.get("name_en"):
            data["code"] = self.instance.code = slugify(data["name_en"]).replace("-", "_")[:60]
        if not data.get("unit"):
            if data.get("shape") == Indicator.Shape.SHARE:
                data["unit"] = self.instance.unit = Indicator.Unit.PERCENT
            else:
                self.add_error("unit", _("Chọn đơn vị."))
        return data

    def _clean_rule(self, data):
        rule = RULES.get(data.get("rule"))
        if rule is None:
            self.add_error("rule", _("Chọn quy tắc tính cho chỉ tiêu tính từ cơ sở dữ liệu."))
            return
        params = {}
        for param in rule.declared:
            params.update(param.stored(data.get(PARAM_PREFIX + param.name)))
        self.instance.rule_params = params
        self.instance.params_checked = True  # said here field by field; Indicator.clean need not say it again
        try:
            rule.check(params)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                canonical = next((p.name for p in rule.declared if name in (p.name, p.alias)), None)
                self.add_error(PARAM_PREFIX + canonical if canonical else None, messages)
        if not data.get("shape"):
            data["shape"] = self.instance.shape = rule.shape
