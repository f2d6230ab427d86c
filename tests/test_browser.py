"""A leader's journey in real Chromium: log in, read the overview, go down to a target and the
organisations behind it, switch to English and back; and no page scrolls sideways on a phone.

The server runs in a thread beside an ordinary (rolled-back) test, not through pytest-django's
`live_server`: that one makes the test transactional, and the flush after it would empty the
demo the worker test (also run last) still needs. The pages only read; the login's session row
is the one write, committed on PostgreSQL (conftest runs this test after the others).
"""

import threading
from pathlib import Path

import pytest
from axes.utils import reset as axes_reset
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"
PHONE_WIDTH = 375
PAGES = ["/", "/plans/{plan}/", "/targets/{target}/", "/provinces/24/", "/provinces/24/?structure=63", "/registry/"]


def log_in(page, base_url):
    page.goto(base_url + "/")
    page.fill("input[name=username]", "lanhdao")
    page.fill("input[name=password]", "coop-leader-2026")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Tiến độ thực hiện kế hoạch")


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


@pytest.fixture
def dashboard_server(db, settings):
    # Not named `live_server`: pytest-django makes any test using a fixture of that name
    # transactional, and the flush after it would empty the demo for the tests after it.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    # The demo's own hasher first: on PostgreSQL the server's logins commit, and with the suite's
    # fast MD5 first a login would rewrite a demo password in a hash that the production-settings
    # processes of tests/test_serving.py no longer accept.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.mark.browser
def test_a_leader_reads_the_dashboard_in_chromium(dashboard_server, browser):
    laptop = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = laptop.new_page()
    log_in(page, dashboard_server.url)

    expect(page.locator(".badge[data-status=achieved]").first).to_have_text("Đã đạt")
    expect(page.locator(".badge[data-status=missed]").first).to_have_text("Không đạt")
    expect(page.locator("#status-chart .main-svg").first).to_be_attached()
    shot(page, "overview")

    page.get_by_role("link", name="tỷ lệ HTX xếp loại khá trở lên đạt trên 50%").click()
    expect(page.locator("#organisations")).to_have_text("Các tổ chức được tính")
    expect(page.locator("#trend-chart .main-svg").first).to_be_attached()
    expect(page.locator("#rating-chart .main-svg").first).to_be_attached()
    assert page.locator("table tbody tr").count() == 20  # one page of the organisations counted
    target_path = page.url.removeprefix(dashboard_server.url)
    shot(page, "target")

    page.click("button[name=language][value=en]")
    expect(page.locator("#organisations")).to_have_text("Organisations counted")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shot(page, "target_en")
    page.click("button[name=language][value=vi]")
    expect(page.locator("#organisations")).to_have_text("Các tổ chức được tính")
    plan_path = page.locator(".breadcrumb a").nth(1).get_attribute("href")
    laptop.close()

    phone = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 800}, locale="vi-VN")
    page = phone.new_page()
    log_in(page, dashboard_server.url)
    wide = {}
    for path in PAGES:
        url = path.format(plan=plan_path.strip("/").split("/")[-1], target=target_path.strip("/").split("/")[-1])
        page.goto(dashboard_server.url + url)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE_WIDTH:
            wide[url] = width
        shot(page, "phone_" + (url.strip("/").replace("/", "_").replace("?", "_").replace("=", "") or "overview"))
    phone.close()
    assert wide == {}


def committed(change):
    """Run `change` on a connection of its own, outside the test's transaction, as the live server
    sees the database (on PostgreSQL; on SQLite the server shares the test's transaction)."""

    def run():
        try:
            change()
        finally:
            connection.close()

    if connection.vendor == "postgresql":
        thread = threading.Thread(target=run)
        thread.start()
        thread.join()


@pytest.fixture
def unlock_afterwards():
    yield
    committed(lambda: axes_reset(username="canbo.phutho"))


