"""Shipping cost: a rate per (origin province, destination province), first kg + each started kg.

The default table ships with the project (`flask --app wsgi shipping load-defaults`): three tiers,
same province, same island group, another island group. Admins edit it afterwards; a pair that is
missing from the table costs what the default table would say, so checkout never breaks on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from marketplace.audit.services import record as audit
from marketplace.db import atomic, now_utc
from marketplace.errors import NotFound, ValidationError
from marketplace.extensions import db
from marketplace.money import MAX_IDR, format_idr
from marketplace.orders.models import ShippingRate
from marketplace.regions import services as regions

# (first kg, each further started kg) in Rupiah, per tier.
SAME_PROVINCE = (10_000, 6_000)
SAME_ISLANDS = (20_000, 12_000)
OTHER_ISLANDS = (38_000, 25_000)
MAX_RATE_IDR = 10_000_000  # above this an edit is surely a typo (ten million per kilogram)


@dataclass(frozen=True)
class Rate:
    """The price of one kilogram and of each further started kilogram."""

    first_kg_idr: int
    next_kg_idr: int

    def cost(self, weight_grams: int) -> int:
        """Cost of a parcel: at least one kilogram; every started kilogram after it counts."""
        kilograms = max(1, -(-max(weight_grams, 0) // 1000))
        return self.first_kg_idr + self.next_kg_idr * (kilograms - 1)


def island_group(province_code: str) -> str:
    """The island group of a province, by the first digit of its Kemendagri code.

    1x and 21 Sumatra, 3x Java, 5x Bali and Nusa Tenggara, 6x Kalimantan, 7x Sulawesi,
    8x Maluku, 9x Papua.
    """
    return "1" if province_code == "21" else province_code[:1]


def default_rate(origin: str, destination: str) -> Rate:
    """The default table's rate for a pair of provinces."""
    if origin == destination:
        return Rate(*SAME_PROVINCE)
    if island_group(origin) == island_group(destination):
        return Rate(*SAME_ISLANDS)
    return Rate(*OTHER_ISLANDS)


_RATES_TO = sa.select(
    ShippingRate.origin_province_code, ShippingRate.first_kg_idr, ShippingRate.next_kg_idr
).where(
    ShippingRate.destination_province_code == sa.bindparam("destination"),
    ShippingRate.origin_province_code.in_(sa.bindparam("origins", expanding=True)),
)  # built once: it runs on every checkout


def rates_to(destination: str, origins: set[str]) -> dict[str, Rate]:
    """The rates from each origin province to a destination (defaults for missing pairs)."""
    rows = db.session.execute(
        _RATES_TO, {"destination": destination, "origins": sorted(origins)}
    ).all()
    found = {origin: Rate(first, following) for origin, first, following in rows}
    return {origin: found.get(origin) or default_rate(origin, destination) for origin in origins}


def quote(destination: str, parcels: dict[int, tuple[str, int]]) -> dict[int, int]:
    """Shipping per shipment: {key: (origin province, weight in grams)} -> {key: Rupiah}."""
    rates = rates_to(destination, {origin for origin, _weight in parcels.values()})
    return {key: rates[origin].cost(weight) for key, (origin, weight) in parcels.items()}


def load_defaults() -> int:
    """Insert the default rate of every province pair that has none; returns how many.

    Idempotent, and it never overwrites a rate an admin has edited.
    """
    codes = [code for code, _name in regions.provinces()]
    with atomic():
        existing = set(
            db.session.execute(
                sa.select(ShippingRate.origin_province_code, ShippingRate.destination_province_code)
            ).all()
        )
        now = now_utc()
        rows = []
        for origin in codes:
            for destination in codes:
                if (origin, destination) in existing:
                    continue
                rate = default_rate(origin, destination)
                rows.append(
                    {
                        "origin_province_code": origin,
                        "destination_province_code": destination,
                        "first_kg_idr": rate.first_kg_idr,
                        "next_kg_idr": rate.next_kg_idr,
                        "updated_at": now,
                    }
                )
        if rows:
            db.session.execute(sa.insert(ShippingRate), rows)
    return len(rows)


def rates_from(origin: str) -> list[tuple[str, str, Rate, bool]]:
    """Every destination from one origin: (code, name, rate, is_stored), by code."""
    if not regions.is_province(origin):
        raise NotFound(_("Provinsi tidak ditemukan."))
    stored = {
        row.destination_province_code: Rate(row.first_kg_idr, row.next_kg_idr)
        for row in db.session.scalars(
            sa.select(ShippingRate).where(ShippingRate.origin_province_code == origin)
        )
    }
    return [
        (code, name, stored.get(code) or default_rate(origin, code), code in stored)
        for code, name in regions.provinces()
    ]


def update_rates(*, admin_id: int, origin: str, rates: dict[str, tuple[int, int]]) -> int:
    """Save the rates from one origin ({destination: (first kg, next kg)}); returns how many
    changed. Every amount is checked before anything is written; the change is audited.
    """
    if not regions.is_province(origin):
        raise NotFound(_("Provinsi tidak ditemukan."))
    for destination, (first, following) in rates.items():
        if not regions.is_province(destination):
            raise ValidationError(_("Provinsi tidak ditemukan."), field=destination)
        for amount in (first, following):
            if not isinstance(amount, int) or not 0 <= amount <= min(MAX_RATE_IDR, MAX_IDR):
                highest = format_idr(MAX_RATE_IDR)
                raise ValidationError(
                    _("Tarif harus angka Rupiah antara 0 dan %(max)s.", max=highest),
                    field=destination,
                )
    current = {code: rate for code, _name, rate, _stored in rates_from(origin)}
    changed = 0
    with atomic():
        now = now_utc()
        for destination, (first, following) in sorted(rates.items()):
            new = Rate(first, following)
            if current.get(destination) == new:
                continue
            updated = db.session.execute(
                sa.update(ShippingRate)
                .where(
                    ShippingRate.origin_province_code == origin,
                    ShippingRate.destination_province_code == destination,
                )
                .values(first_kg_idr=first, next_kg_idr=following, updated_at=now)
            ).rowcount
            if not updated:
                db.session.add(
                    ShippingRate(
                        origin_province_code=origin,
                        destination_province_code=destination,
                        first_kg_idr=first,
                        next_kg_idr=following,
                        updated_at=now,
                    )
                )
            changed += 1
        if changed:
            audit(
                actor_id=admin_id,
                action="shipping_rates_changed",
                subject_type="province",
                subject_id=int(origin),
                regency_code=None,
                reason=_(
                    "%(n)d tarif dari %(origin)s", n=changed, origin=regions.region_name(origin)
                ),
            )
    return changed
