"""A provincial staff member's journey in real Chromium: add an HTX with its yearly figures and
rating, and see the effective-share target of the province it belongs to move; staff of another
province get a 404 on it.

The live server runs in its own thread (see test_browser.py). On PostgreSQL it has its own
connection: what it saves is committed for real, the recompute runs after each commit, and the
test deletes its organisation afterwards from a thread of its own (a connection outside the
test's transaction), which also recomputes the figures back. On SQLite the server shares the
test's transaction, which never commits, so nothing would be recomputed: the test needs
PostgreSQL (and fails without it in CI, REQUIRE_SERVICES=1).
"""

import os

import pytest
from django.db import connection
from playwright.sync_api import expect

from coop_tracker.celery import app as celery_app
from cooperatives.models import AdminUnit, Organisation
from plans.models import RecomputeSchedule, Target
from tests.factories import province
from tests.test_browser import committed, dashboard_server, shot  # noqa: F401 (a fixture)

NAME = "HTX Thử nghiệm Trình duyệt Yên Dũng"


def log_in(page, base_url, username, password):
    page.goto(base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Tiến độ thực hiện kế hoạch")


def inputs_of(page):
    """The numerator and denominator the target page shows."""
    cells = page.locator("dl dt:has-text('Tử số') + dd, dl dt:has-text('Mẫu số') + dd")
    return [int(cells.nth(i).inner_text().split()[0].replace(".", "")) for i in range(2)]


@pytest.fixture
def eager_recompute():
    # The recompute runs in the server's thread at each commit, as `make run` does, whatever
    # broker the suite has (no worker listens to it during this test). A claim left by the
    # set-up's own edits would hold the first recompute back for a minute: it is released.
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    committed(lambda: RecomputeSchedule.objects.update(queued_at=None))
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def forget_the_new_htx():
    yield
    committed(lambda: Organisation.objects.filter(name=NAME).delete())


@pytest.mark.browser
def test_staff_add_an_htx_and_see_the_effective_share_move(
    dashboard_server,  # noqa: F811
    browser,
    eager_recompute,
    forget_the_new_htx,
):
    if connection.vendor != "postgresql":
        reason = "needs PostgreSQL (DATABASE_URL): see the module's docstring"
        pytest.fail(reason) if os.environ.get("REQUIRE_SERVICES") == "1" else pytest.skip(reason)
    old_bac_giang = province("24", "63")
    target = Target.objects.get(area=old_bac_giang, wording__contains="tỷ lệ HTX xếp loại khá trở lên đạt trên 50%")
    commune = AdminUnit.objects.communes().of_structure("34").inside(old_bac_giang).order_by("code").first()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    base = dashboard_server.url
    log_in(page, base, "canbo.bacninh", "coop-staff-2026")

    page.goto(base + target.get_absolute_url())
    numerator, denominator = inputs_of(page)

    page.goto(base + "/registry/new/")
    page.select_option("select[name=kind]", "htx")
    page.fill("input[name=name]", NAME)
    page.select_option("select[name=sector]", "agriculture")
    page.select_option("select[name=commune]", str(commune.pk))
    page.fill("input[name=founded_on]", "2024-03-01")
    page.select_option("select[name=status]", "active")
    page.click("main button[type=submit]:not([name])")
    expect(page.locator("h1")).to_have_text(NAME)
    organisation_url = page.url

    page.click("a[href$='/figures/new/']")
    page.fill("input[name=year]", "2025")
    page.fill("input[name=members]", "12")
    page.fill("input[name=revenue]", "1.250.000.000")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text(NAME)

    page.click("a[href$='/ratings/new/']")
    page.fill("input[name=year]", "2025")
    page.fill("input[name=verified_score]", "88")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text(NAME)
    expect(page.locator("table").last).to_contain_text("Tốt")  # 88 points: Tốt, by the legal bands
    shot(page, "staff_new_htx")

    page.goto(base + target.get_absolute_url())
    assert inputs_of(page) == [numerator + 1, denominator + 1]
    shot(page, "staff_target_moved")
    context.close()

    other = browser.new_context(locale="vi-VN").new_page()
    log_in(other, base, "canbo.phutho", "coop-staff-2026")
    response = other.goto(organisation_url)
    assert response.status == 404
    response = other.goto(organisation_url + "edit/")
    assert response.status == 404
    other.context.close()
