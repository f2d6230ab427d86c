# The database's own refusal of a write into a locked reporting round (cooperatives 0014) on
# hand-entered values: PostgreSQL only.

from django.db import migrations

TABLE = "plans_enteredvalue"


def add_guard(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE TRIGGER coop_guard_round BEFORE INSERT OR UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION coop_guard_round('area', 'as_of')"
    )


def drop_guard(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS coop_guard_round ON {TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0012_progress_projection"),
        ("cooperatives", "0016_reporting_round"),
    ]

    operations = [migrations.RunPython(add_guard, drop_guard)]
