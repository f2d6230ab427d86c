"""The yearly report's journey in real Chromium: staff submit Bắc Ninh's 2025 report; a national
admin returns it with a note; staff fix a figure and submit again; the admin sees what changed
and accepts; the figure of a target of the province then shows as final.

As in test_browser_staff.py, the live server commits for real on PostgreSQL: the test removes
its round and puts the figure back afterwards (committed, outside the test's transaction).
"""

import os

import pytest
from django.db import connection
from playwright.sync_api import expect

from cooperatives.models import ReportingRound, YearlyFigures
from plans.models import Target
from tests.factories import province
from tests.test_browser import committed, dashboard_server, shot  # noqa: F401 (a fixture)
from tests.test_browser_staff import eager_recompute, log_in  # noqa: F401 (a fixture)

YEAR = 2025


@pytest.fixture
def figures():
    """A 2025 row of an HTX of Bắc Ninh, put back as it was after the test."""
    row = YearlyFigures.objects.filter(year=YEAR, organisation__province=province("24"), members__gt=0).first()
    assert row is not None
    members = row.members
    yield row

    def restore():
        ReportingRound.objects.filter(province__code="24", province__structure="34", year=YEAR).delete()
        put_back = YearlyFigures.objects.get(pk=row.pk)
        put_back.members = members
        put_back.save()  # through the ORM: its history row too, which the next run's changes read

    committed(restore)


def act(page, action, note=""):
    if note:
        page.fill("#id_note", note)
    page.click(f"button[name=action][value={action}]")


@pytest.mark.browser
def test_staff_submit_the_admin_returns_staff_fix_and_resubmit_the_admin_accepts_and_the_figure_is_final(
    dashboard_server,  # noqa: F811
    browser,
    eager_recompute,  # noqa: F811
    figures,
):
    if connection.vendor != "postgresql":
        reason = "needs PostgreSQL (DATABASE_URL): see test_browser_staff.py"
        pytest.fail(reason) if os.environ.get("REQUIRE_SERVICES") == "1" else pytest.skip(reason)
    target = Target.objects.filter(area=province("24", "63"), progress__year=YEAR).select_related("plan").first()
    assert target is not None
    base = dashboard_server.url
    round_url = f"{base}/reporting/24/{YEAR}/"
    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    admin = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    log_in(staff, base, "canbo.bacninh", "coop-staff-2026")
    log_in(admin, base, "admin", "coop-admin-2026")

    staff.goto(f"{base}/reporting/?year={YEAR}")
    staff.click(f"a[href='/reporting/24/{YEAR}/']")
    act(staff, "submit", "Báo cáo năm 2025 của Bắc Ninh.")
    expect(staff.locator("#round-state")).to_have_text("Đã gửi, chờ duyệt")

    admin.goto(round_url)
    act(admin, "return", "Số thành viên của một HTX chưa đúng.")
    expect(admin.locator("#round-state")).to_have_text("Bị trả lại")

    staff.goto(round_url)
    expect(staff.locator("#events")).to_contain_text("Số thành viên của một HTX chưa đúng.")
    staff.goto(f"{base}/registry/{figures.organisation_id}/figures/{figures.pk}/")
    staff.fill("input[name=members]", str(figures.members + 7))
    staff.click("main button[type=submit]")
    staff.goto(round_url)
    act(staff, "submit", "Đã sửa số thành viên.")
    expect(staff.locator("#round-state")).to_have_text("Đã gửi, chờ duyệt")

    admin.goto(round_url)
    expect(admin.locator("#changes")).to_contain_text("Thay đổi từ lần trả lại")
    expect(admin.locator("main")).to_contain_text(f"{figures.members} → {figures.members + 7}")
    shot(admin, "reporting_changes")
    act(admin, "accept")
    expect(admin.locator("#round-state")).to_have_text("Đã duyệt")

    admin.goto(base + target.plan.get_absolute_url())
    row = admin.locator("tr", has=admin.locator(f"a[href='{target.get_absolute_url()}']"))
    expect(row.locator("[data-final='1']")).to_have_text("chính thức")
    shot(admin, "reporting_final")
    staff.context.close()
    admin.context.close()
