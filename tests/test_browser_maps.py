"""The map and the projection in real Chromium with every request off the machine refused: the
provinces drawn (SVG paths) from our own outlines and base-map file, a click opening a province's
page, and a running target's projection; screenshots at 1280 and 375 px (artifacts/)."""

import datetime
import re
from decimal import Decimal as D
from urllib.parse import urlsplit

import pytest
from django.db import connection
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from tests.test_browser import ARTIFACTS, committed, shot

LOCAL = "127.0.0.1"
WORDING = "Tỷ lệ xã đạt chuẩn trên 60% đến năm 2028 (minh họa trình duyệt)"


@pytest.fixture
def local_server(db, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    server = LiveServer(LOCAL)
    yield server
    server.stop()


@pytest.fixture
def running_target(local_server):
    """A target running until 2028 with three years of figures, committed where the live server
    reads (and removed afterwards): the demo's plans all ended in 2025."""
    from cooperatives.models import AdminUnit
    from plans.models import EnteredValue, Indicator, Plan, Target
    from plans.services import progress_recompute

    made = {}

    def make():
        area = AdminUnit.objects.get(level="province", structure="34", code="24")
        share = Indicator.objects.get(code="ntm_commune_share")
        plan = Plan.objects.create(
            issuer="UBND tỉnh (minh họa)", area=area, title="Kế hoạch minh họa dự báo", first_year=2024, last_year=2028
        )
        target = Target.objects.create(
            plan=plan,
            indicator=share,
            area=area,
            period=Target.Period.TERM,
            year_from=2024,
            year_to=2028,
            comparator=Target.Comparator.ABOVE,
            value=D(60),
            wording=WORDING,
        )
        for year, value in ((2023, 44), (2024, 47), (2025, 48)):
            EnteredValue.objects.create(
                indicator=share, area=area, as_of=datetime.date(year, 12, 31), value=value, source="Minh họa"
            )
        progress_recompute(targets=Target.objects.filter(pk=target.pk), today=datetime.date(2026, 6, 1))
        made["plan"], made["target"] = plan.pk, target.pk

    def remove():
        EnteredValue.objects.filter(source="Minh họa").delete()
        Plan.objects.filter(pk=made.get("plan")).delete()

    if connection.vendor != "postgresql":
        pytest.fail("The browser tests run on PostgreSQL (set DATABASE_URL).")
    committed(make)
    yield made["target"]
    committed(remove)


def offline_context(browser, width):
    """A browser whose every request to anywhere but this machine is aborted and recorded."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    refused = []

    def only_local(route):
        if urlsplit(route.request.url).hostname == LOCAL:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    return context, refused


def log_in(page, base_url):
    page.goto(base_url + "/")
    page.fill("input[name=username]", "lanhdao")
    page.fill("input[name=password]", "coop-leader-2026")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Tiến độ thực hiện kế hoạch")


def province_point(page):
    """A point inside the largest province drawn (the shapes are irregular: ask the page)."""
    return page.evaluate(
        """() => {
          const paths = [...document.querySelectorAll('.province-map path.choroplethlocation')];
          const area = (box) => box.width * box.height;
          const boxes = paths.map((p) => [p, p.getBoundingClientRect()]).sort((a, b) => area(b[1]) - area(a[1]));
          for (const [path, box] of boxes.slice(0, 5)) {
            for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
              const x = box.left + box.width * i / 20, y = box.top + box.height * j / 20;
              // The paths take no pointer events (Plotly's geo layer does): test the shape itself.
              const local = new DOMPoint(x, y).matrixTransform(path.getScreenCTM().inverse());
              if (path.isPointInFill(local)) return [x, y];
            }
          }
          return null;
        }"""
    )


@pytest.mark.browser
def test_the_map_draws_offline_and_a_province_opens_its_page(running_target, local_server, browser):
    for width in (1280, 375):
        context, refused = offline_context(browser, width)
        page = context.new_page()
        log_in(page, local_server.url)
        map_ = page.locator(".province-map").first
        expect(map_).to_have_attribute("data-drawn", "true", timeout=20_000)
        # 34 provinces of 2025 (last year), each an SVG path, some coloured by a figure.
        assert page.locator(".province-map path.choroplethlocation").count() >= 34
        shot(page, f"map_overview_{width}")
        if width == 1280:
            # Printed on A4: no navigation, the page-wide charts redrawn at the printable width.
            status_chart = page.locator("#status-chart .main-svg").first
            assert status_chart.bounding_box()["width"] > 680
            page.emulate_media(media="print")
            expect(page.locator("nav.navbar")).to_be_hidden()
            page.wait_for_function(
                "() => [...document.querySelectorAll('.js-plotly-plot .main-svg')]"
                ".every((svg) => svg.getBoundingClientRect().width <= 680)"
            )
            page.pdf(path=str(ARTIFACTS / "overview_a4.pdf"), format="A4")
            page.emulate_media(media="screen")

        page.goto(f"{local_server.url}/targets/{running_target}/")
        expect(page.locator("[data-projection-headline]")).to_contain_text("Dự báo năm 2028")
        expect(page.locator("[data-projection-needed]")).to_contain_text("năm còn lại")
        expect(page.locator("#trend-chart .main-svg").first).to_be_attached()
        shot(page, f"projection_target_{width}")
        assert refused == [], f"requests that tried to leave the machine: {refused}"
        context.close()

    context, refused = offline_context(browser, 1280)
    page = context.new_page()
    log_in(page, local_server.url)
    page.goto(local_server.url + "/indicators/htx_effective_share/map/?year=2024")
    expect(page.locator(".province-map").first).to_have_attribute("data-drawn", "true", timeout=20_000)
    assert page.locator(".province-map path.choroplethlocation").count() >= 63  # before 2025: the 63
    point = province_point(page)
    assert point is not None, "no point inside a province"
    page.mouse.move(*point)
    page.wait_for_timeout(200)
    page.mouse.click(*point)
    page.wait_for_url(re.compile(r"/provinces/\d+/\?structure=63$"))
    expect(page.locator("h1")).to_be_visible()
    assert refused == [], f"requests that tried to leave the machine: {refused}"
    context.close()


@pytest.mark.browser
def test_a_bar_of_what_moved_a_share_opens_its_htx(local_server, browser):
    from plans.models import Target

    share = Target.objects.get(wording__contains="tỷ lệ HTX xếp loại khá trở lên đạt trên 50%")
    context, refused = offline_context(browser, 1280)
    page = context.new_page()
    log_in(page, local_server.url)
    page.goto(f"{local_server.url}/targets/{share.pk}/moved/?year=2024")
    bars = page.locator("#moves-chart .waterfalllayer .point path")
    expect(bars.first).to_be_attached()
    count = bars.count()
    assert count == page.locator("[data-moves-bars] tbody tr").count() + 2  # the two years' totals
    shot(page, "share_moves")
    # The tallest group's bar (between the two years' totals).
    box = max((bars.nth(i).bounding_box() for i in range(1, count - 1)), key=lambda b: b["height"])
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(r"/moved/\?year=2024&group=\w+#organisations$"))
    expect(page.locator("#organisations")).to_be_visible()
    assert page.locator("table tbody tr").count() >= 1
    assert refused == []
    context.close()
