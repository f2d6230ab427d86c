"""Numbers typed as people write them here (coop_tracker.lib.forms.LocalDecimalField)."""

from decimal import Decimal

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from coop_tracker.lib.forms import LocalDecimalField


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("1.250.000.000", Decimal("1250000000")),
        ("1 250 000", Decimal("1250000")),
        ("12,5", Decimal("12.5")),
        ("1.234,56", Decimal("1234.56")),
        ("12.5", Decimal("12.5")),
        ("-3.000", Decimal("-3000")),
        ("250", Decimal("250")),
    ],
)
def test_dots_group_thousands_and_a_comma_marks_decimals(typed, read):
    assert LocalDecimalField(max_digits=20, decimal_places=4).clean(typed) == read


def test_words_are_refused_in_vietnamese():
    with pytest.raises(forms.ValidationError) as error:
        LocalDecimalField().clean("một trăm")
    assert error.value.messages == ["Nhập một số."]


@given(st.integers(min_value=0, max_value=10**15))
def test_any_whole_number_written_the_vietnamese_way_reads_back(number):
    written = f"{number:,}".replace(",", ".")
    assert LocalDecimalField(max_digits=20, decimal_places=0).clean(written) == number


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (Decimal("60.0000"), "60"),
        (Decimal("65000000.0000"), "65.000.000"),
        (Decimal("12.5000"), "12,5"),
        (Decimal("1234.5600"), "1.234,56"),
        (Decimal("-3000"), "-3.000"),
        (Decimal("0.0000"), "0"),
    ],
)
def test_a_stored_number_is_shown_back_as_people_type_it(stored, shown):
    assert LocalDecimalField().prepare_value(stored) == shown
    assert LocalDecimalField().prepare_value("60,00") == "60,00"  # what was just typed, as typed


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False, allow_infinity=False))
def test_a_number_shown_back_reads_back_the_same(number):
    field = LocalDecimalField(max_digits=20, decimal_places=4)
    assert field.clean(field.prepare_value(number)) == number
