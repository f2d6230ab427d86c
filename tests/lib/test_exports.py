"""Every export writes text that a spreadsheet shows and never runs (coop_tracker.lib.exports)."""

import io

import openpyxl
import pytest

from coop_tracker.lib.exports import spreadsheet_value, workbook_bytes


@pytest.mark.parametrize("text", ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe_in_a_csv(text):
    assert spreadsheet_value(text, csv=True) == "'" + text


def test_other_values_are_left_as_they_are():
    assert spreadsheet_value("HTX Hoà Bình", csv=True) == "HTX Hoà Bình"
    assert spreadsheet_value(-5, csv=True) == -5
    assert spreadsheet_value("a\x0bb") == "ab"  # Word's line break, which Excel refuses


def test_an_excel_export_keeps_a_formula_as_the_text_typed():
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes("Danh sách", [["Tên"], ["=HYPERLINK(1)"]])))
    cell = book.active["A2"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")
