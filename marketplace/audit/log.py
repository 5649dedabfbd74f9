"""Reading the audit log: the entries of a staff scope, filtered by kind and day, a page at a time.

An entry belongs to a scope when its regency does, or when any regency linked to it in
audit_entry_regions does (a decision about an order with artisans in several regencies).
Days are cut in REPORT_TIMEZONE, as staff read the times.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from marketplace.accounts.models import User
from marketplace.accounts.scope import scope_filter
from marketplace.audit.labels import ACTION_LABELS
from marketplace.audit.models import AuditEntry, AuditEntryRegion
from marketplace.extensions import db

PER_PAGE = 50
EXPORT_LIMIT = 10_000
_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_PAGE = re.compile(r"^[0-9]{1,6}$")


@dataclass(frozen=True)
class AuditFilter:
    """What the staff member asked to see: one kind of action, a first and a last day."""

    action: str = ""
    start: date | None = None
    end: date | None = None

    def args(self) -> dict[str, str]:
        """The query arguments that ask for this filter again (for links and the CSV)."""
        args = {"action": self.action}
        if self.start:
            args["from"] = self.start.isoformat()
        if self.end:
            args["to"] = self.end.isoformat()
        return {key: value for key, value in args.items() if value}


@dataclass
class AuditRow:
    """An entry with its actor and the regencies it concerns."""

    entry: AuditEntry
    actor_name: str
    actor_email: str
    regencies: list[str] = field(default_factory=list)


@dataclass
class AuditPage:
    """One page of the log."""

    rows: list[AuditRow]
    number: int
    pages: int
    total: int


def zone() -> ZoneInfo:
    """The zone of audit days and times."""
    return ZoneInfo(current_app.config.get("REPORT_TIMEZONE") or "Asia/Jakarta")


def _day(text: str, message: str, errors: list[str]) -> date | None:
    """An ISO day (2026-01-31), or None with a message for anything else."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text) if _ISO_DAY.match(text) else None
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2100:
        errors.append(message)
        return None
    return day


def parse_filter(args: Mapping[str, str]) -> tuple[AuditFilter, list[str]]:
    """The filter of a request's arguments; what cannot be read is left out, with a message."""
    errors: list[str] = []
    action = (args.get("action") or "").strip()
    if action and action not in ACTION_LABELS:
        errors.append(_("Jenis keputusan tidak dikenal; semua jenis ditampilkan."))
        action = ""
    start = _day(args.get("from", ""), _("Tanggal awal tidak valid. Contoh: 2026-01-31."), errors)
    end = _day(args.get("to", ""), _("Tanggal akhir tidak valid. Contoh: 2026-01-31."), errors)
    if start and end and start > end:
        errors.append(_("Tanggal awal harus sebelum tanggal akhir."))
        start = end = None
    return AuditFilter(action, start, end), errors


def page_number(text: str | None) -> int:
    """The page asked for; anything but a small positive number is the first page."""
    return max(int(text), 1) if text and _PAGE.match(text) else 1


def _conditions(scope: str | None, wanted: AuditFilter) -> list[sa.ColumnElement[bool]]:
    """WHERE clauses: in the scope (by the entry's regency or a linked one) and the filter."""
    linked = (
        sa.select(AuditEntryRegion.audit_entry_id)
        .where(
            AuditEntryRegion.audit_entry_id == AuditEntry.id,
            scope_filter(scope, AuditEntryRegion.regency_code),
        )
        .exists()
    )
    conditions = [sa.or_(scope_filter(scope, AuditEntry.regency_code), linked)]
    if wanted.action:
        conditions.append(AuditEntry.action == wanted.action)
    if wanted.start:
        conditions.append(AuditEntry.at >= datetime.combine(wanted.start, time(), zone()))
    if wanted.end:
        after = datetime.combine(wanted.end + timedelta(days=1), time(), zone())
        conditions.append(AuditEntry.at < after)
    return conditions


def _rows(query) -> list[AuditRow]:
    """Rows of (entry, name, email) with the regencies of each entry."""
    found = db.session.execute(query).all()
    linked: dict[int, list[str]] = {}
    ids = [entry.id for entry, _name, _email in found]
    if ids:
        for entry_id, code in db.session.execute(
            sa.select(AuditEntryRegion.audit_entry_id, AuditEntryRegion.regency_code)
            .where(AuditEntryRegion.audit_entry_id.in_(ids))
            .order_by(AuditEntryRegion.regency_code)
        ):
            linked.setdefault(entry_id, []).append(code)
    return [
        AuditRow(
            entry,
            name or "",
            email or "",
            linked.get(entry.id) or ([entry.regency_code] if entry.regency_code else []),
        )
        for entry, name, email in found
    ]


def _select(conditions):
    """Entries with their actor, newest first."""
    return (
        sa.select(AuditEntry, User.name, User.email)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(*conditions)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )


def entries_page(*, scope: str | None, wanted: AuditFilter, number: int = 1) -> AuditPage:
    """One page of the scope's entries; a page past the end is the last one."""
    conditions = _conditions(scope, wanted)
    total = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(*conditions)) or 0
    pages = max(math.ceil(total / PER_PAGE), 1)
    number = min(max(number, 1), pages)
    query = _select(conditions).limit(PER_PAGE).offset((number - 1) * PER_PAGE)
    return AuditPage(_rows(query), number, pages, total)


def entries_for_export(*, scope: str | None, wanted: AuditFilter) -> list[AuditRow]:
    """Every entry of the scope and filter (at most EXPORT_LIMIT, newest first)."""
    return _rows(_select(_conditions(scope, wanted)).limit(EXPORT_LIMIT))


def today() -> date:
    """Today in the report zone."""
    return datetime.now(zone()).date()
