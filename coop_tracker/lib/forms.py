"""Form pieces every app's forms use: a fast drop-down, numbers typed the Vietnamese way, Bootstrap's classes."""

import re

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class PlainSelect(forms.Select):
    """A drop-down written in Python. Django renders each option through two templates, which
    for the few hundred options of a filter form cost about 10 ms of every page."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (o["value"], " selected" if o["selected"] else "", o["label"])
                for _, group, _ in widget["optgroups"]
                for o in group
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(widget["attrs"]), options)


class LocalDecimalField(forms.DecimalField):
    """A number as people write it here: dots group thousands ("1.250.000.000"), a comma marks
    decimals ("12,5"); spaces are ignored. A dot followed by other than three digits is a
    decimal point ("12.5"), as a spreadsheet copied from English settings writes it."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})
    THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+")

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"\s", "", value)
            if "," in value:
                value = value.replace(".", "").replace(",", ".")
            elif self.THOUSANDS.fullmatch(value):
                value = value.replace(".", "")
        return super().to_python(value)


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
