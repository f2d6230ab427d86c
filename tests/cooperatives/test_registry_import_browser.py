"""A provincial officer imports a messy Excel file in real Chromium: sees every error by row and
nothing saved; fixes it, imports again and sees the right counts; staff of another province
cannot import into Bắc Ninh.

The server runs in a thread as in tests/test_browser.py. On PostgreSQL its writes are committed
for real, so the fixture removes them afterwards through a connection of its own.
"""

import datetime

import pytest
from django.db import connections
from playwright.sync_api import expect

from cooperatives.models import Organisation
from tests.factories import commune, remove_committed_imports, xlsx_bytes
from tests.test_browser import dashboard_server, shot  # noqa: F401 (a fixture)

CODES = ["2409980001", "2409980002", "2409980003"]  # removed afterwards on PostgreSQL (2409980%)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["TT", "Mã số thuế", "Tên HTX", "Loại hình", "Lĩnh vực hoạt động", "Mã xã", "Ngày thành lập", "Năm"]
HEADER += ["Số thành viên", "Doanh thu (triệu đồng)", "Điểm thẩm định", "Xếp loại"]


@pytest.fixture
def import_server(dashboard_server):  # noqa: F811
    yield dashboard_server
    if connections["default"].vendor == "postgresql":
        remove_committed_imports("2409980%")


def messy_file(rows) -> dict:
    title = [["ỦY BAN NHÂN DÂN TỈNH BẮC NINH"], ["DANH SÁCH HTX NĂM 2024"], []]
    numbering = [[f"({n})" for n in range(1, len(HEADER) + 1)]]
    footer = [[], ["", "Tổng cộng", "", "", "", "", "", "", "", "3.750"], ["", "", "Người lập biểu"]]
    return title + [HEADER] + numbering + rows + footer


def rows_for(place, *, founded="15/03/2021", level="khá", capital_bad=False, codes=CODES):
    return [
        [
            1,
            codes[0],
            "HTX Nông nghiệp Hoà Lạc",
            "HTX",
            "Nông nghiệp",
            place.code,
            founded,
            2024,
            "1.200",
            "1.250,5",
            "72,5",
            level,
        ],
        [],
        [
            2,
            codes[1],
            "HTX Thủy sản Ven Sông",
            "htx",
            "Thuỷ sản",
            place.code,
            datetime.datetime(2019, 6, 1),
            2024,
            85,
            "nhiều" if capital_bad else "2.000",
            "",
            "TB",
        ],
        [3, codes[2], "Tổ hợp tác Rau Sạch", "THT", "TM-DV", place.code, "01/01/2023", 2024, 12, "500", "", "Yếu"],
    ]


def log_in(page, base_url, username):
    page.goto(base_url + "/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "coop-staff-2026")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Tiến độ thực hiện kế hoạch")


def upload(page, name, rows):
    page.set_input_files("input[name=file]", {"name": name, "mimeType": XLSX, "buffer": xlsx_bytes(rows)})
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.locator("h1")).to_contain_text("Cách đọc các cột")  # the mapping step: every column as proposed
    page.get_by_role("button", name="Tiếp tục: xem trước").click()


@pytest.mark.browser
def test_staff_import_a_messy_excel_file_in_chromium(import_server, browser):
    place = commune("24")
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    log_in(page, import_server.url, "canbo.bacninh")
    page.goto(import_server.url + "/registry/")
    page.get_by_role("link", name="Nhập từ Excel").click()
    expect(page.locator("select[name=province]")).to_have_count(0)  # staff import into their own province

    upload(page, "htx-loi.xlsx", messy_file(rows_for(place, founded="31/02/2021", level="Tốt", capital_bad=True)))
    expect(page.locator("#import-result")).to_contain_text("Có 3 lỗi: chưa lưu gì")
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(3)
    expect(errors.nth(0)).to_contain_text("G (Ngày thành lập)")
    expect(errors.nth(0)).to_contain_text("“31/02/2021” không phải là ngày dd/mm/yyyy")
    expect(errors.nth(1)).to_contain_text("không khớp với điểm 72,5")
    expect(page.locator("#import-errors tbody td:first-child")).to_have_text(["6", "6", "8"])  # Excel's row numbers
    expect(errors.nth(2)).to_contain_text("“nhiều” không phải là số")
    expect(page.get_by_role("button", name="Xác nhận nhập")).to_have_count(0)
    shot(page, "import_errors")
    assert not Organisation.objects.filter(registration_code__in=CODES).exists()

    page.get_by_role("link", name="Tải lên tệp khác").click()
    upload(page, "htx-da-sua.xlsx", messy_file(rows_for(place)))
    counts = page.locator("#import-counts tr[data-kind=organisations] td")
    expect(counts).to_have_text(["3", "0", "0"])
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.locator("#import-result")).to_have_text(
        "Đã nhập xong. Các chỉ tiêu liên quan sẽ được tính lại trong giây lát."
    )
    expect(counts).to_have_text(["3", "0", "0"])
    expect(page.locator("#import-counts tr[data-kind=ratings] td")).to_have_text(["3", "0", "0"])
    shot(page, "import_committed")
    first = Organisation.objects.get(registration_code=CODES[0])
    assert first.yearly_figures.get(year=2024).revenue == 1_250_500_000
    page.context.close()

    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    log_in(page, import_server.url, "canbo.phutho")
    page.goto(import_server.url + "/registry/import/")
    upload(page, "htx-tinh-khac.xlsx", messy_file(rows_for(place, codes=["2509980001", "2509980002", "2509980003"])))
    expect(page.locator("#import-errors tbody tr")).to_have_count(3)
    expect(page.locator("#import-errors tbody tr").first).to_contain_text("không thuộc Tỉnh Phú Thọ")
    expect(page.get_by_role("button", name="Xác nhận nhập")).to_have_count(0)
    page.context.close()
