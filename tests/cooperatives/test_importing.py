"""The import parser on plain rows: what real provincial files hold is read, or said to be wrong, row by row."""

import datetime
import io
import random
import time
import tracemalloc
import unicodedata
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from cooperatives import importing
from cooperatives.importing import ImportFileError, Table, parse, read_table, reading
from tests.factories import xlsx_with_sheet_data

HEADER = ["STT", "Mã số đăng ký", "Tên tổ chức", "Loại hình", "Lĩnh vực", "Mã xã/phường", "Ngày thành lập"]


def table(*rows):
    return Table(rows=list(enumerate(rows, start=1)))


def parsed(*rows):
    return parse(table(*rows))


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_it_finds_the_header_under_title_rows_with_synonyms_and_odd_spacing():
    result = parsed(
        ["UBND TỈNH BẮC NINH", None, None],
        ["DANH SÁCH HỢP TÁC XÃ NĂM 2025"],
        [],
        ["  Số TT ", "Mã số  thuế", "TÊN HTX", "Loại\nhình", "Lĩnh vực hoạt động", "Mã xã", "Ngày thành lập (*)"],
        ["1", "2400123456", "HTX Hoà Bình", "HTX", "Nông nghiệp", "07210", "05/03/2021"],
    )
    assert result.errors == []
    record = result.records[0]
    assert record.row == 5
    assert record.values == {
        "registration_code": "2400123456",
        "name": "HTX Hoà Bình",
        "kind": "htx",
        "sector": "agriculture",
        "commune_code": "07210",
        "founded_on": datetime.date(2021, 3, 5),
        "founded_year_only": False,
    }
    assert record.label("founded_on") == "G (Ngày thành lập (*))"


def test_blank_rows_the_numbering_row_and_a_totals_row_at_the_bottom_are_skipped():
    result = parsed(
        HEADER,
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"],
        ["1", "2400000001", "HTX A", "HTX", "NN", "7210", "01/01/2020"],
        [None, "", "  ", None],
        ["2", "2400000002", "HTX B", "THT", "TM-DV", "7210", "01/01/2020"],
        ["", "Tổng cộng", "2 HTX", None],
        ["", "", "Người lập biểu"],
    )
    assert [r.row for r in result.records] == [3, 5]
    assert result.errors == []
    assert "2 dòng cuối" in result.notes[0]


def test_a_row_without_code_before_more_data_is_an_error_with_its_row_and_column():
    result = parsed(HEADER, ["1", "", "HTX A", "HTX"], ["2", "2400000002", "HTX B"])
    assert [e.as_list() for e in result.errors] == [
        [2, "B (Mã số đăng ký)", "Thiếu mã số đăng ký: mỗi dòng phải có mã số để đối chiếu."]
    ]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1.234.567", Decimal(1234567)),
        ("1.234,5", Decimal("1234.5")),
        ("72,5", Decimal("72.5")),
        ("1 234 567", Decimal(1234567)),
        ("1,234,567", Decimal(1234567)),
        ("(1.234)", Decimal(-1234)),
        ("-500.000", Decimal(-500000)),
        ("2.500.000 đ", Decimal(2500000)),
        (1234567, Decimal(1234567)),
        (72.5, Decimal("72.5")),
    ],
)
def test_numbers_are_read_the_vietnamese_way(text, number):
    assert importing.parse_number(text) == number


@pytest.mark.parametrize("text", ["abc", "1.2.3,4,5", "", "--", float("nan"), True])
def test_what_is_not_a_number_is_an_error(text):
    with pytest.raises(ValueError):
        importing.parse_number(text)


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("05/03/2021", datetime.date(2021, 3, 5)),
        ("5/3/2021", datetime.date(2021, 3, 5)),
        ("05-03-2021", datetime.date(2021, 3, 5)),
        ("05.03.2021", datetime.date(2021, 3, 5)),
        ("2021-03-05", datetime.date(2021, 3, 5)),
        ("05/03/2021 00:00:00", datetime.date(2021, 3, 5)),
        (datetime.datetime(2021, 3, 5, 0, 0), datetime.date(2021, 3, 5)),
        (44260, datetime.date(2021, 3, 5)),  # an Excel day number
        ("44260", datetime.date(2021, 3, 5)),
    ],
)
def test_dates_as_text_dd_mm_yyyy_or_as_excel_dates(value, day):
    assert importing.parse_date(value) == day


