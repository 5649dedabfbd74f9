"""The orders commands: release-expired."""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.orders.models import Order
from tests.orders.factories import (
    assert_stock_invariant,
    in_app,
    order_for,
    overdue,
    shop_ids,
    stock_received,
)


def test_release_expired_command_expires_overdue_orders_once(app, runner):
    _artisan, (product,) = shop_ids(app, stock=5)
    received = in_app(app, stock_received)
    due = in_app(app, lambda: order_for({product: 2}).order.id)
    fresh = in_app(app, lambda: order_for({product: 1}).order.id)
    in_app(app, overdue, due)
    assert "expired 1 order(s)" in runner.invoke(args=["release-expired"]).output
    assert "expired 0 order(s)" in runner.invoke(args=["release-expired"]).output
    statuses = in_app(
        app, lambda: (db.session.get(Order, due).status, db.session.get(Order, fresh).status)
    )
    assert statuses == ("expired", "pending_payment")
    in_app(app, assert_stock_invariant, received)
