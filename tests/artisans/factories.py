"""Orders, shipments, lines and ledger entries written directly, for the seller centre's tests.

They copy what checkout copies at the moment of sale, without going through the cart, so the
seller pages can be tested on their own. Call inside an app context.
"""

from __future__ import annotations

import itertools
import secrets
from datetime import timedelta

import sqlalchemy as sa

from marketplace.artisans.models import Artisan
from marketplace.catalog.models import Product
from marketplace.db import atomic, now_utc
from marketplace.extensions import db
from marketplace.orders.models import Order, OrderLine, Shipment
from marketplace.payments.models import LedgerEntry

_seq = itertools.count(1)
SHIPPING_IDR = 20_000


def make_order(
    *,
    lines: list[tuple[int, int]],
    status: str = "paid",
    paid_at=None,
    buyer_email: str = "pembeli.rahasia@example.com",
    take_stock: bool = True,
) -> Order:
    """An order of (product_id, quantity) lines, one shipment per artisan, with sale entries.

    With take_stock the products' stock and sold counts move as checkout moves them.
    """
    n = next(_seq)
    now = now_utc()
    paid = status in {"paid", "completed", "refunded"}
    with atomic():
        products = [(db.session.get(Product, pid), qty) for pid, qty in lines]
        subtotal = sum(p.price_idr * q for p, q in products)
        artisan_ids = sorted({p.artisan_id for p, _q in products})
        order = Order(
            number=f"BNN-TEST-{n:05d}",
            guest_email=buyer_email,
            idempotency_key=secrets.token_hex(16),
            status=status,
            subtotal_idr=subtotal,
            shipping_idr=SHIPPING_IDR * len(artisan_ids),
            total_idr=subtotal + SHIPPING_IDR * len(artisan_ids),
            ship_name="Rina Pembeli",
            ship_phone="081298765432",
            ship_street="Jl. Merdeka No. 10",
            ship_village="Citarum",
            ship_regency_code="32.73",
            ship_province_code="32",
            ship_postal_code="40115",
            created_at=now,
            expires_at=now + timedelta(hours=1),
            paid_at=(paid_at or now) if paid else None,
        )
        db.session.add(order)
        db.session.flush()
        for artisan_id in artisan_ids:
            artisan = db.session.get(Artisan, artisan_id)
            mine = [(p, q) for p, q in products if p.artisan_id == artisan_id]
            shipment = Shipment(
                order_id=order.id,
                artisan_id=artisan_id,
                subtotal_idr=sum(p.price_idr * q for p, q in mine),
                shipping_idr=SHIPPING_IDR,
                weight_grams=sum(p.weight_grams * q for p, q in mine),
            )
            db.session.add(shipment)
            db.session.flush()
            for product, qty in mine:
                db.session.add(
                    OrderLine(
                        order_id=order.id,
                        shipment_id=shipment.id,
                        product_id=product.id,
                        artisan_id=artisan_id,
                        category_id=product.category_id,
                        title=product.title,
                        artisan_shop_name=artisan.shop_name,
                        artisan_regency_code=artisan.regency_code,
                        artisan_province_code=artisan.province_code,
                        unit_price_idr=product.price_idr,
                        quantity=qty,
                        line_total_idr=product.price_idr * qty,
                    )
                )
                if take_stock:
                    product.stock -= qty
                    product.sold_count += qty
            if paid:
                db.session.add(
                    LedgerEntry(
                        artisan_id=artisan_id,
                        kind="sale",
                        amount_idr=shipment.subtotal_idr + shipment.shipping_idr,
                        order_id=order.id,
                        shipment_id=shipment.id,
                    )
                )
    return order


def make_sale_credit(
    *, artisan_id: int, amount_idr: int, delivered_days_ago: int | None = 30
) -> Order:
    """Give an artisan a balance through a paid one-line order of a product priced amount_idr.

    Its parcel was delivered `delivered_days_ago` days ago (past the payout hold by default, so
    the money is available); None leaves it unshipped, so the money is pending.
    """
    from tests.factories import make_product

    product = make_product(artisan_id=artisan_id, price_idr=amount_idr, stock=5)
    order = make_order(lines=[(product.id, 1)])
    with atomic():
        # The shipping share is taken back so that the balance is exactly amount_idr.
        db.session.execute(
            sa.update(LedgerEntry)
            .where(LedgerEntry.order_id == order.id)
            .values(amount_idr=amount_idr)
        )
        if delivered_days_ago is not None:
            delivered_at = now_utc() - timedelta(days=delivered_days_ago)
            db.session.execute(
                sa.update(Shipment)
                .where(Shipment.order_id == order.id)
                .values(
                    status="delivered",
                    shipped_at=delivered_at - timedelta(days=2),
                    delivered_at=delivered_at,
                )
            )
            db.session.execute(
                sa.update(Order)
                .where(Order.id == order.id)
                .values(status="completed", completed_at=delivered_at)
            )
    return order


def shipment_of(order_id: int, artisan_id: int) -> Shipment:
    """The shipment of an order that belongs to an artisan."""
    return db.session.scalar(
        sa.select(Shipment).where(Shipment.order_id == order_id, Shipment.artisan_id == artisan_id)
    )


def artisan_of(artisan_id: int) -> Artisan:
    """Reload an artisan."""
    return db.session.get(Artisan, artisan_id)
