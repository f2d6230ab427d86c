"""The bulk upsert of yearly figures: JSON rows read into the import's records, then planned and
written by the import's own machinery (cooperatives.services.figures_upsert).

Each value is read by the field YearlyFiguresForm uses for it and checked by the model field's
validators, as the form checks it; the rules across fields (trained officers within officers, no
negative revenue, one row per organisation and year) are the import's, which states the same rules
as the form and the database. The database checks none of it row by row: 10,000 rows cost a
handful of queries, not 10,000 forms' worth."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework.settings import api_settings

from api.serializers import NOT_A_VALUE, form_value
from cooperatives import importing
from cooperatives.forms import YearlyFiguresForm
from cooperatives.models import YearlyFigures

MAX_ROWS = 20_000
FIELDS = ("year", *importing.FIGURE_FIELDS)


class ApiRecord(importing.RowRecord):
    """A row of the request: its errors name the field, not a spreadsheet column."""

    def label(self, name: str) -> str:
        return name


def read_rows(rows: list) -> tuple[list[ApiRecord], list[importing.RowError]]:
    """The request's rows as records, with every error found in their values. Records and errors
    number rows from 1, as the import's do (its planner reads row 0 as no row): the answer gives
    the index in the request's list."""
    records, errors = [], []
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            errors.append(importing.RowError(index, api_settings.NON_FIELD_ERRORS_KEY, _("Cần một đối tượng JSON.")))
            continue
        record, found = _record(index, row)
        errors += found
        if record is not None:
            records.append(record)
    return records, errors


def _record(index: int, row: Mapping) -> tuple[ApiRecord | None, list[importing.RowError]]:
    errors = [
        importing.RowError(index, name, _("Trường này không có trong số liệu năm."))
        for name in sorted(set(row) - {"registration_code", *FIELDS}, key=str)
    ]
    values = {}
    try:
        values["registration_code"] = importing.parse_code(_text(row.get("registration_code")))
    except ValueError as error:
        errors.append(importing.RowError(index, "registration_code", str(error)))
    for name in FIELDS:
        if name in row:
            try:
                values[name] = _value(name, row[name])
            except ValidationError as error:
                errors += [importing.RowError(index, name, message) for message in error.messages]
    if "year" not in row:
        errors.append(
            importing.RowError(index, "year", str(YearlyFiguresForm.base_fields["year"].error_messages["required"]))
        )
    if not set(row) & set(importing.FIGURE_FIELDS):
        errors.append(
            importing.RowError(index, api_settings.NON_FIELD_ERRORS_KEY, _("Dòng không có số liệu nào để ghi."))
        )
    if errors:
        return None, errors
    return ApiRecord(row=index, values=values, columns={}), []


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)
    raise ValueError(_("Mã số đăng ký phải là một chuỗi."))


def _value(name: str, raw):
    """Read as the form reads it, then checked as the model checks it (years 1990–2100, OCOP stars 3–5)."""
    field = YearlyFiguresForm.base_fields[name]
    try:
        typed = form_value(field, raw)
    except TypeError:
        raise ValidationError(str(NOT_A_VALUE)) from None
    value = field.clean(typed)
    YearlyFigures._meta.get_field(name).run_validators(value)
    return value
