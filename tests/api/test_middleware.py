"""Every API request is a log line with the account and the token; throttled per token."""

import json
import logging

import pytest

from coop_tracker.logs import JsonFormatter
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db


def test_every_api_request_is_logged_with_its_account_and_token(staff, caplog):
    with caplog.at_level(logging.INFO, logger="api"):
        staff.get("/api/v1/plans/", {"page": 1})
        staff.get("/api/v1/nowhere/")
    first, missing = [record for record in caplog.records if record.name == "api"]
    line = json.loads(JsonFormatter().format(first))
    assert (line["method"], line["path"], line["query"], line["status"]) == ("GET", "/api/v1/plans/", "page=1", 200)
    assert line["account"] == "canbo.bacninh" and line["token"].startswith("ct_") and line["duration_ms"] >= 0
    assert (missing.status, missing.account) == (404, None)  # no view authenticated it


def test_requests_beyond_the_rate_are_refused_per_token(settings):
    settings.API_RATE = "3/minute"
    first, second = token_client("canbo.bacninh"), token_client("canbo.bacninh")
    answers = [first.get("/api/v1/indicators/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert second.get("/api/v1/indicators/").status_code == 200
