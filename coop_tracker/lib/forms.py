"""Form pieces every app's forms use: a fast drop-down, numbers typed the Vietnamese way, Bootstrap's classes."""

import re
from decimal import Decimal

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape as escape
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class PlainSelect(forms.Select):
    """A drop-down written in Python. Django renders each option through two templates, which
    for the few hundred options of a filter form cost about 10 ms of every page; building an
    option's dictionary and formatting it through format_html was most of what was left (a fifth
    of the overview's rendering). The options, values, labels and selection are Django's
    Select's (tests/lib/test_plain_select.py); grouped choices ((label, [(value, label), …]), …)
    become <optgroup>s."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        selected = False  # one option selected at most, the first that matches, as Select does
        parts = []
        for group_value, group_label in self.choices:
            group_value = "" if group_value is None else group_value
            grouped = isinstance(group_label, list | tuple)
            options = []
            for option_value, option_label in group_label if grouped else [(group_value, group_label)]:
                text = str(option_value)
                mark = not selected and text in chosen
                selected |= mark
                options.append(
                    f'<option value="{escape(text)}"{" selected" if mark else ""}>{escape(option_label)}</option>'
                )
            html = "".join(options)
            parts.append(f'<optgroup label="{escape(group_value)}">{html}</optgroup>' if grouped else html)
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attrs, mark_safe("".join(parts)))


class LocalDecimalField(forms.DecimalField):
    """A number as people write it here: dots group thousands ("1.250.000.000"), a comma marks
    decimals ("12,5"); spaces are ignored. A dot followed by other than three digits is a
    decimal point ("12.5"), as a spreadsheet copied from English settings writes it."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})
    THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+")

    def prepare_value(self, value):
        """A stored number shown back the way it was typed here (60, 65.000.000, 12,5), not as the
        database keeps it (60.0000); what was just typed is shown as typed."""
        return written(value) if isinstance(value, Decimal) else value

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"\s", "", value)
            if "," in value:
                value = value.replace(".", "").replace(",", ".")
            elif self.THOUSANDS.fullmatch(value):
                value = value.replace(".", "")
        return super().to_python(value)


def written(value: Decimal) -> str:
    """A number the Vietnamese way: dots group thousands, a comma before decimals, no trailing zeros."""
    whole, _dot, fraction = format(abs(value), "f").partition(".")
    fraction = fraction.rstrip("0")
    text = f"{int(whole):,}".replace(",", ".") + ("," + fraction if fraction else "")
    return ("-" + text) if value < 0 else text


class LocalDateField(forms.DateField):
    """A date as written here, dd/mm/yyyy (30/09/2020; also with "-" or ".", or 2020-09-30 as a
    browser's date picker sends it), and shown back the same way."""

    input_formats = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
    widget = forms.DateInput(
        format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
    )


def style_fields(fields, size=""):
    """Bootstrap's classes on every field, so templates just print `{{ field }}`."""
    suffix = f" form-select-{size}" if size else ""
    for field in fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select" + suffix
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        else:
            widget.attrs["class"] = "form-control" + (f" form-control-{size}" if size else "")
