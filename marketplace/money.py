"""Rupiah: the one place that formats, parses and converts money.

Money is whole Rupiah in Python ints (BigInteger `*_idr` columns). Never a float.
"""

from __future__ import annotations

import re

from marketplace.validators import is_ascii_digits

MAX_IDR = 10**12  # a trillion Rupiah: far above any order, far below BigInteger's limit


class MoneyError(ValueError):
    """A value that is not a valid whole-Rupiah amount."""


def format_idr(amount: int, locale: str = "id") -> str:
    """`Rp150.000` in Indonesian, `IDR 150,000` in English."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise MoneyError(f"amount must be an int of Rupiah, got {type(amount).__name__}")
    sign = "-" if amount < 0 else ""
    digits = f"{abs(amount):,}"
    if str(locale).startswith("en"):
        return f"{sign}IDR {digits}"
    return f"{sign}Rp{digits.replace(',', '.')}"


_GROUPED = re.compile(r"^\d{1,3}([.,]\d{3})+$", re.ASCII)


def parse_idr(text: str | int) -> int:
    """Read an amount typed by a person: `150000`, `150.000`, `Rp 150.000`, `IDR 150,000`.

    Decimals are refused: the Rupiah has no minor unit in practice.
    """
    if isinstance(text, bool):
        raise MoneyError("not an amount")
    if isinstance(text, int):
        value = text
    else:
        cleaned = str(text).strip().upper().replace("RP", "").replace("IDR", "").strip()
        cleaned = cleaned.replace(" ", "")
        if is_ascii_digits(cleaned):
            value = int(cleaned)
        elif _GROUPED.match(cleaned) and len({c for c in cleaned if c in ".,"}) == 1:
            value = int(cleaned.replace(".", "").replace(",", ""))
        else:
            raise MoneyError(f"not a whole Rupiah amount: {text!r}")
    if value < 0 or value > MAX_IDR:
        raise MoneyError(f"amount out of range: {value}")
    return value


def to_stripe_minor_units(amount_idr: int) -> int:
    """Stripe counts IDR in hundredths (IDR is a two-decimal currency for Stripe)."""
    if not isinstance(amount_idr, int) or isinstance(amount_idr, bool):
        raise MoneyError("amount must be an int of Rupiah")
    return amount_idr * 100


def from_stripe_minor_units(amount_minor: int) -> int:
    """Back from Stripe's hundredths to whole Rupiah; a fraction of a Rupiah is an error."""
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool):
        raise MoneyError("amount must be an int")
    whole, rest = divmod(amount_minor, 100)
    if rest:
        raise MoneyError(f"{amount_minor} is not a whole number of Rupiah")
    return whole
