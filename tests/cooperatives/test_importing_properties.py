"""Property tests of the import parser: no input makes it crash, and a rejected file changes nothing."""

import datetime
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooperatives import importing
from cooperatives.models import Organisation, Rating, YearlyFigures
from cooperatives.services import registry_import
from plans.models import PendingRecompute
from tests.factories import commune, province, xlsx_bytes

HEADER = list(importing.TEMPLATE_HEADERS.values())
WORDS = ["Tốt", "khá", "TB", "Trung bình", "Yếu", "HTX", "THT", "Nông nghiệp", "Đã giải thể", "Tổng cộng", "(1)"]
cells = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.text(alphabet=string.digits + ".,-/ ", max_size=14),
    st.sampled_from(WORDS),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=datetime.date(1800, 1, 1), max_value=datetime.date(2200, 1, 1)),
    st.booleans(),
)
rows = st.lists(st.lists(cells, max_size=len(HEADER) + 2), max_size=8)
# What a worksheet can hold (openpyxl refuses control characters).
sheet_cells = cells.filter(lambda value: not (isinstance(value, str) and any(ord(ch) < 32 for ch in value)))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["a.xlsx", "a.csv", "a"]))
def test_no_bytes_make_the_reader_crash(data, name):
    try:
        importing.parse(importing.read_table(data, name))
    except importing.ImportFileError as error:
        assert str(error)


@settings(max_examples=300, deadline=None)
@given(rows, st.integers(min_value=0, max_value=3))
def test_no_rows_make_the_parser_crash(table_rows, title_rows):
    table = [["Danh sách"]] * title_rows + [HEADER] + table_rows
    try:
        parsed = importing.parse(importing.Table(rows=list(enumerate(table, start=1))))
    except importing.ImportFileError as error:
        assert str(error)
        return
    for error in parsed.errors:
        assert error.row > title_rows + 1 and error.message


def valid_row(code, place, **cells_by_name):
    values = {
        "registration_code": code,
        "name": f"HTX Thuộc Tính {code}",
        "kind": "HTX",
        "sector": "Nông nghiệp",
        "commune_code": place.code,
        "founded_on": "01/02/2020",
        "year": 2024,
        "members": 30,
        "level": "Khá",
    }
    values.update(cells_by_name)
    return [values.get(name) for name in importing.TEMPLATE_HEADERS]


def fingerprint():
    return (
        Organisation.objects.count(),
        YearlyFigures.objects.count(),
        Rating.objects.count(),
        PendingRecompute.objects.count(),
        sorted(Organisation.objects.filter(registration_code__startswith="24099").values_list("name", flat=True)),
    )


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(importing.TEMPLATE_HEADERS)),
            sheet_cells,
        ),
        min_size=1,
        max_size=4,
    ),
    st.integers(min_value=0, max_value=2),
)
def test_a_rejected_file_changes_nothing(messy_cells, bad_row):
    place = commune("24")
    rows = [valid_row(f"240990{n:04d}", place) for n in range(3)]
    for name, value in messy_cells:
        rows[bad_row][list(importing.TEMPLATE_HEADERS).index(name)] = value
    before = fingerprint()
    report = registry_import(data=xlsx_bytes([HEADER, *rows]), file_name="x.xlsx", province=province("24"), commit=True)
    if report.errors:
        assert not report.committed
        assert fingerprint() == before
    else:
        assert report.committed
