"""WTForms validators with Indonesian messages (WTForms ships no Indonesian catalogue).

Use these in every form so that each error a user sees goes through our Babel catalogues.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import validators


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
