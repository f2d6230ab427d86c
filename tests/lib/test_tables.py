"""Every list pages its rows whatever the query string asks, and exports only the formats it offers."""

import importlib

import django_tables2
import pytest
from django.urls import reverse

from coop_tracker.lib.tables import MAX_PER_PAGE, Table
from plans.models import Target
from tests.factories import logged_in

pytestmark = pytest.mark.django_db


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def test_every_table_of_the_project_pages_through_the_capped_base():
    for app in ("accounts", "cooperatives", "plans"):
        importlib.import_module(f"{app}.tables")
    ours = [
        cls
        for cls in subclasses(django_tables2.Table)
        if cls.__module__.split(".")[0] in {"accounts", "cooperatives", "plans"}
    ]
    assert len(ours) >= 6
    assert all(issubclass(cls, Table) for cls in ours), [cls for cls in ours if not issubclass(cls, Table)]


def lists():
    manual = Target.objects.filter(indicator__method="manual").order_by("pk").first()
    derived = Target.objects.filter(indicator__method="derived").order_by("pk").first()
    return [
        reverse("registry_list"),
        reverse("support_action_list"),
        reverse("entered_value_list"),
        reverse("account_list"),
        reverse("target_detail", args=[manual.pk]),
        reverse("target_detail", args=[derived.pk]),
    ]


def test_no_list_shows_more_than_a_page_whatever_per_page_asks(client):
    admin = logged_in(client, "admin")
    for url in lists():
        for asked in ("100000", "-1", "0"):
            table = admin.get(url, {"per_page": asked}).context["table"]
            assert 1 <= table.paginator.per_page <= MAX_PER_PAGE, (url, asked)
            assert len(table.page.object_list) <= MAX_PER_PAGE


@pytest.mark.parametrize("export_format", ["json", "tsv", "latex", "yaml", "ods", "xls", "html"])
def test_the_registry_refuses_an_export_format_it_does_not_offer(client, export_format):
    response = logged_in(client, "admin").get(reverse("registry_list"), {"_export": export_format})
    assert response.status_code == 400
    assert response.get("Content-Disposition") is None


def test_ids_in_parts_are_the_parts_end_to_end_from_any_row():
    """Whatever the page's first row and size, the ids the parts give are those of the parts put end
    to end (an empty part, a page ending where a part does, one past the last row)."""
    from coop_tracker.lib.tables import ids_in_parts
    from cooperatives.models import Organisation

    ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True)[:30])
    bounds = [(0, 7), (7, 7), (7, 8), (8, 25), (25, 30)]
    parts = [Organisation.objects.filter(pk__in=ids[a:b]).order_by("pk") for a, b in bounds]
    concatenated = [pk for a, b in bounds for pk in ids[a:b]]
    assert concatenated == ids
    for skip in range(0, 32):
        for size in (1, 3, 7, 26):
            assert ids_in_parts(iter(parts), skip, size) == ids[skip : skip + size], (skip, size)
