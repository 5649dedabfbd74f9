"""Which regions a staff member answers for: the one permission helper for staff scope."""

from __future__ import annotations

import re

import sqlalchemy as sa

from marketplace.accounts.models import NATIONAL

_PROVINCE = re.compile(r"^\d{2}$", re.ASCII)
_REGENCY = re.compile(r"^\d{2}\.\d{2}$", re.ASCII)


def is_valid_scope(scope: str) -> bool:
    """`national`, a province code `32` or a regency code `32.73` (format only)."""
    return scope == NATIONAL or bool(_PROVINCE.match(scope) or _REGENCY.match(scope))


def scope_level(scope: str) -> str:
    """`national`, `province` or `regency`."""
    if scope == NATIONAL:
        return "national"
    return "province" if _PROVINCE.match(scope) else "regency"


def covers(scope: str | None, regency_code: str | None) -> bool:
    """True if a staff scope includes the regency `PP.RR`."""
    if not scope or not regency_code:
        return False
    if scope == NATIONAL:
        return True
    if _PROVINCE.match(scope):
        return regency_code.startswith(scope + ".")
    return regency_code == scope


def covers_region(scope: str | None, region_code: str | None) -> bool:
    """True if a staff scope includes a province or regency code."""
    if not scope or region_code is None:
        return False
    if scope == NATIONAL:
        return True
    if region_code == NATIONAL:
        return False
    if _PROVINCE.match(region_code):
        return region_code == scope
    return covers(scope, region_code)


def scope_filter(scope: str | None, regency_column) -> sa.ColumnElement[bool]:
    """A WHERE clause keeping rows whose regency column lies in the scope (false for no scope)."""
    if not scope:
        return sa.false()
    if scope == NATIONAL:
        return sa.true()
    if _PROVINCE.match(scope):
        return regency_column.like(f"{scope}.%")
    return regency_column == scope
