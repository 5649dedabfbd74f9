"""Orders and lines for dashboard tests, written straight to the tables (no checkout involved).

Call inside an app context. Times are given in Jakarta time (the report time zone of the tests)
and stored in UTC, as the app stores them.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from marketplace.artisans.models import Artisan
from marketplace.catalog.models import Product
from marketplace.dashboard.summary import add_order_sales
from marketplace.db import atomic
from marketplace.extensions import db
from marketplace.orders.models import Order, OrderLine, Shipment

JAKARTA = ZoneInfo("Asia/Jakarta")
_seq = itertools.count(1)


def jakarta(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """An aware datetime in Jakarta time."""
    return datetime(year, month, day, hour, minute, tzinfo=JAKARTA)


def make_order(
    *,
    items: list[tuple[Product, int]],
    paid_at: datetime | None,
    status: str = "paid",
    buyer_regency: str = "31.71",
    count: bool = True,
) -> Order:
    """A committed order of (product, quantity) items at the products' current prices.

    Lines copy the artisan's regency and province and the category, as checkout does. When the
    order is in a sale state and `count` is set, the summary is updated in the same transaction,
    as the payment code does.
    """
    n = next(_seq)
    with atomic():
        artisans = {
            a.id: a
            for a in db.session.scalars(
                sa.select(Artisan).where(Artisan.id.in_({p.artisan_id for p, _ in items}))
            )
        }
        subtotal = sum(p.price_idr * q for p, q in items)
        created = (paid_at or datetime.now(JAKARTA)) - timedelta(minutes=5)
        order = Order(
            number=f"T{n:08d}",
            idempotency_key=f"test-order-{n}",
            status=status,
            subtotal_idr=subtotal,
            shipping_idr=0,
            total_idr=subtotal,
            guest_email=f"buyer{n}@example.com",
            ship_name="Pembeli",
            ship_phone="081200000000",
            ship_street="Jl. Contoh 1",
            ship_regency_code=buyer_regency,
            ship_province_code=buyer_regency.split(".")[0],
            ship_postal_code="10110",
            created_at=created,
            expires_at=created + timedelta(hours=1),
            paid_at=paid_at,
            refunded_at=None,
        )
        db.session.add(order)
        db.session.flush()
        shipments = {}
        for product, quantity in items:
            artisan = artisans[product.artisan_id]
            if artisan.id not in shipments:
                shipment = Shipment(
                    order_id=order.id, artisan_id=artisan.id, subtotal_idr=0, shipping_idr=0,
                    weight_grams=product.weight_grams * quantity,
                )  # fmt: skip
                db.session.add(shipment)
                db.session.flush()
                shipments[artisan.id] = shipment
            shipments[artisan.id].subtotal_idr += product.price_idr * quantity
            db.session.add(
                OrderLine(
                    order_id=order.id,
                    shipment_id=shipments[artisan.id].id,
                    product_id=product.id,
                    artisan_id=artisan.id,
                    category_id=product.category_id,
                    title=product.title,
                    artisan_shop_name=artisan.shop_name,
                    artisan_regency_code=artisan.regency_code,
                    artisan_province_code=artisan.province_code,
                    unit_price_idr=product.price_idr,
                    quantity=quantity,
                    line_total_idr=product.price_idr * quantity,
                )
            )
        db.session.flush()
        if count and status in ("paid", "completed"):
            add_order_sales(order.id, +1)
    return order


def refund(order_id: int, at: datetime | None = None) -> None:
    """Refund a paid order the way the payment code will: state change and summary in one go."""
    with atomic():
        order = db.session.get(Order, order_id)
        order.status = "refunded"
        order.refunded_at = at or datetime.now(JAKARTA)
        add_order_sales(order_id, -1)


def set_verified_at(artisan_id: int, moment: datetime | None, status: str = "verified") -> None:
    """Give an artisan a verification time (the shared factory leaves it empty)."""
    with atomic():
        artisan = db.session.get(Artisan, artisan_id)
        artisan.status = status
        artisan.verified_at = moment


def random_orders(rng, products: list[Product], count: int, start: datetime, days: int) -> list:
    """`count` orders of 1-2 artisans' products paid over `days` days from `start`.

    About one in eight is refunded afterwards and one in ten never paid; one in five is paid
    within half an hour of midnight in Jakarta, so month and day cuts are exercised.
    """
    by_artisan: dict[int, list[Product]] = {}
    for product in products:
        by_artisan.setdefault(product.artisan_id, []).append(product)
    buyers = ["31.71", "32.73", "51.71", "12.71", "35.78"]
    orders = []
    for _ in range(count):
        day = start + timedelta(days=rng.randrange(days))
        if rng.random() < 0.2:
            paid_at = day.replace(hour=23, minute=45) + timedelta(minutes=rng.choice((0, 30)))
        else:
            paid_at = day.replace(hour=rng.randrange(24), minute=rng.randrange(60))
        sellers = rng.sample(list(by_artisan), rng.choice((1, 1, 2)))
        items = [
            (product, rng.randint(1, 3))
            for seller in sellers
            for product in rng.sample(by_artisan[seller], rng.randint(1, len(by_artisan[seller])))
        ]
        unpaid = rng.random() < 0.1
        order = make_order(
            items=items,
            paid_at=None if unpaid else paid_at,
            status="pending_payment" if unpaid else rng.choice(("paid", "completed")),
            buyer_regency=rng.choice(buyers),
        )
        if not unpaid and rng.random() < 0.125:
            refund(order.id)
        orders.append(order.id)
    return orders