@pytest.mark.parametrize("value", ["31/02/2021", "2021", "hôm qua", "12/13/2021", "01/01/1800"])
def test_impossible_dates_are_errors(value):
    with pytest.raises(ValueError):
        importing.parse_date(value)


@pytest.mark.parametrize(
    ("word", "level"),
    [
        ("Tốt", "good"),
        ("TỐT", "good"),
        ("khá", "fair"),
        ("Khá ", "fair"),
        ("TB", "average"),
        ("tb", "average"),
        ("Trung bình", "average"),
        ("trung  binh", "average"),
        ("Yếu", "weak"),
        ("yeu", "weak"),
        ("Chưa xếp loại", "unrated"),
    ],
)
def test_rating_words_in_any_case_and_short_forms(word, level):
    assert importing.PARSERS["level"](word) == level


def test_kind_sector_and_status_accept_the_words_files_use():
    assert importing.PARSERS["kind"]("Tổ hợp tác") == "tht"
    assert importing.PARSERS["kind"]("LH HTX") == "lhhtx"
    assert importing.PARSERS["sector"]("Thuỷ sản") == "agriculture"
    assert importing.PARSERS["sector"]("CN - TTCN") == "industry_handicraft"
    assert importing.PARSERS["status"]("đã giải thể") == "dissolved"
    with pytest.raises(ValueError, match="không hiểu “Siêu tốt”"):
        importing.PARSERS["level"]("Siêu tốt")


def test_codes_keep_their_leading_zeros():
    assert importing.parse_code(101234567) == "0101234567"  # Excel dropped the zero of a Hà Nội code
    assert importing.parse_code("0101234567-001") == "0101234567-001"
    assert importing.parse_commune_code(4) == "00004"
    assert importing.parse_commune_code(7210.0) == "07210"


def test_a_money_header_in_millions_multiplies_and_every_bad_cell_is_reported():
    result = parsed(
        ["Mã số", "Tên", "Năm", "Doanh thu (triệu đồng)", "Số thành viên", "Xếp loại", "Điểm thẩm định"],
        ["2400000001", "HTX A", "2024", "1.234,5", "1.200", "Khá", "72,5"],
        ["2400000002", "HTX B", "năm 2024", "nhiều", "12,5", "Siêu", "120"],
        ["2400000003", "HTX C", "", "", "15"],
    )
    assert result.records[0].values["revenue"] == Decimal(1234500000)
    assert result.records[0].values["members"] == 1200
    assert result.records[0].values["verified_score"] == Decimal("72.50")
    assert [(e.row, e.column[0]) for e in result.errors] == [(3, "D"), (3, "E"), (3, "F"), (3, "G"), (4, "C")]
    assert result.errors[-1].message == "Thiếu năm của số liệu hoặc xếp loại."


def test_no_header_is_a_clear_message():
    with pytest.raises(ImportFileError, match="Không tìm thấy dòng tiêu đề"):
        parsed(["a", "b"], ["1", "2"])


