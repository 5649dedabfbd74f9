"""Demo orders for `seed-demo`: the demo buyer's orders in several states.

Idempotent: each demo order has a fixed idempotency key, and a key already used is skipped, so a
second run changes nothing. The orders go through the real use cases (place_order, mark_paid,
mark_shipped, ...), so they take stock, write the ledger and the sales summary like real ones.
Needs the demo products (catalog.demo.seed_products); without them it makes nothing.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from marketplace.accounts.models import User
from marketplace.artisans.models import Artisan, ArtisanStatus
from marketplace.catalog.models import Product, ProductStatus
from marketplace.db import atomic, now_utc
from marketplace.extensions import db
from marketplace.orders import services
from marketplace.orders.address import ShippingAddress
from marketplace.orders.checkout import place_order
from marketplace.orders.models import Order, Shipment
from marketplace.orders.shipments import mark_delivered, mark_shipped

BUYER_EMAIL = "pembeli@demo.bnn.go.id"
ADDRESS = ShippingAddress(
    name="Rina Pembeli",
    phone="0812-1000-2026",
    street="Jl. Cikini Raya No. 73, RT 01/RW 02",
    village="Cikini",
    regency_code="31.71",
    province_code="31",
    postal_code="10330",
)
# key suffix, number of artisans in the order, the state it ends in. The paid and shipped orders
# reach every demo shop, so each artisan has a parcel to ship and every office's dashboard a sale.
PLAN = [
    ("waiting", 2, "pending_payment"),
    ("paid", 4, "paid"),
    ("shipped", 4, "shipped"),
    ("completed", 1, "completed"),
    ("cancelled", 1, "cancelled"),
    ("expired", 1, "expired"),
]


def _demo_products() -> list[tuple[int, int]]:
    """(product id, artisan id) of active products with stock, of verified artisans, by id."""
    return list(
        db.session.execute(
            sa.select(Product.id, Product.artisan_id)
            .join(Artisan, Artisan.id == Product.artisan_id)
            .where(
                Product.status == ProductStatus.ACTIVE.value,
                Product.stock >= 3,
                Artisan.status == ArtisanStatus.VERIFIED.value,
            )
            .order_by(Product.id)
        ).all()
    )


def _pick(products, artisans: int, offset: int) -> dict[int, int]:
    """One product from each of `artisans` different artisans, starting further down per order."""
    by_artisan: dict[int, list[int]] = {}
    for product_id, artisan_id in products:
        by_artisan.setdefault(artisan_id, []).append(product_id)
    shops = sorted(by_artisan)
    chosen = {}
    for i in range(min(artisans, len(shops))):
        pool = by_artisan[shops[(offset + i) % len(shops)]]
        chosen[pool[offset % len(pool)]] = 1 + (offset + i) % 2
    return chosen


def seed_orders() -> int:
    """Create the demo buyer's orders that are missing; returns how many were made."""
    buyer_id = db.session.scalar(sa.select(User.id).where(User.email == BUYER_EMAIL))
    products = _demo_products()
    if buyer_id is None or not products:
        return 0
    made = 0
    for offset, (suffix, artisans, final) in enumerate(PLAN):
        key = f"demo-order-{suffix}-0001"
        if db.session.scalar(sa.select(Order.id).where(Order.idempotency_key == key)):
            continue
        placed = place_order(
            items=_pick(products, artisans, offset),
            buyer_id=buyer_id,
            guest_email=None,
            address=ADDRESS,
            idempotency_key=key,
            save_address=True,
        )
        _advance(placed.order.id, final, buyer_id)
        made += 1
    return made


def _advance(order_id: int, final: str, buyer_id: int) -> None:
    """Walk a fresh order to its demo state through the real use cases."""
    if final == "pending_payment":
        # A week to pay, so the staff transfer queue of the demo is not empty an hour later.
        with atomic():
            order = db.session.get(Order, order_id)
            order.expires_at = order.created_at + timedelta(days=7)
        return
    if final == "cancelled":
        services.cancel_order(order_id, reason="Pembeli salah memilih ukuran.")
        return
    if final == "expired":
        services.expire_order(order_id, force=True)
        return
    services.mark_paid(order_id, note="Demo: transfer diterima.")
    if final == "paid":
        return
    shipments = db.session.scalars(
        sa.select(Shipment).where(Shipment.order_id == order_id).order_by(Shipment.id)
    ).all()
    for n, shipment in enumerate(shipments, start=1):
        mark_shipped(
            artisan_id=shipment.artisan_id,
            shipment_id=shipment.id,
            courier="JNE" if n % 2 else "SiCepat",
            tracking_number=f"DEMO{order_id:04d}{n:02d}",
        )
        if final == "completed":
            mark_delivered(shipment_id=shipment.id, buyer_id=buyer_id)
    if final == "completed":
        _past_the_payout_hold(order_id)


def _past_the_payout_hold(order_id: int) -> None:
    """Date the completed order's parcels back past PAYOUT_HOLD_DAYS, so that the demo has an
    artisan with money available to pay out (the others' sales are still pending)."""
    delivered = now_utc() - timedelta(days=current_app.config["PAYOUT_HOLD_DAYS"] + 1)
    with atomic():
        for shipment in db.session.scalars(
            sa.select(Shipment).where(Shipment.order_id == order_id)
        ):
            shipment.shipped_at = delivered - timedelta(days=2)
            shipment.delivered_at = delivered
