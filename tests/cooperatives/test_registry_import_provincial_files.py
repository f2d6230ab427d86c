"""Lists as provinces write them, built here (not our template): the words, units and years of
real files, each with planted mistakes that must be reported once, on their row."""

import datetime
from decimal import Decimal

import pytest

from cooperatives.models import Organisation, Rating, YearlyFigures
from cooperatives.services import registry_import
from tests.factories import province, xls_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER_2025 = [
    "TT",
    "Mã số thuế",
    "Tên HTX",
    "Loại hình",
    "Lĩnh vực hoạt động",
    "Địa chỉ (xã, phường)",
    "Năm thành lập",
    "Số thành viên năm 2025",
    "Doanh thu năm 2025 (triệu đồng)",
    "Xếp loại năm 2025",
]
VALID_2025 = [
    [
        1,
        2509900001,
        "HTX Nông nghiệp Thanh Thủy",
        "HTX",
        "Nông nghiệp tổng hợp",
        "Xã Thanh Thủy, tỉnh Phú Thọ",
        2015,
        35,
        "1.250,5",
        "Khá",
    ],
    [
        2,
        2509900002,
        "HTX Chè Kim Bôi",
        "HTX",
        "Trồng trọt",
        "Thôn Đồng Bến, xa kim boi, huyện Kim Bôi",
        "2019",
        12,
        800,
        "Tốt",
    ],
    [
        3,
        2509900003,
        "HTX Mây tre đan",
        "HTX",
        "Công nghiệp - TTCN",
        "Số 12 Cù Chính Lan - Phường Tân Hòa - Tỉnh Phú Thọ",
        "05/03/2021",
        9,
        320,
        "TB",
    ],
    [
        4,
        2509900004,
        "HTX Dịch vụ Hòa Bình",
        "HTX",
        "Dịch vụ tổng hợp",
        "P. Hòa Bình, TP Hòa Bình",
        "Năm 2018",
        40,
        2100,
        "Yếu",
    ],
    [5, 2509900005, "HTX Chăn nuôi Kỳ Sơn", "HTX", "Chăn nuôi", "KỲ SƠN", 2020, 7, None, None],
    [
        6,
        2509900006,
        "HTX Thương mại Thống Nhất",
        "HTX",
        "Thương mại, dịch vụ",
        "Phường Thống Nhất",
        2022,
        15,
        95,
        "Khá",
    ],
]
# Planted mistakes: (row as the sheet numbers it, the column's letter, what the row says).
MISTAKES_2025 = [
    ([7, 2509900007, "HTX Bay Lượn", "HTX", "Hàng không", "Xã Thanh Thủy", 2016, 8, 100, "Khá"], "E"),
    (
        [8, 2509900008, "HTX Nơi Khác", "HTX", "Chăn nuôi", "Thôn 5, Xã Không Có, tỉnh Phú Thọ", 2016, 8, 100, "Khá"],
        "F",
    ),
    ([9, 2509900009, "HTX Doanh Thu Chữ", "HTX", "Trồng trọt", "Xã Kim Bôi", 2016, 8, "một tỷ", "Khá"], "I"),
]


def mistakes_reported(report, mistakes, first_row):
    return sorted((error.row, error.column[0]) for error in report.errors) == [
        (first_row + n, column) for n, (_row, column) in enumerate(mistakes)
    ]


def test_a_2025_list_with_communes_in_addresses_and_the_year_in_headers_reports_each_mistake_once():
    rows = [["DANH SÁCH HỢP TÁC XÃ TỈNH PHÚ THỌ"], [], HEADER_2025, *VALID_2025, *(row for row, _ in MISTAKES_2025)]
    report = registry_import(data=xlsx_bytes(rows), file_name="phu-tho.xlsx", province=province("25"))
    assert mistakes_reported(report, MISTAKES_2025, first_row=4 + len(VALID_2025))
    assert [row[1] for row in report.rows] == [str(row[1]) for row in VALID_2025]  # every valid row planned


def test_the_2025_list_lands_with_its_years_units_and_words():
    rows = [["DANH SÁCH HỢP TÁC XÃ TỈNH PHÚ THỌ"], HEADER_2025, *VALID_2025]
    report = registry_import(data=xlsx_bytes(rows), file_name="phu-tho.xlsx", province=province("25"), commit=True)
    assert report.errors == [] and report.committed
    first = Organisation.objects.get(registration_code="2509900001")
    assert (first.founded_on, first.founded_year_only, first.sector) == (datetime.date(2015, 1, 1), True, "agriculture")
    assert first.commune.code == "08674"  # Xã Thanh Thủy of Phú Thọ, not of Tuyên Quang or Huế
    figures = YearlyFigures.objects.get(organisation=first)
    assert (figures.year, figures.members, figures.revenue) == (2025, 35, Decimal(1_250_500_000))
    assert Rating.objects.get(organisation=first).year == 2025
    sectors = dict(Organisation.objects.filter(registration_code__startswith="25099").values_list("name", "sector"))
    assert sectors["HTX Mây tre đan"] == "industry_handicraft"
    assert sectors["HTX Dịch vụ Hòa Bình"] == "agriculture"
    assert sectors["HTX Thương mại Thống Nhất"] == "trade_services"
    third = Organisation.objects.get(registration_code="2509900003")
    assert (third.founded_on, third.founded_year_only) == (datetime.date(2021, 3, 5), False)


