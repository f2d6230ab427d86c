"""The benchmark's national data set is written by raw SQL (fast), so a new NOT NULL column
would break `make bench` on a fresh machine without any other test noticing: here the same
statements run at a tiny scale against the migrated schema, and the rows they write are valid
rows of the models."""

import pytest
from django.db import connection

from cooperatives.models import Organisation, Rating, YearlyFigures
from plans.management.commands import bench_progress

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the benchmark's SQL is PostgreSQL's"),
]


def test_the_bench_data_statements_write_valid_rows():
    # The statements expect a registry without figures (the bench database starts empty).
    for model in (YearlyFigures, Rating):
        model.objects.all()._raw_delete(model.objects.db)
    with connection.cursor() as cursor:
        cursor.execute(bench_progress.ORGANISATIONS_SQL, {"htx": 30, "tht": 10, "total": 45})
        cursor.execute(
            bench_progress.YEARLY_SQL,
            {"silent_province": bench_progress.SILENT_PROVINCE, "silent_year": bench_progress.SILENT_YEAR},
        )
    made = Organisation.objects.filter(name__startswith="Tổ chức mẫu ")
    assert made.count() == 45
    assert made.filter(kind="htx").count() == 30 and made.filter(kind="tht").count() == 10
    assert YearlyFigures.objects.filter(organisation__in=made).exists()
    assert Rating.objects.filter(organisation__in=made).exists()
    for organisation in made.filter(kind="htx")[:5]:
        organisation.full_clean(validate_unique=False)
