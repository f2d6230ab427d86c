"""In real Chromium, Phú Thọ's officer imports the province's own list (title rows, a numbering
row, communes in an address column, the year in the headers, a column the importer does not
know, a planted mistake): reads one column otherwise on the mapping step, previews, downloads
the error report, imports the valid rows, and finds them in the registry.

The server runs in a thread as in tests/test_browser.py; on PostgreSQL its writes are committed
for real and removed afterwards (tests.factories.remove_committed_imports).
"""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connections
from openpyxl import load_workbook
from playwright.sync_api import expect

from cooperatives.models import ImportMapping, Organisation, YearlyFigures
from tests.cooperatives.test_registry_import_browser import XLSX, log_in
from tests.cooperatives.test_registry_import_mapping import CAPITAL, MISTAKES, VALID, provincial_list
from tests.factories import province, remove_committed_imports
from tests.test_browser import dashboard_server, shot  # noqa: F401 (a fixture)


@pytest.fixture
def import_server(dashboard_server):  # noqa: F811
    yield dashboard_server
    if connections["default"].vendor == "postgresql":
        remove_committed_imports("250991%")


@pytest.mark.browser
def test_staff_read_a_column_otherwise_preview_download_the_report_and_import_the_valid_rows(import_server, browser):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    log_in(page, import_server.url, "canbo.phutho")
    page.goto(import_server.url + "/registry/import/")
    data = provincial_list(VALID + MISTAKES[:1])  # row 10: a sector that is none
    page.set_input_files("input[name=file]", {"name": "ds-htx-2025.xlsx", "mimeType": XLSX, "buffer": data})
    page.get_by_role("button", name="Tải lên và kiểm tra").click()

    expect(page.locator("h1")).to_contain_text("Cách đọc các cột")
    address = page.locator("#cot-F")
    expect(address).to_contain_text("Xã Thanh Thủy, tỉnh Phú Thọ")
    expect(address.locator("select")).to_have_value("address")
    expect(page.locator("#mapping-year")).to_contain_text("Năm của số liệu: 2025, theo tiêu đề các cột.")
    capital = page.locator(f"#cot-{CAPITAL} select")
    expect(capital).to_have_value("-")  # "Vốn góp (triệu đồng)": not a header it knows
    capital.select_option(label="Vốn điều lệ")
    shot(page, "import_mapping")
    page.get_by_role("button", name="Tiếp tục: xem trước").click()

    expect(page.locator("#import-result")).to_contain_text("Có 1 lỗi: chưa lưu gì")
    expect(page.locator("#import-errors tbody tr")).to_have_count(1)
    expect(page.locator("#import-errors tbody tr").first).to_contain_text("Hàng không")
    expect(page.locator("#import-valid-counts tr[data-kind=organisations] td")).to_have_text(["4", "0", "0"])
    assert not Organisation.objects.filter(registration_code__startswith="250991").exists()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải báo cáo lỗi (.xlsx)").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).worksheets[0]
    assert sheet["L4"].value == "Lỗi cần sửa" and "Hàng không" in sheet["L10"].value
    assert [sheet[f"L{row}"].value for row in range(6, 10)] == [None] * 4
    shot(page, "import_valid_rows")

    page.get_by_role("button", name="Nhập 4 dòng hợp lệ").click()
    expect(page.locator("#import-result")).to_contain_text("Đã nhập các dòng hợp lệ. 1 dòng có lỗi không được nhập")
    expect(page.locator("#import-counts tr[data-kind=organisations] td")).to_have_text(["4", "0", "0"])
    landed = Organisation.objects.filter(registration_code__startswith="250991").values_list("registration_code")
    assert {code for (code,) in landed} == {str(row[1]) for row in VALID}
    figures = YearlyFigures.objects.get(organisation__registration_code="2509910002")
    assert (figures.year, figures.charter_capital, figures.revenue) == (2025, Decimal(1_200_000_000), 800_000_000)
    assert ImportMapping.objects.get(province=province("25")).mapping == {"von gop trieu dong": "charter_capital"}
    assert violations == []
    page.context.close()
