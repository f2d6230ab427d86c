"""A write and a reporting round's transition of the same year no longer race (PostgreSQL).

Each write into a year's rows (yearly figures, ratings, support actions, entered values) takes a
shared advisory lock on that year, held until its transaction ends, before the trigger reads the
rounds; a transition (cooperatives.services.round_transition) takes the exclusive one. So a submit
waits for the writes already under way to commit (the counts it records include them), and a
write that comes after reads the submitted state and is refused: no row lands in a round after it
was locked. Before, the trigger looked for a locked round once, with the statement's snapshot,
and a commit planned while the round was open could land after the submit.
"""

from django.db import migrations

# The advisory lock's first key: this project's rounds (the second is the year).
ROUND_LOCK_CLASS = 7301

GUARD_SQL = f"""
CREATE OR REPLACE FUNCTION coop_round_refuse(r jsonb, how text, col text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE y integer; unit bigint; found bigint;
BEGIN
  IF how = 'organisation' THEN
    y := (r->>col)::integer;
  ELSE
    y := EXTRACT(YEAR FROM (r->>col)::date)::integer;
  END IF;
  IF y IS NULL THEN RETURN; END IF;
  -- Held until this transaction ends; a transition of the year waits for it, then this reads its state.
  PERFORM pg_advisory_xact_lock_shared({ROUND_LOCK_CLASS}, y);
  -- Most writes happen while no round of their year is locked: one look at a small table.
  IF NOT EXISTS (SELECT 1 FROM cooperatives_reportinground
                 WHERE year = y AND state IN ('submitted', 'accepted')) THEN RETURN; END IF;
  IF how = 'organisation' THEN
    SELECT commune_id INTO unit FROM cooperatives_organisation WHERE id = (r->>'organisation_id')::bigint;
  ELSE
    unit := (r->>'area_id')::bigint;
  END IF;
  IF unit IS NULL THEN RETURN; END IF;
  SELECT rr.id INTO found FROM cooperatives_reportinground rr
    JOIN cooperatives_unitlineage l ON l.ancestor_id = rr.province_id
    WHERE rr.year = y AND rr.state IN ('submitted', 'accepted') AND l.descendant_id = unit LIMIT 1;
  IF found IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'reporting_round_locked:' || found;
  END IF;
END $$;

CREATE OR REPLACE FUNCTION coop_guard_round() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM coop_round_refuse(to_jsonb(OLD), TG_ARGV[0], TG_ARGV[1]); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM coop_round_refuse(to_jsonb(NEW), TG_ARGV[0], TG_ARGV[1]); END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;
"""


def serialise(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("cooperatives", "0023_registryimport_kind"),
        ("plans", "0013_enteredvalue_round_guard"),
    ]

    # Backwards: the functions stay as they are (0016's are replaced by the same names; removing
    # 0016 drops them).
    operations = [migrations.RunPython(serialise, migrations.RunPython.noop)]
