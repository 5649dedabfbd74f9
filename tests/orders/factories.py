"""Test data for carts and orders, and the stock invariant. Call inside an app context."""

from __future__ import annotations

import itertools
from datetime import timedelta

import sqlalchemy as sa

from marketplace.catalog.models import Product
from marketplace.db import atomic
from marketplace.extensions import db
from marketplace.orders.address import ShippingAddress
from marketplace.orders.checkout import place_order
from marketplace.orders.models import Order, OrderLine, Shipment
from marketplace.orders.tokens import new_idempotency_key
from tests.factories import make_artisan, make_category, make_product

LIVE = ("pending_payment", "paid", "completed")
_seq = itertools.count(1)


def address(**changes) -> ShippingAddress:
    """A valid address in Kota Surabaya (Jawa Timur) unless changed."""
    fields = {
        "name": "Rina Pembeli",
        "phone": "0812-3456-7890",
        "street": "Jl. Darmo No. 12, RT 03/RW 05",
        "village": "Keputran",
        "regency_code": "35.78",
        "province_code": "35",
        "postal_code": "60265",
    }
    fields.update(changes)
    return ShippingAddress(**fields)


def address_form(**changes) -> dict:
    """The checkout form's fields for address(), as posted by a browser."""
    a = address()
    data = {
        "name": a.name,
        "phone": a.phone,
        "street": a.street,
        "village": a.village,
        "province_code": a.province_code,
        "regency_code": a.regency_code,
        "postal_code": a.postal_code,
        "payment_method": "manual_transfer",
        "action": "place",
    }
    data.update(changes)
    return data


def shop(
    *,
    regency: str = "32.73",
    products: int = 1,
    stock: int = 10,
    price: int = 150_000,
    weight: int = 500,
    status: str = "verified",
) -> tuple:
    """An artisan and some products of theirs; returns (artisan, [products])."""
    artisan = make_artisan(regency=regency, status=status)
    category = make_category()
    made = [
        make_product(
            artisan_id=artisan.id,
            category_id=category.id,
            stock=stock,
            price_idr=price,
            weight_grams=weight,
            title=f"Kerajinan {next(_seq)}",
        )
        for _ in range(products)
    ]
    return artisan, made


def order_for(items: dict[int, int], *, buyer_id: int | None = None, **kwargs):
    """Place an order for {product_id: quantity}; a guest order unless buyer_id is given."""
    kwargs.setdefault("address", address())
    kwargs.setdefault("idempotency_key", new_idempotency_key())
    kwargs.setdefault("guest_email", None if buyer_id else "tamu@example.com")
    return place_order(items=items, buyer_id=buyer_id, **kwargs)


def make_paid_order(items: dict[int, int], **kwargs) -> Order:
    """A placed order marked paid."""
    from marketplace.orders.services import mark_paid

    placed = order_for(items, **kwargs)
    return mark_paid(placed.order.id)


def overdue(order_id: int, minutes: int = 1) -> None:
    """Move an order's deadline into the past."""
    with atomic():
        order = db.session.get(Order, order_id)
        order.expires_at = order.created_at - timedelta(minutes=minutes)


def stock_received() -> dict[int, int]:
    """Stock ever received per product: stock left + units sold (sold_count)."""
    return dict(db.session.execute(sa.select(Product.id, Product.stock + Product.sold_count)).all())


def live_units() -> dict[int, int]:
    """Units per product in live orders (pending_payment, paid, completed), leaving out the
    lines of cancelled shipments (their units went back)."""
    return dict(
        db.session.execute(
            sa.select(OrderLine.product_id, sa.func.sum(OrderLine.quantity))
            .join(Order, Order.id == OrderLine.order_id)
            .join(Shipment, Shipment.id == OrderLine.shipment_id)
            .where(Order.status.in_(LIVE), Shipment.status != "cancelled")
            .group_by(OrderLine.product_id)
        ).all()
    )


def assert_stock_invariant(received: dict[int, int]) -> None:
    """stock left + units in live orders == stock received, and sold_count == live units."""
    db.session.expire_all()
    live = live_units()
    rows = db.session.execute(sa.select(Product.id, Product.stock, Product.sold_count)).all()
    for product_id, stock, sold in rows:
        units = int(live.get(product_id, 0))
        assert stock >= 0, f"product {product_id}: negative stock {stock}"
        assert sold == units, f"product {product_id}: sold_count {sold} != live units {units}"
        assert stock + units == received[product_id], (
            f"product {product_id}: stock {stock} + live {units} != received {received[product_id]}"
        )


def shop_ids(app, **kwargs) -> tuple[int, list[int]]:
    """shop() in its own app context, for view tests: (artisan id, [product ids])."""
    with app.app_context():
        artisan, products = shop(**kwargs)
        ids = artisan.id, [p.id for p in products]
        db.session.remove()
    return ids


def in_app(app, func, *args, **kwargs):
    """Run func in a fresh app context (view tests must not share the client's session)."""
    with app.app_context():
        try:
            return func(*args, **kwargs)
        finally:
            db.session.remove()
