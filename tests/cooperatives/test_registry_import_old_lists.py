"""A district's list kept before the 2025 reorganisation, as an office sends it: Excel 97 (.xls),
title rows merged across the sheet, the district and commune names of the old map (Huyện Đà Bắc of
old Hòa Bình, now in Phú Thọ), founding years alone, money in tỷ đồng, a commune split in 2025 and
planted mistakes. Places come from the official lists the test database loads (tests/conftest.py)."""

import datetime
import io
from decimal import Decimal

import pytest
import xlwt

from cooperatives.models import AdminUnit, Organisation, YearlyFigures
from cooperatives.services import registry_import
from tests.factories import province, xls_bytes

pytestmark = pytest.mark.django_db

TITLE = ["UBND HUYỆN ĐÀ BẮC", "DANH SÁCH HỢP TÁC XÃ TRÊN ĐỊA BÀN HUYỆN NĂM 2023"]
HEADER = ["STT", "Mã số HTX", "Tên HTX", "Loại hình", "Ngành nghề chính", "Huyện", "Xã", "Năm thành lập",
          "Số thành viên", "Vốn điều lệ (tỷ đồng)", "Doanh thu (tỷ đồng)", "Xếp loại"]  # fmt: skip
FIRST_ROW = len(TITLE) + 2  # the sheet's row of the first organisation: under the title and the header
# (row, what the row says, the code of today's commune it lands in)
VALID = [
    (
        [
            1,
            2509800001,
            "HTX Nông lâm Tân Minh",
            "HTX",
            "Nông nghiệp",
            "Đà Bắc",
            "Xã Tân Minh",
            2015,
            12,
            "1,5",
            2.25,
            "Khá",
        ],
        "04876",
    ),  # old Tân Minh went whole into Xã Cao Sơn
    (
        [
            2,
            2509800002,
            "HTX Dịch vụ Đà Bắc",
            "HTX",
            "Dịch vụ tổng hợp",
            "Huyện Đà Bắc",
            "TT Đà Bắc",
            "2018",
            30,
            0.8,
            1.1,
            "Tốt",
        ],
        "04831",
    ),  # the old township, now Xã Đà Bắc
    (
        [
            3,
            2509800003,
            "HTX Chè Đồng Chum",
            "HTX",
            "Trồng trọt",
            "H. Đà Bắc",
            "xa dong chum",
            "Năm 2012",
            9,
            0.3,
            0.45,
            "TB",
        ],
        "04849",
    ),  # now Xã Tân Pheo
    (
        [
            4,
            2509800004,
            "HTX Cá lồng Hiền Lương",
            "HTX",
            "Thủy sản",
            "Đà Bắc",
            "X. Hiền Lương",
            2020,
            7,
            0.2,
            0.6,
            "Yếu",
        ],
        "04831",
    ),
    (
        [
            5,
            2509800005,
            "THT Mật ong Tiền Phong",
            "THT",
            "Chăn nuôi",
            "Đà Bắc",
            "Tiền Phong",
            2019,
            5,
            None,
            0.05,
            None,
        ],
        "04891",
    ),  # the old Xã Tiền Phong went whole into the new one of that name
]
SPLIT = [6, 2509800006, "HTX Thủy sản Vầy Nưa", "HTX", "Thủy sản", "Đà Bắc", "Xã Vầy Nưa", 2016, 15, 1, 2, "Khá"]
SPLIT_INTO = {"04828", "04891"}  # Phường Thống Nhất, Xã Tiền Phong
# Planted mistakes, each to be reported once on its row: (row, the column's letter, a word of the reason)
MISTAKES = [
    ([7, "25098O0007", "HTX Mã Sai", "HTX", "Trồng trọt", "Đà Bắc", "Xã Tân Minh", 2015, 8, 1, 1, "Khá"], "B",
     "chữ cái"),
    ([8, 2509800008, "HTX Ngày Sai", "HTX", "Trồng trọt", "Đà Bắc", "Xã Tân Minh", "31/02/2019", 8, 1, 1, "Khá"],
     "H", "không phải là ngày"),
    ([9, 2509800009, "HTX Âm", "HTX", "Trồng trọt", "Đà Bắc", "Xã Tân Minh", 2015, -5, 1, 1, "Khá"], "I",
     "Không được là số âm"),
    ([10, 2509800010, "HTX Xuất Sắc", "HTX", "Trồng trọt", "Đà Bắc", "Xã Tân Minh", 2015, 8, 1, 1, "Xuất sắc"], "L",
     "Xuất sắc"),
    ([11, 2509800001, "HTX Chép Nhầm", "HTX", "Trồng trọt", "Đà Bắc", "Xã Tân Minh", 2015, 8, 1, 1, "Khá"], "C",
     f"dòng {FIRST_ROW}"),  # the code of the first row again, for another organisation
    ([12, 2509800012, "HTX Suối Hoa", "HTX", "Trồng trọt", "Đà Bắc", "Xã Suối Hoa", 2015, 8, 1, 1, "Khá"], "G",
     "không thuộc Huyện Đà Bắc (có ở Huyện Tân Lạc)"),  # a commune of Tân Lạc, not of Đà Bắc
]  # fmt: skip
SPLIT_ROW = FIRST_ROW + len(VALID)


