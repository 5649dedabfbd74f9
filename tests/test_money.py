"""Rupiah formatting, parsing and Stripe conversion."""

import pytest

from marketplace.money import (
    MoneyError,
    format_idr,
    from_stripe_minor_units,
    parse_idr,
    to_stripe_minor_units,
)


@pytest.mark.parametrize(
    ("amount", "locale", "shown"),
    [
        (150000, "id", "Rp150.000"),
        (150000, "en", "IDR 150,000"),
        (0, "id", "Rp0"),
        (1234567890, "id", "Rp1.234.567.890"),
        (-5000, "id", "-Rp5.000"),
    ],
)
def test_format_idr_in_each_language(amount, locale, shown):
    assert format_idr(amount, locale) == shown


def test_format_idr_refuses_floats():
    with pytest.raises(MoneyError):
        format_idr(1500.5, "id")


@pytest.mark.parametrize(
    ("text", "value"),
    [("150000", 150000), ("150.000", 150000), ("Rp 150.000", 150000), ("IDR 150,000", 150000)],
)
def test_parse_idr_reads_what_people_type(text, value):
    assert parse_idr(text) == value


@pytest.mark.parametrize("text", ["150.5", "abc", "-100", "1.50.000", "", "1,000.50", "1e6"])
def test_parse_idr_refuses_non_whole_amounts(text):
    with pytest.raises(MoneyError):
        parse_idr(text)


def test_stripe_minor_units_round_trip():
    assert to_stripe_minor_units(150000) == 15000000
    assert from_stripe_minor_units(15000000) == 150000
    with pytest.raises(MoneyError):
        from_stripe_minor_units(15000050)
