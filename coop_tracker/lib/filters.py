"""Filter sets every app's list pages build on: Bootstrap's classes, fast drop-downs, safe numbers."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from coop_tracker.lib.forms import PlainSelect, style_fields

ALL = _("Tất cả")


def as_number(value) -> int | None:
    """A whole number from a query string (an id, a year), or None: digits only, and few enough
    to fit a 64-bit integer column (a longer one is an error in SQLite, not an empty result)."""
    text = str(value or "")
    return int(text) if text.isdecimal() and len(text) <= 18 else None


class BootstrapFilterSet(django_filters.FilterSet):
    """A filter form whose fields carry Bootstrap's classes, so templates just print `{{ field }}`."""

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            if type(field.widget) is forms.Select:
                field.widget = PlainSelect(attrs=field.widget.attrs, choices=field.widget.choices)
        style_fields(form.fields, size="sm")
        return form
