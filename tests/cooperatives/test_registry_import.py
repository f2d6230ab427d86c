"""The import service: a file is written whole or not at all, and an upload never stays running after a failure."""

import functools

import pytest
from django.db import connection

from cooperatives import importing
from cooperatives.models import Organisation, YearlyFigures
from cooperatives.services import registry_import
from tests.factories import commune, province, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["Mã số đăng ký", "Tên tổ chức", "Loại hình", "Lĩnh vực", "Mã xã/phường", "Ngày thành lập", "Năm"]


def run(rows, commit=True):
    return registry_import(data=xlsx_bytes(rows), file_name="x.xlsx", province=province("24"), commit=commit)


def new_row(code, place, *figures):
    return [code, f"HTX {code}", "HTX", "NN", place.code, "01/01/2020", 2024, *figures]


def test_a_yearly_income_beyond_the_column_is_an_error_in_the_preview_and_nothing_is_written():
    place = commune("24")
    report = run([[*HEADER, "Thu nhập bình quân (triệu đồng/người/năm)"], new_row("2409900003", place, "120.000.000")])
    assert [(error.row, error.column[0]) for error in report.errors] == [(2, "H")]
    assert not report.committed
    assert not Organisation.objects.filter(registration_code="2409900003").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the rows go by COPY on PostgreSQL only")
def test_a_value_the_database_refuses_in_the_copy_is_a_clear_message_and_nothing_is_written(monkeypatch):
    # Past the parser's check (as a rule it missed would be): PostgreSQL refuses the number in the COPY.
    monkeypatch.setitem(importing.PARSERS, "revenue", functools.partial(importing.parse_money, digits=30))
    place, figures = commune("24"), YearlyFigures.objects.count()
    report = run([[*HEADER, "Doanh thu (đồng)"], new_row("2409900006", place, "10.000.000.000.000.000.000")])
    assert not report.committed
    assert "Cơ sở dữ liệu từ chối" in report.errors[0].message
    assert not Organisation.objects.filter(registration_code="2409900006").exists()
    assert YearlyFigures.objects.count() == figures
