"""Scale data: generate_orders builds paid orders in bulk and leaves the stock alone.

Generated orders take no stock on purpose, so the stock invariant does not hold for them.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from marketplace.catalog.models import Product
from marketplace.db import now_utc
from marketplace.extensions import db
from marketplace.orders.generate import generate_orders
from marketplace.orders.models import Order, OrderEvent, OrderLine, Shipment
from marketplace.orders.services import cancel_order
from marketplace.payments.models import LedgerEntry, Payment
from tests.orders.factories import order_for, shop


def total(column):
    """The sum of a column."""
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(column), 0)))


def count(model):
    """Rows of a table."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_generate_orders_builds_consistent_paid_orders_without_touching_stock(
    ctx, external_stock_change
):
    shop(products=3, price=120_000)
    shop(regency="51.04", products=2, price=75_000)
    shop(regency="94.01", products=2, price=50_000, status="suspended")  # never sold here
    stock_before = dict(db.session.execute(sa.select(Product.id, Product.stock)).all())
    assert generate_orders(count=300, seed=7) == 300
    assert count(Order) == 300 and count(Payment) == 300 and count(OrderEvent) == 600
    assert set(db.session.scalars(sa.select(Order.status))) == {"paid"}
    per_order = (
        db.session.execute(
            sa.select(sa.func.count()).select_from(OrderLine).group_by(OrderLine.order_id)
        )
        .scalars()
        .all()
    )
    assert min(per_order) >= 1 and max(per_order) <= 4
    assert total(Order.total_idr) == total(Order.subtotal_idr) + total(Order.shipping_idr)
    assert total(OrderLine.line_total_idr) == total(Order.subtotal_idr)
    assert total(LedgerEntry.amount_idr) == total(Order.total_idr)
    assert count(LedgerEntry) == count(Shipment)
    assert total(Payment.amount_idr) == total(Order.total_idr)
    assert "94.01" not in set(db.session.scalars(sa.select(OrderLine.artisan_regency_code)))
    assert len(set(db.session.scalars(sa.select(Order.ship_province_code)))) > 10
    oldest = db.session.scalar(sa.select(sa.func.min(Order.paid_at)))
    assert oldest < now_utc() - timedelta(days=365)
    # the dashboard counts on it: a payment dated in the future would show in "this month" early
    assert db.session.scalar(sa.select(sa.func.max(Order.paid_at))) <= now_utc()
    assert dict(db.session.execute(sa.select(Product.id, Product.stock)).all()) == stock_before


def test_generated_orders_live_alongside_real_ones(ctx, external_stock_change):
    _artisan, (product,) = shop(stock=5)
    real = order_for({product.id: 1}).order
    generate_orders(count=20, seed=1)
    later = order_for({product.id: 1}).order  # ids continue after the generated rows
    assert later.id > real.id
    cancel_order(later.id)
    assert count(Order) == 22


def test_generate_orders_without_products_makes_nothing(ctx):
    assert generate_orders(count=10, seed=1) == 0