HEADER_2022 = ["STT", "MST", "Tên hợp tác xã", "Loại hình", "Ngành nghề chính", "Mã xã", "Năm thành lập",
               "Vốn điều lệ (tỷ đồng)", "Doanh thu, tỷ đồng", "Xếp loại"]  # fmt: skip


def test_a_pre_2025_xls_with_the_year_in_its_title_and_money_in_billions():
    place = "08674"
    valid = [
        [1, 2509900011, "HTX Rau sạch", "HTX", "Trồng trọt", place, 2012, "1,5", 2.25, "Khá"],
        [2, 250990012, "THT Nuôi ong", "THT", "Chăn nuôi", place, "2010", 0.2, 0.35, "Tốt"],
        [3, 2509900013, "HTX Nước sạch", "HTX", "Nước sạch nông thôn", place, 2008, 3, 1.1, "TB"],
    ]
    mistakes = [
        ([4, 2509900014, "HTX Năm Sai", "HTX", "Trồng trọt", place, 1850, 1, 1, "Khá"], "G"),
        ([5, 2509900015, "HTX Xếp Loại Lạ", "HTX", "Trồng trọt", place, 2011, 1, 1, "Xuất sắc"], "J"),
    ]
    title = [["UBND TỈNH PHÚ THỌ"], ["TỔNG HỢP HTX NĂM 2022"], ["(Số liệu đến 31/12/2022)"]]
    rows = [*title, HEADER_2022, *valid, *(row for row, _ in mistakes)]
    report = registry_import(data=xls_bytes(rows), file_name="phu-tho-2022.xls", province=province("25"))
    assert mistakes_reported(report, mistakes, first_row=5 + len(valid))
    report = registry_import(
        data=xls_bytes([*title, HEADER_2022, *valid]),
        file_name="phu-tho-2022.xls",
        province=province("25"),
        commit=True,
    )
    assert report.errors == [] and report.committed
    group = Organisation.objects.get(registration_code="0250990012")  # the tax code typed as a 9-digit number
    assert (group.founded_on, group.founded_year_only) == (datetime.date(2010, 1, 1), True)
    figures = YearlyFigures.objects.get(organisation__registration_code="2509900011")
    assert (figures.year, figures.charter_capital, figures.revenue) == (
        2022,
        Decimal(1_500_000_000),
        Decimal(2_250_000_000),
    )


def test_staff_give_the_year_when_the_file_says_it_nowhere():
    rows = [["Mã số thuế", "Tên HTX", "Loại hình", "Doanh thu (triệu đồng)"], [2509900021, "HTX A", "HTX", 10]]
    assert registry_import(data=xlsx_bytes(rows), file_name="a.xlsx", province=province("25")).errors
    report = registry_import(data=xlsx_bytes(rows), file_name="a.xlsx", province=province("25"), year=2024)
    assert [error.message for error in report.errors if "năm" in error.message.lower()] == []


def test_a_column_misread_on_many_rows_is_one_error_and_a_single_mistake_stays_on_its_row():
    rows = [HEADER_2025]
    for n in range(1, 8):  # seven addresses in another province: one cause
        rows.append([n, 2509900030 + n, f"HTX {n}", "HTX", "Trồng trọt", f"Xã Nơi Khác {n}", 2015, 5, 1, "Khá"])
    rows.append([8, 2509900040, "HTX Lạ", "HTX", "Hàng không", "Xã Thanh Thủy", 2015, 5, 1, "Khá"])
    report = registry_import(data=xlsx_bytes(rows), file_name="a.xlsx", province=province("25"))
    assert [(error.row, error.column[0]) for error in report.errors] == [(2, "F"), (9, "E")]
    assert "7 dòng: 2–8" in report.errors[0].message


def test_staff_can_import_the_valid_rows_only_and_the_mistakes_stay_reported():
    rows = [HEADER_2025, *VALID_2025, *(row for row, _ in MISTAKES_2025)]
    report = registry_import(
        data=xlsx_bytes(rows), file_name="a.xlsx", province=province("25"), commit=True, skip_invalid=True
    )
    assert report.committed
    assert mistakes_reported(report, MISTAKES_2025, first_row=2 + len(VALID_2025))
    landed = set(
        Organisation.objects.filter(registration_code__startswith="25099").values_list("registration_code", flat=True)
    )
    assert landed == {str(row[1]) for row in VALID_2025}
    assert report.counts["organisations"]["create"] == len(VALID_2025)


def test_valid_rows_only_writes_nothing_when_a_whole_column_cannot_be_read():
    header = [*HEADER_2025[:8], "Doanh thu (USD)", HEADER_2025[9]]
    report = registry_import(
        data=xlsx_bytes([header, *VALID_2025]),
        file_name="a.xlsx",
        province=province("25"),
        commit=True,
        skip_invalid=True,
    )
    assert not report.committed and report.errors
    assert not Organisation.objects.filter(registration_code__startswith="25099").exists()
