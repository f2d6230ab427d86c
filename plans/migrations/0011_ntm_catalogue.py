"""The new-rural indicators of the shipped catalogue (plans.catalogue.NTM), read from the
registry's recognition decisions; the catalogue's other entries are there already."""

from django.db import migrations

from plans.catalogue import NTM, catalogue_load


def load(apps, schema_editor):
    catalogue_load(apps.get_model("plans", "Indicator"), NTM)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0010_ntm_rules_and_sources"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