def windows_1258(text: str) -> bytes:
    """As Windows-1258 files hold Vietnamese: letters it lacks are a base letter and a separate tone mark."""
    out = []
    for letter in text:
        try:
            out.append(letter.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", letter)
            out.append(unicodedata.normalize("NFC", parts[:-1]).encode("cp1258") + parts[-1].encode("cp1258"))
    return b"".join(out)


def test_a_csv_in_windows_1258_is_read_like_utf8():
    text = "Mã số đăng ký;Tên tổ chức;Loại hình;Năm;Xếp loại\r\n2400000001;HTX Hoà Bình;HTX;2024;Khá\r\n"
    for data in (text.encode("utf-8-sig"), windows_1258(text)):
        result = parse(read_table(data, "danh-sach.csv"))
        assert result.records[0].values["name"] == "HTX Hoà Bình"
        assert result.records[0].values["level"] == "fair"


def test_an_xlsx_is_read_with_excel_dates_and_numbers():
    day = datetime.datetime(2019, 12, 31)
    data = xlsx([["Danh sách"], HEADER, [1, 2400000001, "HTX A", "HTX", "Nông nghiệp", 7210, day]])
    record = parse(read_table(data, "a.xlsx")).records[0]
    assert record.values["founded_on"] == datetime.date(2019, 12, 31)
    assert record.values["commune_code"] == "07210"
    assert record.values["registration_code"] == "2400000001"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 \x00\x01\x02 binary", "không phải bảng tính"),
        (b"PK\x03\x04 broken zip", "Tệp Excel bị hỏng"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Tệp Excel bị hỏng"),
        (b"Ma so;Ten\r\n\x81\x8d\x8f\x90;x", "bảng mã"),
        (b"", "Tệp trống"),
    ],
)
def test_what_is_not_a_readable_spreadsheet_gets_a_vietnamese_message(data, message):
    with pytest.raises(ImportFileError, match=message):
        parse(read_table(data, "x.xlsx"))


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (reading.MAX_UNCOMPRESSED_BYTES + 1))
    assert len(out.getvalue()) < 1_000_000
    with pytest.raises(ImportFileError, match="giải nén ra quá lớn"):
        read_table(out.getvalue(), "bomb.xlsx")


def test_a_sheet_with_prefixed_xml_is_read_like_any_other():
    # Files written by .NET tools prefix every element ("<x:row>", "<x:c>"): the general reader.
    data = xlsx([HEADER, [1, "2400000001", "HTX A", "HTX", "NN", 7210, datetime.datetime(2020, 1, 2)]])
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode().replace("<row", "<x:row").replace("</row>", "</x:row>")
                content = text.replace("<c ", "<x:c ").replace("</c>", "</x:c>").encode()
            target.writestr(item, content)
    record = parse(read_table(out.getvalue(), "net.xlsx")).records[0]
    assert record.values["founded_on"] == datetime.date(2020, 1, 2)
    assert (record.values["name"], record.values["commune_code"]) == ("HTX A", "07210")


def test_excels_unicode_text_export_utf16_with_tabs_is_read():
    text = "Mã số đăng ký\tTên tổ chức\tLoại hình\r\n2400000001\tHTX Hoà Bình\tTHT\r\n"
    record = parse(read_table(text.encode("utf-16"), "unicode.txt")).records[0]
    assert (record.values["name"], record.values["kind"]) == ("HTX Hoà Bình", "tht")


def money(header, cell):
    """What one money cell under `header` reads as: (value or None, errors)."""
    result = parsed(["Mã số", "Tên", "Năm", header], ["2400000001", "HTX A", "2024", cell])
    values = result.records[0].values
    found = [value for name, value in values.items() if name in importing.MONEY_FIELDS]
    return (found[0] if found else None), [error.as_list() for error in result.errors]


