"""The spreadsheet reader: .xlsx, .xls and .ods read alike (an .ods in a process of its own, stopped
at its time limit), and what a crafted file claims refused before it is allocated."""

import datetime
import time

import pytest

from cooperatives.importing import ImportFileError, parse, read_table, reading
from tests.factories import ods_bytes, xls_bytes, xlsx_bytes, xlsx_with_sheet_data

ROWS = [
    ["DANH SÁCH HỢP TÁC XÃ NĂM 2024"],
    [],
    ["STT", "Mã số thuế", "Tên HTX", "Loại hình", "Ngày thành lập", "Số thành viên", "Năm số liệu"],
    [1, 2400123456, "HTX Hoà Bình", "HTX", datetime.date(2019, 12, 31), 30, 2024],
    [2, 101234567, "THT Đồng Tâm", "THT", "05/03/2021", 7, 2024],
]


@pytest.mark.parametrize("write", [xlsx_bytes, xls_bytes, ods_bytes], ids=["xlsx", "xls", "ods"])
def test_xlsx_xls_and_ods_of_the_same_list_read_the_same(write):
    result = parse(read_table(write(ROWS), "danh-sach"))
    assert result.errors == []
    first, second = result.records
    assert first.row == 4
    assert first.values["registration_code"] == "2400123456"
    assert first.values["founded_on"] == datetime.date(2019, 12, 31)
    assert first.values["members"] == 30
    assert second.values["registration_code"] == "0101234567"  # the tax code typed as a number
    assert second.values["founded_on"] == datetime.date(2021, 3, 5)


def test_a_sheet_that_starts_below_and_right_of_a1_keeps_its_row_and_column_numbers():
    rows = list(read_table(xlsx_bytes([[None, None], [None, None, "x", 1]]), "a.xlsx").rows)
    assert rows[1] == (2, [None, None, "x", 1])


def test_a_cell_at_the_far_corner_of_an_xlsx_is_refused_before_the_sheet_is_allocated():
    # One cell at XFD1048576 would make calamine allocate 17 billion cells.
    data = xlsx_with_sheet_data(b'<row r="90000"><c r="XFD90000"><v>1</v></c></row>')
    with pytest.raises(ImportFileError, match="quá nhiều ô"):
        read_table(data, "corner.xlsx")


def test_an_ods_cell_repeated_a_million_times_is_refused_and_empty_repeats_are_not():
    header = [["Mã số đăng ký", "Tên tổ chức", "Loại hình"], ["2400000001", "HTX A", "HTX"]]
    # LibreOffice ends every sheet with a million empty rows of a thousand empty cells.
    empty = (
        '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="1000"/></table:table-row>'
    )
    assert len(parse(read_table(ods_bytes(header, empty), "a.ods")).records) == 1
    full = (
        '<table:table-row table:number-rows-repeated="5000"><table:table-cell office:value-type="string"'
        ' table:number-columns-repeated="5000"><text:p>x</text:p></table:table-cell></table:table-row>'
    )
    with pytest.raises(ImportFileError, match="quá nhiều ô"):
        read_table(ods_bytes(header, full), "bomb.ods")


def test_an_ods_claiming_more_than_the_row_limit_is_refused():
    full = (
        '<table:table-row table:number-rows-repeated="200000"><table:table-cell office:value-type="string">'
        "<text:p>x</text:p></table:table-cell></table:table-row>"
    )
    with pytest.raises(ImportFileError, match="hơn 100000 dòng"):
        read_table(ods_bytes([["Mã số đăng ký"]], full), "long.ods")


def test_an_ods_is_read_in_a_process_of_its_own_stopped_at_its_time_limit(tmp_path, monkeypatch):
    """calamine read some crafted .ods for minutes (found by the timed property test): whatever it
    does, the reading process is stopped after reading.ods_seconds and the file refused, saying so."""
    slow = tmp_path / "ods_child.py"
    slow.write_text("import time\ntime.sleep(60)\n")
    monkeypatch.setattr(reading, "__file__", str(slow))  # the child script is found beside reading.py
    monkeypatch.setattr(reading, "ODS_SECONDS_TO_OPEN", 1.0)
    data = ods_bytes(ROWS)
    started = time.monotonic()
    with pytest.raises(ImportFileError, match="đọc quá 1 giây.*lưu thành .xlsx"):
        read_table(data, "danh-sach.ods")
    assert time.monotonic() - started < 3  # its second, and the time to stop the process


def test_an_ods_whose_reader_fails_gets_the_broken_file_message():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "không phải XML")
    with pytest.raises(ImportFileError, match="bị hỏng"):
        parse(read_table(out.getvalue(), "hong.ods"))


def test_a_broken_xls_gets_the_broken_file_message():
    with pytest.raises(ImportFileError, match="bị hỏng"):
        parse(read_table(xls_bytes(ROWS)[:3000], "cut.xls"))


def test_a_cell_naming_a_row_beyond_its_own_is_measured_by_the_cell():
    data = xlsx_with_sheet_data(b'<row r="2"><c r="A1048576"><v>1</v></c></row>')
    with pytest.raises(ImportFileError, match="hơn 100000 dòng"):
        read_table(data, "far.xlsx")


def test_a_sheet_without_references_is_measured_tag_by_tag():
    # 60,000 cells in a row, then 100 rows: 6 million cells, none with a reference.
    data = xlsx_with_sheet_data(
        b"<row>" + b"<c><v>1</v></c>" * 60_000 + b"</row>" + b"<row><c><v>1</v></c></row>" * 100
    )
    with pytest.raises(ImportFileError, match="quá nhiều ô"):
        read_table(data, "wide.xlsx")
