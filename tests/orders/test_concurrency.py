"""Many buyers at once: no oversell, no duplicate order, on SQLite (a file) and PostgreSQL.

Each thread has its own app context, so its own session and connection: they race for real,
through atomic() (BEGIN IMMEDIATE on SQLite) and the conditional stock update.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from marketplace.catalog.models import Product
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.orders.checkout import OutOfStock
from marketplace.orders.models import Order
from marketplace.orders.services import expire_order, mark_paid
from tests.orders.factories import (
    assert_stock_invariant,
    in_app,
    order_for,
    overdue,
    shop_ids,
    stock_received,
)

BUYERS = 50


def run_at_once(count: int, work):
    """Run work(i) in `count` threads released together; returns each result or exception."""
    barrier = threading.Barrier(count)

    def one(i):
        barrier.wait()
        try:
            return work(i)
        except Exception as exc:  # the test inspects what each buyer got
            return exc

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def test_fifty_buyers_for_the_last_three_units_make_exactly_three_orders(app):
    _artisan, (product,) = shop_ids(app, stock=3)
    received = in_app(app, stock_received)

    def buy(i):
        with app.app_context():
            try:
                return order_for({product: 1}, guest_email=f"pembeli{i}@example.com").order.id
            finally:
                db.session.remove()

    results = run_at_once(BUYERS, buy)
    orders = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, OutOfStock)]
    assert len(orders) == 3 and len(set(orders)) == 3
    assert len(refused) == BUYERS - 3, [r for r in results if isinstance(r, Exception)][:3]
    assert all("tersisa 0" in r.message for r in refused)

    def check():
        assert db.session.get(Product, product).stock == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 3
        assert_stock_invariant(received)

    in_app(app, check)


def test_the_same_checkout_posted_twice_at_once_makes_one_order(app):
    _artisan, (product,) = shop_ids(app, stock=5)
    received = in_app(app, stock_received)

    def post(i):
        with app.app_context():
            try:
                return order_for({product: 2}, idempotency_key="dobel-klik-" + "x" * 20).order.id
            finally:
                db.session.remove()

    results = run_at_once(4, post)
    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1

    def check():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 1
        assert db.session.get(Product, product).stock == 3
        assert_stock_invariant(received)

    in_app(app, check)


def test_payment_racing_expiry_applies_exactly_one_of_them(app):
    _artisan, (product,) = shop_ids(app, stock=4)
    received = in_app(app, stock_received)
    order_id = in_app(app, lambda: order_for({product: 2}).order.id)
    in_app(app, overdue, order_id)

    def race(i):
        with app.app_context():
            try:
                if i % 2:
                    return "expired" if expire_order(order_id) else "not due"
                mark_paid(order_id)
                return "paid"
            finally:
                db.session.remove()

    results = run_at_once(6, race)
    applied = [r for r in results if r in ("expired", "paid")]
    assert len(applied) == 1, results
    assert all(isinstance(r, Conflict) or r == "not due" for r in results if r not in applied)

    def check():
        order = db.session.get(Order, order_id)
        assert order.status == applied[0]
        assert db.session.get(Product, product).stock == (4 if applied[0] == "expired" else 2)
        assert_stock_invariant(received)

    in_app(app, check)


def test_expiry_noticed_by_many_at_once_returns_the_stock_once(app):
    _artisan, (product,) = shop_ids(app, stock=4)
    received = in_app(app, stock_received)
    order_id = in_app(app, lambda: order_for({product: 3}).order.id)
    in_app(app, overdue, order_id)

    def notice(i):
        with app.app_context():
            try:
                return expire_order(order_id)
            finally:
                db.session.remove()

    assert sorted(run_at_once(8, notice)) == [False] * 7 + [True]

    def check():
        assert db.session.get(Product, product).stock == 4
        assert_stock_invariant(received)

    in_app(app, check)