@pytest.mark.parametrize(
    ("header", "cell", "value"),
    [
        ("Doanh thu (Triệu đ)", "1.500", 1_500_000_000),
        ("Vốn điều lệ (tr.đ)", "200", 200_000_000),
        ("Doanh thu (Tr.đ)", "2,5", 2_500_000),
        ("Lợi nhuận (trđ)", "12", 12_000_000),
        ("Doanh thu\n(Tỷ đ)", "1,2", 1_200_000_000),
        ("Doanh thu (tỷ đồng)", "3", 3_000_000_000),
        ("Lợi nhuận (1.000 đ)", "350", 350_000),
        ("Doanh thu (nghìn đồng)", "7", 7000),
        ("Doanh thu (ngàn đ)", "7", 7000),
        ("Doanh thu (VNĐ)", "1.500", 1500),
        ("Doanh thu (đồng) (*)", "1.500", 1500),
        ("Thu nhập bình quân (đồng/người/năm)", "54.000.000", 54_000_000),
        ("Thu nhập bình quân (triệu đồng/người/năm)", "54", 54_000_000),
        # The registry keeps a yearly income (YearlyFigures.average_income, đồng/người/năm).
        ("Thu nhập bình quân (triệu đồng/người/tháng)", "4,5", 54_000_000),
        ("Thu nhập bình quân (đồng/LĐ/tháng)", "4.500.000", 54_000_000),
    ],
)
def test_money_headers_give_their_unit_in_the_ways_files_write_it(header, cell, value):
    assert money(header, cell) == (Decimal(value), [])


@pytest.mark.parametrize(
    "header", ["Doanh thu (USD)", "Vốn điều lệ (triệu đồng/tháng)", "Doanh thu (triệu tỷ)", "Lợi nhuận (chục đồng)"]
)
def test_a_money_header_with_a_unit_it_cannot_read_is_an_error_for_the_column(header):
    value, errors = money(header, "1.500")
    assert value is None
    [[row, column, message]] = errors
    assert (row, column[0]) == (1, "D")
    assert "Không hiểu đơn vị" in message


def test_a_fraction_of_a_dong_in_a_column_in_dong_is_an_error_for_the_cell():
    value, errors = money("Doanh thu (đồng)", "1,5")
    assert value is None
    assert [(row, column[0]) for row, column, _message in errors] == [(2, "D")]
    assert "triệu đồng" in errors[0][2]  # says how to state the unit
    assert money("Doanh thu (triệu đồng)", "1,5") == (Decimal(1_500_000), [])
    assert money("Doanh thu (đồng)", 1_500_000 * 1.1) == (Decimal(1_650_000), [])  # Excel's float noise


def test_money_beyond_what_the_registry_column_holds_is_an_error_for_the_cell():
    # YearlyFigures.average_income holds 14 digits of đồng, revenue 18.
    header = "Thu nhập bình quân (triệu đồng/người/năm)"
    assert money(header, "99.999.999") == (Decimal(99_999_999_000_000), [])
    value, errors = money(header, "120.000.000")
    assert value is None
    assert [(row, column[0]) for row, column, _message in errors] == [(2, "D")]
    assert "tối đa 14 chữ số" in errors[0][2]
    assert money("Doanh thu (tỷ đồng)", "1.000.000.000")[1][0][2].startswith("Số quá lớn")


def test_a_signature_block_under_the_list_is_skipped_with_a_note():
    result = parsed(
        ["DANH SÁCH"],
        HEADER,
        [1, "2409900002", "HTX B", "HTX", "NN", "7210", "01/01/2020"],
        [],
        [None, None, None, None, "Bắc Ninh, ngày 10 tháng 1 năm 2025"],
        [None, "Người lập biểu", None, None, "Giám đốc"],
        [None, "(Ký, ghi rõ họ tên)", "(Ký tên, đóng dấu)"],
        [],
        [None, "Nguyễn Văn A", "Trần Văn B", None, None],
        [None, "Bắc Ninh, ngày 10 tháng 01 năm 2025", None, None, "KT. GIÁM ĐỐC"],
    )
    assert result.errors == []
    assert [record.code for record in result.records] == ["2409900002"]
    assert "5 dòng cuối" in result.notes[0]


