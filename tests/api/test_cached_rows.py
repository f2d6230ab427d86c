"""The API's targets are cached under a digest of what they show (api.serializers.CachedRowsSerializer):
a changed progress or year is served changed at once, in the request's language."""

import pytest

from plans.models import Progress, ProgressYear
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db


def row_of(client, url, pk, **params):
    for row in client.get(url, {"page_size": 1000, **params}).json()["results"]:
        if row["id"] == pk:
            return row
    raise AssertionError(f"{pk} is not on the first page of {url}")


def test_a_target_is_read_with_its_progress_and_years_as_stored_now(admin):
    progress = Progress.objects.exclude(actual=None).order_by("pk").first()
    target = progress.target
    first = row_of(admin, "/api/v1/targets/", target.pk, plan=target.plan_id)
    progress.actual += 1
    progress.save()
    year = ProgressYear.objects.filter(target=target).order_by("year").first()
    year.actual = (year.actual or 0) + 7
    year.save()
    again = row_of(admin, "/api/v1/targets/", target.pk, plan=target.plan_id)
    assert again["progress"]["actual"] != first["progress"]["actual"]
    assert float(again["years"][0]["actual"]) == float(year.actual)


def test_the_same_row_is_worded_in_each_requests_language(db):
    progress = Progress.objects.exclude(explanation={}).order_by("pk").first()
    target = progress.target
    vietnamese = row_of(token_client("admin"), "/api/v1/targets/", target.pk, plan=target.plan_id)
    english = row_of(token_client("admin", "en"), "/api/v1/targets/", target.pk, plan=target.plan_id)
    assert vietnamese["progress"]["explanation"] != english["progress"]["explanation"]
