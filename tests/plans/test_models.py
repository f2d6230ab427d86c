"""What the database guarantees about plans and targets."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from plans.models import EnteredValue, Indicator, Target
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_a_range_needs_low_at_most_high():
    refused(lambda: TargetFactory(comparator="between", value=Decimal(8), value_high=Decimal(6)))
    refused(lambda: TargetFactory(comparator="between", value=Decimal(8), value_high=None))
    refused(lambda: TargetFactory(comparator="gte", value=Decimal(8), value_high=Decimal(9)))
    assert TargetFactory(comparator="between", value=Decimal(6), value_high=Decimal(6)).pk


def test_one_target_per_plan_indicator_area_and_period():
    first = TargetFactory()
    refused(lambda: TargetFactory(plan=first.plan, area=first.area))
    assert TargetFactory(plan=first.plan, area=first.area, year_from=2023, year_to=2023).pk


def test_a_one_year_target_spans_one_year_and_years_run_forward():
    refused(lambda: TargetFactory(period="year", year_from=2022, year_to=2023))
    refused(lambda: TargetFactory(period="term", year_from=2025, year_to=2022))


def test_a_baseline_belongs_only_to_growth_and_point_changes():
    refused(lambda: TargetFactory(measure="level", baseline_year=2021))
    assert TargetFactory(measure="growth_pct", baseline_year=2021).pk


def test_a_derived_indicator_names_its_rule_and_a_manual_one_does_not():
    make = Indicator.objects.create
    refused(lambda: make(code="x1", name_vi="x", name_en="x", unit="count", shape="flow", method="derived", rule=""))
    refused(
        lambda: make(code="x2", name_vi="x", name_en="x", unit="count", shape="flow", method="manual", rule="founded")
    )
    refused(lambda: make(code="x3", name_vi="x", name_en="x", unit="count", shape="share", method="manual"))


def test_one_entered_value_per_indicator_area_and_date():
    value = EnteredValue.objects.select_related("indicator", "area").first()
    refused(
        lambda: EnteredValue.objects.create(
            indicator=value.indicator, area=value.area, as_of=value.as_of, value=1, source="x"
        )
    )


def test_target_str_is_its_wording():
    assert str(Target(wording="Thành lập mới 35 HTX")) == "Thành lập mới 35 HTX"
