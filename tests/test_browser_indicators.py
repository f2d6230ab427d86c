"""An admin's journey in real Chromium: define an indicator ("THT active at the end of the year")
with its rule's parameters, preview it for a province, save it, enter a national plan with a
target on it, and see its progress computed; no page breaks the Content-Security-Policy.

As in tests/test_browser_staff.py, on PostgreSQL the live server commits for real and the
recompute runs in its thread at each commit; what the test made is deleted afterwards from a
connection of its own.
"""

import datetime
import os

import pytest
from django.db import connection
from playwright.sync_api import expect

from cooperatives.models import AdminUnit, Organisation
from plans.models import Indicator, Plan
from tests.factories import province
from tests.test_browser import committed, dashboard_server, shot  # noqa: F401 (a fixture)
from tests.test_browser_staff import eager_recompute  # noqa: F401 (a fixture)

NAME_EN = "THT active at the end of the year"
CODE = "tht_active_at_the_end_of_the_year"
TITLE = "Kế hoạch quốc gia thử nghiệm trên trình duyệt"


@pytest.fixture
def forget_what_the_admin_made():
    yield

    def forget():
        Plan.objects.filter(title=TITLE).delete()
        Indicator.objects.filter(code=CODE).delete()

    committed(forget)


def active_tht(area, year) -> int:
    return (
        Organisation.objects.in_place(area)
        .filter(kind=Organisation.Kind.COOPERATIVE_GROUP)
        .active_on(datetime.date(year, 12, 31))
        .count()
    )


def option_hidden(page, select, label) -> bool:
    return page.evaluate(
        "([select, label]) => [...document.querySelector(select).options]"
        ".find(o => o.textContent.trim() === label).hidden",
        [select, label],
    )


@pytest.mark.browser
def test_an_admin_defines_an_indicator_previews_it_and_tracks_a_national_target_on_it(
    dashboard_server,  # noqa: F811
    browser,
    eager_recompute,  # noqa: F811
    forget_what_the_admin_made,
):
    if connection.vendor != "postgresql":
        reason = "needs PostgreSQL (DATABASE_URL): see tests/test_browser_staff.py"
        pytest.fail(reason) if os.environ.get("REQUIRE_SERVICES") == "1" else pytest.skip(reason)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    base = dashboard_server.url
    page.goto(base + "/login/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "coop-admin-2026")
    page.click("main button[type=submit]")

    page.get_by_role("link", name="Chỉ tiêu", exact=True).click()
    page.get_by_role("link", name="Thêm chỉ tiêu").click()
    page.fill("input[name=name_vi]", "Số THT đang hoạt động cuối năm (nhập trên trình duyệt)")
    page.fill("input[name=name_en]", NAME_EN)
    page.select_option("select[name=method]", "derived")
    page.select_option("select[name=rule]", "active")
    expect(page.locator("[data-rules] input[name=param_kinds]").first).to_be_visible()
    expect(page.locator("select[name=param_action]")).to_be_hidden()  # support actions' own parameter
    page.check("input[name=param_kinds][value=tht]")
    page.select_option("select[name=unit]", "count")
    page.fill("input[name=count_noun]", "THT")
    page.fill("textarea[name=description]", "Tổ hợp tác thành lập đến hết năm, chưa ngừng hoạt động.")

    bac_ninh = province("24")
    page.select_option("select[name=preview_area]", str(bac_ninh.pk))
    page.fill("input[name=preview_year]", "2024")
    page.click("button[name=preview]")
    expected = active_tht(bac_ninh, 2024)
    expect(page.locator("[data-preview-value]")).to_have_text(f"{expected:,} THT".replace(",", "."))
    expect(page.locator("[data-preview-rows] li")).to_have_count(min(expected, 10))
    assert not Indicator.objects.filter(code=CODE).exists()  # a preview saves nothing
    shot(page, "indicator_preview")

    page.click("button[name=save]")
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu chỉ tiêu")
    expect(page.locator("table")).to_contain_text("Số THT đang hoạt động cuối năm (nhập trên trình duyệt)")

    page.goto(base + "/plans/new/")
    page.fill("input[name=title]", TITLE)
    page.fill("input[name=issuer]", "Liên minh HTX Việt Nam")
    page.fill("input[name=document_date]", "15/01/2024")
    search = page.locator("select[name=area]").locator("xpath=preceding-sibling::input[@type='search']")
    search.fill("ha noi")
    assert not option_hidden(page, "select[name=area]", "Thành phố Hà Nội")
    assert option_hidden(page, "select[name=area]", "Tỉnh Bắc Ninh")
    search.fill("")
    nation = AdminUnit.objects.get(level=AdminUnit.Level.NATION)
    page.select_option("select[name=area]", str(nation.pk))
    page.fill("input[name=first_year]", "2024")
    page.fill("input[name=last_year]", "2025")
    page.fill("textarea[name=targets-0-wording]", "Đến cuối năm 2024 cả nước có ít nhất 80.000 THT đang hoạt động")
    page.select_option(
        "select[name=targets-0-indicator]", label="Số THT đang hoạt động cuối năm (nhập trên trình duyệt)"
    )
    page.select_option("select[name=targets-0-period]", "year")
    page.fill("input[name=targets-0-year_from]", "2024")
    page.fill("input[name=targets-0-year_to]", "2024")
    page.select_option("select[name=targets-0-comparator]", "gte")
    page.fill("input[name=targets-0-value]", "80.000")
    page.click("main button[type=submit]:not([name])")

    expect(page.locator("h1")).to_contain_text(TITLE)
    national = active_tht(nation, 2024)
    row = page.locator("tr", has_text="80.000 THT đang hoạt động")
    expect(row.locator(".badge[data-status]")).to_have_attribute("data-status", "missed")  # far fewer in the demo
    expect(row).to_contain_text(f"{national:,} THT".replace(",", "."))
    shot(page, "national_plan_on_new_indicator")
    context.close()
    assert violations == []