def district_listxls_bytes(rows) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("DS HTX")
    bold = xlwt.easyxf("font: bold on; align: horiz center")
    for r, title in enumerate(TITLE):
        sheet.write_merge(r, r, 0, len(HEADER) - 1, title, bold)
    for c, header in enumerate(HEADER):
        sheet.write(len(TITLE), c, header, bold)
    for r, row in enumerate(rows, start=len(TITLE) + 1):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    sheet.write(len(TITLE) + 1 + len(rows), 2, "Tổng cộng")
    sheet.write(len(TITLE) + 3 + len(rows), 8, "Người lập biểu")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FILE = district_listxls_bytes([*(row for row, _ in VALID), SPLIT, *(row for row, *_ in MISTAKES)])


def commune(code) -> AdminUnit:
    return AdminUnit.objects.communes().of_structure("34").get(code=code)


def test_each_planted_mistake_is_reported_once_on_its_row_and_the_split_commune_is_asked_about():
    report = registry_import(data=FILE, file_name="da-bac-2023.xls", province=province("25"))
    mistakes = [error for error in report.errors if not error.candidates]
    expected = [(SPLIT_ROW + 1 + n, column) for n, (_row, column, _why) in enumerate(MISTAKES)]
    assert [(error.row, error.column[0]) for error in mistakes] == expected
    for error, (_row, _column, why) in zip(mistakes, MISTAKES, strict=True):
        assert why in error.message, error.message
    (question,) = [error for error in report.errors if error.candidates]
    assert (question.row, question.column) == (SPLIT_ROW, "G (Xã)")
    assert {candidate.code for candidate in question.candidates} == SPLIT_INTO
    assert "Xã Vầy Nưa" in question.message and "Phường Thống Nhất" in question.message
    assert [row[1] for row in report.rows] == [str(row[1]) for row, _ in VALID]  # every valid row planned
    assert not Organisation.objects.filter(registration_code__startswith="250980").exists()


def test_the_valid_rows_land_in_todays_communes_and_the_split_one_where_staff_chose():
    chosen = commune("04828")
    report = registry_import(
        data=FILE,
        file_name="da-bac-2023.xls",
        province=province("25"),
        commit=True,
        skip_invalid=True,
        choices={SPLIT_ROW: chosen.pk},
    )
    assert report.committed
    assert all(error.row > SPLIT_ROW for error in report.errors) and len(report.errors) == len(MISTAKES)
    landed = dict(
        Organisation.objects.filter(registration_code__startswith="250980").values_list(
            "registration_code", "commune__code"
        )
    )
    assert landed == {**{str(row[1]): code for row, code in VALID}, str(SPLIT[1]): "04828"}
    first = Organisation.objects.get(registration_code="2509800001")
    assert (first.name, first.founded_on, first.founded_year_only) == (
        "HTX Nông lâm Tân Minh",
        datetime.date(2015, 1, 1),
        True,
    )
    assert first.province == province("25")
    figures = YearlyFigures.objects.get(organisation=first)
    assert (figures.year, figures.charter_capital, figures.revenue) == (
        2023,
        Decimal(1_500_000_000),
        Decimal(2_250_000_000),
    )


