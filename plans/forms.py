"""Forms of the plans app: the figures no registry holds, typed in by provincial staff."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import visible
from cooperatives.forms import style_fields
from cooperatives.models import AdminUnit
from plans.models import EnteredValue, Indicator, Task


class EnteredValueForm(forms.ModelForm):
    """A hand-counted figure (communes at NTM standard, km of road, fund capital) for a province
    the account works in: today's, or one of the old provinces it was formed from."""

    class Meta:
        model = EnteredValue
        fields = ["indicator", "area", "as_of", "value", "source"]
        widgets = {"as_of": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"as_of": _("Với số đếm trong năm: số lũy kế đến ngày này.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.entered_by = user
        self.fields["indicator"].queryset = Indicator.objects.filter(method=Indicator.Method.MANUAL).order_by("name_vi")
        self.fields["area"].queryset = visible(AdminUnit.objects.provinces(), user).order_by("-structure", "code")
        # Typed as people write it here: 12,5 (decimal comma), so a text box rather than type=number.
        self.fields["value"].localize = True
        self.fields["value"].widget = forms.TextInput(attrs={"inputmode": "decimal"})
        self.fields["value"].widget.is_localized = True
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