@pytest.mark.parametrize("text", ["Người lập biểu", "Giám đốc", "HTX", "Bắc Ninh, ngày 10/1/2025", "A" * 20 + "1"])
def test_a_registration_code_is_digits_with_perhaps_capitals_dots_slashes_and_dashes(text):
    assert importing.parse_code("htx-01/2020.b") == "HTX-01/2020.B"
    with pytest.raises(ValueError, match="không phải mã số đăng ký"):
        importing.parse_code(text)


def test_a_row_with_data_under_a_code_that_is_not_one_is_still_an_error():
    result = parsed(
        HEADER,
        [1, "2409900002", "HTX B", "HTX", "NN", "7210", "01/01/2020"],
        [2, "HTX Hoà Bình", "HTX Hoà Bình", "HTX", "NN", "7210", "01/01/2020"],
    )
    assert [(error.row, error.column[0]) for error in result.errors] == [(3, "B")]
    assert "không phải mã số đăng ký" in result.errors[0].message


def test_a_signature_like_row_with_more_rows_under_it_is_an_error():
    result = parsed(
        HEADER,
        [1, "2409900002", "HTX B", "HTX", "NN", "7210", "01/01/2020"],
        [None, "Người lập biểu", None, None, "Giám đốc"],
        [3, "2409900003", "HTX C", "HTX", "NN", "7210", "01/01/2020"],
    )
    assert [(error.row, error.column[0]) for error in result.errors][:1] == [(3, "B")]
    assert [record.code for record in result.records] == ["2409900002", "2409900003"]


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    """An .xlsx with one more member: what a crafted file can carry besides its sheets."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr(name, content)
    return out.getvalue()


def test_a_member_compressed_more_than_a_hundredfold_is_refused():
    data = with_member(xlsx([HEADER, [1, "2400000001", "HTX A"]]), "xl/media/image1.png", b"\x00" * 12_000_000)
    with pytest.raises(ImportFileError, match="nén bất thường"):
        read_table(data, "bomb.xlsx")


def test_more_than_about_80_mb_inflated_is_refused():
    # Compressed about 30:1, as XML is: under the ratio refused above, 85 MB once inflated.
    noise = random.Random(1)
    content = b"".join(noise.randbytes(30) + b" " * 994 for _ in range(85 * 1024))
    data = with_member(xlsx([HEADER, [1, "2400000001", "HTX A"]]), "xl/media/image1.png", content)
    assert len(data) < importing.MAX_UPLOAD_BYTES
    with pytest.raises(ImportFileError, match="giải nén ra quá lớn"):
        read_table(data, "big.xlsx")


def test_a_sheet_claiming_a_million_rows_is_refused_without_reading_them_all():
    data = xlsx([HEADER, [1, "2400000001", "HTX A"]])
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b"</sheetData>", b'<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData>'
                )
            target.writestr(item, content)
    tracemalloc.start()
    try:
        with pytest.raises(ImportFileError, match="hơn 100000 dòng"):
            parse(read_table(out.getvalue(), "long.xlsx"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1024 * 1024


def test_a_sheet_written_by_openpyxl_in_write_only_mode_is_read_with_its_types():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    for row in (HEADER, [1, "2400000001", "HTX A", "", None, "7210", datetime.datetime(2020, 1, 2)]):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    rows = list(read_table(out.getvalue(), "a.xlsx").rows)
    assert rows[1] == (2, [1, "2400000001", "HTX A", None, None, "7210", datetime.date(2020, 1, 2)])


def timed(function, *args):
    start = time.perf_counter()
    try:
        function(*args)
    except ImportFileError as error:
        outcome = str(error)
    else:
        outcome = None
    return time.perf_counter() - start, outcome


def read_and_parse(data, name="x.xlsx"):
    return parse(read_table(data, name))


def test_a_sheet_of_rows_never_closed_is_refused_at_once():
    # 5 KB uploaded: 16,000 "<row><c>" never closed. The regular expressions read each row on to the
    # end of the sheet looking for its "</row>": 5 s for 8,000, 20 s for these.
    data = xlsx_with_sheet_data(b"<row><c>" * 16_000)
    assert len(data) < 6_000
    seconds, outcome = timed(read_and_parse, data)
    assert outcome and "bị hỏng" in outcome
    assert seconds < 1


def test_cells_and_inline_texts_never_closed_are_refused_at_once():
    data = xlsx_with_sheet_data(b'<row r="2"><c r="A2" t="inlineStr"><is><t>x' * 16_000)
    seconds, outcome = timed(read_and_parse, data)
    assert outcome and "bị hỏng" in outcome
    assert seconds < 1


def test_a_header_of_brackets_never_closed_is_read_at_once():
    # A header cell is searched for its unit in brackets: "(" 50,000 times took minutes.
    header = "Mã số đăng ký,Tên tổ chức,Doanh thu " + "(" * 50_000 + "\r\n2400000001,HTX A,1\r\n"
    seconds, _outcome = timed(read_and_parse, header.encode(), "x.csv")
    assert seconds < 1


def test_a_member_compressed_a_thousandfold_is_refused_from_one_megabyte():
    # 2 MB of one byte deflates to 2 KB: no spreadsheet part does that, and 10 MB of such rows read
    # as XML would still pass the other checks.
    data = with_member(xlsx([HEADER, [1, "2400000001", "HTX A"]]), "xl/media/image1.png", b"\x00" * 2_000_000)
    with pytest.raises(ImportFileError, match="nén bất thường"):
        read_table(data, "bomb.xlsx")


@pytest.mark.parametrize(
    ("written", "sector"),
    [
        ("Công nghiệp - TTCN", "industry_handicraft"),
        ("Tiểu thủ công nghiệp", "industry_handicraft"),
        ("Nông nghiệp tổng hợp", "agriculture"),
        ("Trồng trọt, chăn nuôi", "agriculture"),
        ("Nông nghiệp (trồng trọt)", "agriculture"),
        ("Dịch vụ tổng hợp", "agriculture"),
        ("Thương mại, dịch vụ", "trade_services"),
        ("Nước sạch nông thôn", "agriculture"),
    ],
)
def test_sectors_are_read_as_provinces_write_them(written, sector):
    assert importing.parse_sector(written) == sector


def test_a_sector_cell_naming_two_sectors_is_an_error_not_a_guess():
    with pytest.raises(ValueError, match="nhiều lĩnh vực"):
        importing.parse_sector("Nông nghiệp, dịch vụ")


@pytest.mark.parametrize(
    ("header", "field", "unit", "year"),
    [
        ("Doanh thu năm 2025 (triệu đồng)", "revenue", 10**6, 2025),
        ("Vốn điều lệ năm 2024, tỷ đồng", "charter_capital", 10**9, 2024),
        ("Doanh thu - nghìn đồng", "revenue", 10**3, None),
        ("Xếp loại năm 2025", "level", 1, 2025),
    ],
)
def test_a_header_names_its_field_unit_and_year(header, field, unit, year):
    name = importing.header_field(header)
    assert (name, importing.header_year(header)) == (field, year)
    if name in importing.MONEY_FIELDS:
        assert importing.money_unit(name, importing.normal_header(header))[0] == unit


def test_figures_take_the_year_of_the_title_when_no_column_names_one():
    result = parsed(["BÁO CÁO HTX (số liệu đến 31/12/2022)"], ["Mã số", "Tên", "Số thành viên"], ["2400000001", "A", 9])
    assert result.errors == [] and result.records[0].values["year"] == 2022


def test_columns_naming_different_years_are_refused_rather_than_mixed():
    result = parsed(
        ["Mã số", "Tên", "Doanh thu năm 2024", "Doanh thu năm 2025", "Xếp loại năm 2025"],
        ["2400000001", "A", 1, 2, "Khá"],
    )
    assert {error.column[0] for error in result.errors} == {"E"}
