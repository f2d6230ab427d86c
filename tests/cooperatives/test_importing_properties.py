"""Property tests of the import parser: no input makes it crash or take more than a budget per
kilobyte, and a rejected file changes nothing."""

import datetime
import string
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooperatives import importing
from cooperatives.models import Organisation, Rating, YearlyFigures
from cooperatives.services import registry_import
from plans.models import PendingRecompute
from tests.factories import commune, province, xlsx_bytes, xlsx_with_sheet_data

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


# Pieces of what a sheet or a CSV holds, repeated thousands of times: tags left open or closed
# twice, prefixed tags, brackets and quotes never closed. The reader must stay linear in its input.
SHEET_PIECES = [
    "<row>",
    '<row r="2">',
    '<row r="1048576">',
    "</row>",
    "<row/>",
    "<x:row>",
    "</x:row>",
    "<c>",
    '<c r="A2">',
    '<c r="B2" t="inlineStr">',
    '<c r="C2" t="s">',
    '<x:c r="A1">',
    "</c>",
    "<c/>",
    "<v>",
    "</v>",
    "<v>1</v>",
    "<v>0</v>",
    "<is>",
    "<t>",
    "</t>",
    '<t xml:space="preserve">',
    "(",
    ")",
    "[",
    "<",
    ">",
    '"',
    'r="',
    "x",
    "1",
    "&amp;",
    "Mã số đăng ký",
]
CSV_PIECES = ["(", "[", '"', ",", ";", "\t", "\r\n", "\n", "Mã số đăng ký", "Doanh thu (", "x", "1", " "]
# Linear readers take well under a millisecond per kilobyte here (0.1–0.2 ms); the budget leaves
# room for a machine busy with other test runs. The quadratic reader took 80 ms per kilobyte at
# 64 KB, and more the longer the file. Opening gets 2 s: on a loaded 2-core machine a 29 KB CSV
# once took 0.73 s against 0.65 s allowed (a flake), while the files this guards against took minutes.
SECONDS_PER_KB = 0.005
SECONDS_TO_OPEN = 2.0


def pieces(alphabet):
    unit = st.lists(st.sampled_from(alphabet), min_size=1, max_size=4).map("".join)
    return st.lists(st.tuples(unit, st.integers(min_value=1000, max_value=12_000)), min_size=1, max_size=3)


def within_budget(data: bytes, name: str, size: int, budget: float | None = None) -> None:
    start = time.perf_counter()
    try:
        importing.parse(importing.read_table(data, name))
    except importing.ImportFileError as error:
        assert str(error)
    seconds = time.perf_counter() - start
    budget = budget or SECONDS_TO_OPEN + SECONDS_PER_KB * size / 1024
    assert seconds < budget, f"{seconds:.2f} s for {size // 1024} KB (budget {budget:.2f} s)"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces(SHEET_PIECES))
def test_no_sheet_xml_makes_the_reader_crash_or_run_over_its_time_budget(repeated):
    xml = "".join(unit * times for unit, times in repeated).encode()
    within_budget(xlsx_with_sheet_data(xml), "x.xlsx", len(xml))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces(CSV_PIECES))
def test_no_csv_makes_the_reader_crash_or_run_over_its_time_budget(repeated):
    text = "Mã số đăng ký,Tên tổ chức,Doanh thu (triệu đồng)\r\n" + "".join(unit * times for unit, times in repeated)
    within_budget(text.encode(), "x.csv", len(text.encode()))


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


ODS_PIECES = [
    "<table:table-row>",
    "</table:table-row>",
    '<table:table-row table:number-rows-repeated="1048576">',
    "<table:table-cell>",
    "<table:table-cell/>",
    '<table:table-cell table:number-columns-repeated="16384"/>',
    '<table:table-cell office:value-type="string">',
    '<table:table-cell table:number-columns-repeated="999999999">',
    "</table:table-cell>",
    "<text:p>",
    "</text:p>",
    "<table:table>",
    "</table:table>",
    "<",
    ">",
    '"',
    "x",
    "1",
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces(ODS_PIECES))
def test_no_ods_xml_makes_the_reader_crash_or_run_over_its_time_budget(repeated):
    from tests.factories import ods_bytes

    xml = "".join(unit * times for unit, times in repeated)
    # An .ods is read in a process of its own, stopped after reading.ods_seconds: its budget, with
    # the time to stop that process and to parse what it read.
    budget = importing.reading.ods_seconds(len(xml.encode()) + 2000) + 1
    within_budget(ods_bytes([["Mã số đăng ký", "Tên tổ chức", "Loại hình"]], xml), "x.ods", len(xml.encode()), budget)
