"""The shipped catalogue of indicators (plans.catalogue), so that a database built by `migrate`
alone can hold plans. Indicators already there (by code) are left as they are."""

from django.db import migrations

from plans.catalogue import catalogue_load


def load(apps, schema_editor):
    catalogue_load(apps.get_model("plans", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0008_indicator_rules_size_and_averages"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
