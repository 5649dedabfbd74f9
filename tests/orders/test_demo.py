"""Demo orders: several states, made through the real use cases, idempotent."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.orders.demo import BUYER_EMAIL, seed_orders
from marketplace.orders.models import Order, Shipment
from marketplace.payments import ledger
from tests.factories import make_user
from tests.orders.factories import assert_stock_invariant, shop, stock_received


def test_seed_orders_makes_orders_in_several_states_once(ctx):
    make_user(email=BUYER_EMAIL)
    artisans = [shop(products=2)[0], shop(regency="51.04", products=2)[0], shop(regency="12.12")[0]]
    received = stock_received()
    assert seed_orders() == 6
    assert seed_orders() == 0
    statuses = sorted(db.session.scalars(sa.select(Order.status)))
    assert statuses == sorted(
        ["pending_payment", "paid", "paid", "completed", "cancelled", "expired"]
    )
    shipped = db.session.scalars(sa.select(Shipment.status).where(Shipment.courier != "")).all()
    assert "shipped" in shipped and "delivered" in shipped
    assert_stock_invariant(received)
    balances = [ledger.balance_of(artisan_id) for artisan_id in {a.id for a in artisans}]
    assert any(b.available_idr > 0 for b in balances)  # the staff payout list is not empty
    assert any(b.pending_idr > 0 for b in balances) and not any(b.debt_idr for b in balances)


def test_seed_orders_without_products_or_buyer_makes_nothing(ctx):
    assert seed_orders() == 0
    make_user(email=BUYER_EMAIL)
    assert seed_orders() == 0