def test_a_choice_that_is_not_one_of_the_candidates_is_refused_and_nothing_is_written():
    elsewhere = commune("04831")  # Xã Đà Bắc: not where Vầy Nưa went
    rows = [*(row for row, _ in VALID), SPLIT]
    report = registry_import(
        data=district_listxls_bytes(rows),
        file_name="da-bac.xls",
        province=province("25"),
        commit=True,
        choices={SPLIT_ROW: elsewhere.pk},
    )
    assert not report.committed
    assert [(error.row, bool(error.candidates)) for error in report.errors] == [(SPLIT_ROW, True)]
    assert not Organisation.objects.filter(registration_code__startswith="250980").exists()


@pytest.mark.parametrize(
    ("district", "written", "code"),
    [
        ("Huyện Tân Lạc", "Xã Suối Hoa", "05134"),  # old name in its district → Xã Mường Hoa
        ("Tân Lạc", "Mường Hoa", "05134"),  # today's name, in an old district it took land from
        ("", "Thị trấn Mãn Đức", "05128"),  # no district given: the old name is read all the same
        ("Thành phố Hòa Bình", "P. Thái Bình", "04828"),
        ("TP Hòa Bình", "Phường Thống Nhất", "04828"),  # both maps' Thống Nhất went into today's
    ],
)
def test_old_names_in_their_district_are_carried_to_todays_commune(district, written, code):
    header = ["Mã số HTX", "Tên HTX", "Loại hình", "Lĩnh vực", "Huyện", "Xã", "Năm thành lập"]
    row = ["2509800101", "HTX Một", "HTX", "Nông nghiệp", district, written, 2015]
    report = registry_import(data=xls_bytes([header, row]), file_name="a.xls", province=province("25"))
    assert report.errors == []
    registry_import(data=xls_bytes([header, row]), file_name="a.xls", province=province("25"), commit=True)
    assert Organisation.objects.get(registration_code="2509800101").commune.code == code


def test_a_district_not_of_the_province_is_an_error_on_the_district_column():
    header = ["Mã số HTX", "Tên HTX", "Loại hình", "Lĩnh vực", "Huyện", "Xã", "Năm thành lập"]
    row = ["2509800101", "HTX Một", "HTX", "Nông nghiệp", "Huyện Gia Lâm", "Xã Tân Minh", 2015]
    report = registry_import(data=xls_bytes([header, row]), file_name="a.xls", province=province("25"))
    assert [(error.row, error.column) for error in report.errors] == [(2, "E (Huyện)")]
    assert "Gia Lâm" in report.errors[0].message


def test_an_old_commune_code_is_read_through_the_succession_in_a_list_with_districts():
    header = ["Mã số HTX", "Tên HTX", "Loại hình", "Lĩnh vực", "Huyện", "Mã xã", "Năm thành lập"]
    whole = ["2509800101", "HTX Một", "HTX", "Nông nghiệp", "Đà Bắc", "04855", 2015]  # old Tân Minh
    split = ["2509800102", "HTX Hai", "HTX", "Nông nghiệp", "Đà Bắc", "04891", 2015]  # old Vầy Nưa: split
    report = registry_import(data=xls_bytes([header, whole, split]), file_name="a.xls", province=province("25"))
    assert [(error.row, {c.code for c in error.candidates or []}) for error in report.errors] == [(3, SPLIT_INTO)]
    # Without a district column the list is of today's map: 04891 is today's Xã Tiền Phong.
    header_now = [name for name in header if name != "Huyện"]
    rows = [header_now, [*whole[:4], *whole[5:]], [*split[:4], *split[5:]]]
    report = registry_import(data=xls_bytes(rows), file_name="a.xls", province=province("25"), commit=True)
    assert report.errors == [], report.errors
    codes = dict(Organisation.objects.filter(registration_code__in=["2509800101", "2509800102"]).values_list(
        "registration_code", "commune__code"))  # fmt: skip
    assert codes == {"2509800101": "04876", "2509800102": "04891"}