@pytest.mark.browser
def test_repeated_wrong_passwords_show_the_lockout_page_in_vietnamese(dashboard_server, browser, unlock_afterwards):
    # canbo.phutho from this address is locked; on PostgreSQL the attempts are committed, and the
    # fixture lifts the lockout afterwards for the tests that log it in.
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(dashboard_server.url + "/login/")
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        page.fill("input[name=username]", "canbo.phutho")
        page.fill("input[name=password]", f"sai-{attempt}")
        page.click("main button[type=submit]")
        if attempt < settings.AXES_FAILURE_LIMIT:
            expect(page.locator(".alert-danger")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    expect(page.locator("h1")).to_have_text("Tạm khóa đăng nhập")
    expect(page.locator("#locked-out")).to_contain_text("Đã nhập sai mật khẩu 5 lần")
    shot(page, "locked_out")

    page.goto(dashboard_server.url + "/login/")
    page.fill("input[name=username]", "canbo.phutho")
    page.fill("input[name=password]", "coop-staff-2026")  # the right password, still refused
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Tạm khóa đăng nhập")
    context.close()  # before the server stops, or its threads outlive their database connection


@pytest.mark.browser
def test_the_pages_break_no_rule_of_the_content_security_policy(dashboard_server, browser):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    log_in(page, dashboard_server.url)
    expect(page.locator("#status-chart .main-svg").first).to_be_attached(timeout=15_000)
    page.get_by_role("link", name="tỷ lệ HTX xếp loại khá trở lên đạt trên 50%").click()
    expect(page.locator("#trend-chart .main-svg").first).to_be_attached(timeout=15_000)
    for path in ["/provinces/24/", "/registry/", "/actions/", "/entries/"]:
        page.goto(dashboard_server.url + path)
        page.wait_for_load_state("networkidle")
    context.close()
    assert violations == []


@pytest.mark.browser
def test_an_admin_creates_an_account_whose_owner_must_change_the_temporary_password(dashboard_server, browser):
    # On PostgreSQL the live server commits the account; the worker test, run last, empties the database.
    admin_context, owner_context = browser.new_context(locale="vi-VN"), browser.new_context(locale="vi-VN")
    admin = admin_context.new_page()
    admin.goto(dashboard_server.url + "/login/")
    admin.fill("input[name=username]", "admin")
    admin.fill("input[name=password]", "coop-admin-2026")
    admin.click("main button[type=submit]")
    admin.get_by_role("link", name="Tài khoản", exact=True).click()
    admin.get_by_role("link", name="Thêm tài khoản").click()
    admin.fill("input[name=username]", "canbo.trinhduyet")
    admin.fill("input[name=last_name]", "Vũ Văn")
    admin.fill("input[name=first_name]", "Khánh")
    admin.select_option("select[name=role]", "staff")
    admin.select_option("select[name=province]", label="Tỉnh Phú Thọ")
    admin.click("main button[type=submit]")
    password = admin.locator("#temporary-password").inner_text()
    shot(admin, "account_created")
    admin.get_by_role("link", name="Về trang tài khoản").click()
    expect(admin.locator("#history")).to_contain_text("Tạo tài khoản · Quản trị hệ thống")

    owner = owner_context.new_page()
    owner.goto(dashboard_server.url + "/registry/")
    owner.fill("input[name=username]", "canbo.trinhduyet")
    owner.fill("input[name=password]", password)
    owner.click("main button[type=submit]")
    expect(owner.locator("#must-change")).to_be_visible()
    owner.fill("input[name=old_password]", password)
    owner.fill("input[name=new_password1]", "khanh-phu-tho-2026")
    owner.fill("input[name=new_password2]", "khanh-phu-tho-2026")
    owner.click("main button[type=submit]")
    expect(owner.locator("h1")).to_have_text("Đã đổi mật khẩu")
    owner.goto(dashboard_server.url + "/registry/")
    expect(owner.locator("h1")).to_have_text("Sổ đăng ký tổ chức kinh tế hợp tác")
    admin_context.close()
    owner_context.close()
