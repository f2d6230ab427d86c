"""The OpenAPI schema: generated without a warning or an error and valid OpenAPI 3 (drf-spectacular's
own validation); its documentation page served from our static files."""

import re

import pytest
from django.core.management import call_command

from tests.factories import logged_in

pytestmark = pytest.mark.django_db


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "openapi: 3" in text
    for path in ("/api/v1/organisations/", "/api/v1/figures/bulk/", "/api/v1/counts/", "/api/v1/targets/{id}/"):
        assert f"  {path}:" in text


def test_the_schema_is_served_to_a_token_and_lists_the_bearer_scheme(staff):
    response = staff.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["components"]["securitySchemes"]["token"]["scheme"] == "bearer"


def test_the_documentation_page_loads_nothing_from_another_host(client):
    page = logged_in(client, "lanhdao").get("/api/docs/")
    assert page.status_code == 200
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    for text in (page.content.decode(), script.content.decode()):
        assert not re.search(r"(src|href)=\"(https?:)?//", text), text[:2000]
        assert "cdn" not in text.lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page.content.decode()
