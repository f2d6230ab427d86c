"""The shipped catalogue of indicators: loaded by `migrate` (a data migration), so a database with
no demo holds every indicator the source plans need and the national ones; `load_demo` adds none."""

import importlib
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from plans.catalogue import INDICATORS, catalogue_load
from plans.models import Indicator
from plans.rules import RULES

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("plans.migrations.0009_indicator_catalogue")
NATIONAL = ["htx_active", "tht_active", "union_active", "htx_active_agriculture", "htx_members", "tht_members"]
NATIONAL += ["union_members", "htx_founded_transport", "htx_rated_good", "htx_good_share", "htx_unrated"]
NATIONAL += ["htx_size_micro", "htx_size_large", "htx_average_members", "htx_average_profit", "ntm13_communes"]


def historical_apps():
    """The models as the catalogue's migration sees them."""
    return MigrationExecutor(connection).loader.project_state(("plans", MIGRATION.__name__.rsplit(".", 1)[1])).apps


def test_every_entry_of_the_catalogue_is_in_a_database_built_by_migrate():
    stored = {i.code: i for i in Indicator.objects.all()}
    for entry in INDICATORS:
        indicator = stored[entry["code"]]
        assert {name: getattr(indicator, name) for name in entry} == entry, entry["code"]
    assert set(NATIONAL) <= set(stored)


def test_codes_are_unique_and_every_derived_entry_passes_its_rule_s_check():
    assert [code for code, n in Counter(e["code"] for e in INDICATORS).items() if n > 1] == []
    for entry in INDICATORS:
        Indicator(**entry).full_clean(validate_unique=False)
        if entry["method"] == "derived":
            RULES[entry["rule"]].check(entry["rule_params"])


def test_the_migration_fills_in_what_is_missing_and_leaves_what_an_admin_corrected():
    Indicator.objects.filter(code="htx_size_large").delete()  # no target reads it
    Indicator.objects.filter(code="tht_active").update(name_vi="Số tổ hợp tác đang hoạt động")
    MIGRATION.load(historical_apps(), None)
    assert Indicator.objects.filter(code="htx_size_large").exists()
    assert Indicator.objects.get(code="tht_active").name_vi == "Số tổ hợp tác đang hoạt động"
    assert catalogue_load(Indicator) == 0


def test_the_demo_adds_no_indicator_and_says_to_migrate_when_the_catalogue_is_missing(settings):
    settings.DEBUG = True  # load_demo refuses to run with DEBUG off
    before = Indicator.objects.count()
    call_command("load_demo", verbosity=0)
    assert Indicator.objects.count() == before
    Indicator.objects.filter(code="classrooms").update(code="classrooms_renamed")
    with pytest.raises(Exception, match="classrooms.*migrate"):
        call_command("load_demo", verbosity=0)
