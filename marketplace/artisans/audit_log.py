"""The staff audit log as people read it: actions in words, subjects named and linked, and a CSV.

Each entry says what it concerns (subject_type, subject_id); here that becomes the thing's name
and the staff page of it: an artisan's page, an order's payments page, the shipping rates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from marketplace import spreadsheets
from marketplace.artisans import integrations
from marketplace.artisans.models import Artisan
from marketplace.audit.labels import action_label
from marketplace.audit.log import AuditRow, zone
from marketplace.extensions import db
from marketplace.regions.services import region_name


@dataclass
class LogLine:
    """One entry as shown on the page and in the CSV."""

    at: datetime
    actor: str
    actor_email: str
    action: str
    subject: str
    url: str | None
    regions: str
    reason: str


def _names(rows: list[AuditRow]) -> dict[tuple[str, int], str]:
    """(subject_type, subject_id) -> the words for it: shop names and order numbers."""
    ids: dict[str, list[int]] = {}
    for row in rows:
        ids.setdefault(row.entry.subject_type, []).append(row.entry.subject_id)
    names: dict[tuple[str, int], str] = {}
    if ids.get("artisan"):
        for artisan_id, shop in db.session.execute(
            sa.select(Artisan.id, Artisan.shop_name).where(Artisan.id.in_(ids["artisan"]))
        ):
            names["artisan", artisan_id] = shop
    if ids.get("payment") or ids.get("order"):
        by_payment, by_order = integrations.order_numbers(
            payment_ids=ids.get("payment", []), order_ids=ids.get("order", [])
        )
        names.update({("payment", pid): number for pid, number in by_payment.items()})
        names.update({("order", oid): number for oid, number in by_order.items()})
    return names


def _subject(kind: str, subject_id: int, name: str | None, admin: bool) -> tuple[str, str | None]:
    """(words, staff page URL or None) of what an entry concerns."""
    if kind == "artisan":
        if name is None:
            return _("Perajin #%(id)d", id=subject_id), None
        return _("Perajin %(shop)s", shop=name), url_for(
            "staff_artisans.detail", artisan_id=subject_id
        )
    if kind in ("payment", "order") and name is not None:
        words = (
            _("Pembayaran pesanan %(number)s", number=name)
            if kind == "payment"
            else _("Pesanan %(number)s", number=name)
        )
        return words, url_for("staff_stripe.order_payments", number=name)
    if kind == "province":
        code = f"{subject_id:02d}"
        words = _("Tarif dari %(province)s", province=region_name(code))
        url = url_for("staff_orders.shipping_rates", origin=code) if admin else None
        return words, url
    return f"{kind.replace('_', ' ').capitalize()} #{subject_id}", None


def lines(rows: list[AuditRow], *, admin: bool) -> list[LogLine]:
    """The rows in words, for a viewer who is an admin or not (admins edit shipping rates)."""
    names = _names(rows)
    result = []
    for row in rows:
        entry = row.entry
        subject, url = _subject(
            entry.subject_type, entry.subject_id, names.get((entry.subject_type, entry.subject_id)),
            admin,
        )  # fmt: skip
        result.append(
            LogLine(
                at=entry.at,
                actor=row.actor_name or row.actor_email or _("Sistem"),
                actor_email=row.actor_email,
                action=action_label(entry.action),
                subject=subject,
                url=url,
                regions=", ".join(region_name(code) for code in row.regencies),
                reason=entry.reason,
            )
        )
    return result


def local_time(moment: datetime) -> str:
    """`2026-01-10 14:03 WIB`: the report zone's time, to the minute, with the zone's name."""
    local = moment.astimezone(zone())
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def to_csv(log: list[LogLine]) -> bytes:
    """The log as CSV (formula-safe: reasons and shop names are typed by people)."""
    header = [_("Waktu"), _("Oleh"), _("E-mail"), _("Keputusan"), _("Tentang"), _("Wilayah"),
              _("Alasan")]  # fmt: skip
    return spreadsheets.to_csv(
        [header]
        + [
            [
                local_time(line.at),
                line.actor,
                line.actor_email,
                line.action,
                line.subject,
                line.regions,
                line.reason,
            ]
            for line in log
        ]
    )
