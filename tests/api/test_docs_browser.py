"""The API's documentation page in real Chromium: Swagger UI draws every endpoint from the schema,
loads nothing from another host and breaks no rule of the Content-Security-Policy."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.test_browser import dashboard_server, log_in  # noqa: F401 (the fixture)


@pytest.mark.browser
def test_the_documentation_page_draws_the_schema_from_our_own_files(dashboard_server, browser):  # noqa: F811
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    violations, hosts = [], set()
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    log_in(page, dashboard_server.url)

    page.goto(dashboard_server.url + "/api/docs/")

    expect(page.locator(".opblock-summary-path", has_text="/api/v1/figures/bulk/")).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/organisations/").first).to_be_visible()
    context.close()
    assert violations == []
    assert hosts == {urlsplit(dashboard_server.url).netloc}
