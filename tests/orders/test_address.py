"""Indonesian phone numbers and postal codes as people type them."""

from __future__ import annotations

import pytest

from marketplace.errors import ValidationError
from marketplace.orders.address import normalize_phone, normalize_postal_code


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("0812 3456 7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("(022) 2501234", "+62222501234"),
        ("081234567", "+6281234567"),
    ],
)
def test_indonesian_phone_formats_are_normalised(ctx, typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "0812",
        "08-12",
        "+1 415 555 0100 99999",
        "nomor saya",
        "+62 0812 3456",
        "0812345678901234",
    ],
)
def test_impossible_phone_numbers_are_refused(ctx, typed):
    with pytest.raises(ValidationError) as error:
        normalize_phone(typed)
    assert "Nomor telepon tidak valid" in error.value.message


@pytest.mark.parametrize("typed", ["4011", "401155", "04011", "ABCDE", "", " 4 011"])
def test_postal_codes_must_be_five_digits(ctx, typed):
    with pytest.raises(ValidationError):
        normalize_postal_code(typed)


def test_a_postal_code_with_spaces_around_it_is_fine(ctx):
    assert normalize_postal_code(" 40115 ") == "40115"
