"""WTForms validators with Indonesian messages (WTForms ships no Indonesian catalogue).

Use these in every form so that each error a user sees goes through our Babel catalogues.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import validators

# The one rule for numbers people send us: ASCII digits only. Python's \d, str.isdigit() and
# int() also take `٣` (Arabic-Indic), `３` (fullwidth) or `²`, which a shop in Rupiah never asks
# for; read as 3 they would let a value through that the person did not see as a number.
ASCII_DIGITS = re.compile(r"[0-9]+", re.ASCII)


def is_ascii_digits(text: str) -> bool:
    """True for a non-empty run of the digits 0-9 and nothing else."""
    return isinstance(text, str) and ASCII_DIGITS.fullmatch(text) is not None


def whole_number(text: str) -> int:
    """`request.args.get(name, type=whole_number)`: ASCII digits, else ValueError (the default)."""
    if not is_ascii_digits(text):
        raise ValueError(f"not a whole number of ASCII digits: {text!r}")
    return int(text)


def choice_id(value) -> int:
    """`coerce=` for a <select> of ids: ASCII digits, anything else 0 (the "choose one" entry,
    which the use case refuses with its own message)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value or "").strip()
    return int(text) if is_ascii_digits(text) else 0


def Required():
    """The field must be filled."""
    return validators.InputRequired(message=_l("Wajib diisi."))


def Optional():
    """The field may stay empty."""
    return validators.Optional()


def MaxLength(n: int):
    """At most n characters."""
    return validators.Length(max=n, message=_l("Maksimal %(max)d karakter.", max=n))


def LengthBetween(low: int, high: int):
    """Between low and high characters."""
    return validators.Length(
        min=low, max=high, message=_l("Harus %(min)d sampai %(max)d karakter.", min=low, max=high)
    )


def ValidEmail():
    """A well-formed e-mail address (deliverability is not checked: no network at form time)."""
    return validators.Email(message=_l("Alamat e-mail tidak valid."), check_deliverability=False)


def SameAs(field: str):
    """Equal to another field (password confirmation)."""
    return validators.EqualTo(field, message=_l("Isian tidak sama."))


def NumberBetween(low: int | None = None, high: int | None = None):
    """A number within bounds."""
    if low is not None and high is not None:
        message = _l("Harus antara %(min)s dan %(max)s.", min=low, max=high)
    elif low is not None:
        message = _l("Minimal %(min)s.", min=low)
    else:
        message = _l("Maksimal %(max)s.", max=high)
    return validators.NumberRange(min=low, max=high, message=message)
