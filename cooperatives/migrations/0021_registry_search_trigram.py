"""The registry's search (`name` or `registration_code` containing the words, any case: UPPER(…)
LIKE '%…%', OrganisationQuerySet.search) served by trigram indexes on PostgreSQL, where it read
all 110,000 rows. pg_trgm ships with PostgreSQL; creating it takes the right to create extensions
(the database's owner has it on PostgreSQL 13 and later, pg_trgm being a trusted extension). SQLite
has no such index: nothing is done there."""

from django.db import migrations

COLUMNS = {"org_name_trgm_idx": "name", "org_code_trgm_idx": "registration_code"}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in COLUMNS.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON cooperatives_organisation USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cooperatives", "0020_registry_sort_indexes")]

    operations = [migrations.RunPython(create, drop)]
