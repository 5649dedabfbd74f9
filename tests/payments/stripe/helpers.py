"""Card orders and Stripe events for the Stripe tests (the fake stands in for Stripe)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.payments.models import LedgerEntry, Payment, WebhookEvent
from marketplace.payments.stripe_provider import start_card_payment
from tests.orders.factories import in_app, order_for, shop, stock_received
from tests.payments.stripe.fake import make_event

# 2 x Rp150.000 (Kota Bandung) + 1 x Rp80.000 (Gianyar), to Surabaya: shipping 20.000 + 38.000.
TOTAL_IDR = 438_000


@dataclass(frozen=True)
class CardOrder:
    """A placed card order with its Checkout Session at the fake."""

    id: int
    number: str
    session_id: str | None
    product_ids: tuple[int, int]
    token: str | None
    received: dict


def place_card_order(app, *, stock: int = 5, start: bool = True, buyer_id=None) -> CardOrder:
    """Two artisans' products in one guest card order; `start` creates its session at the fake."""

    def run():
        _a, (batik,) = shop(stock=stock, price=150_000)
        _b, (anyaman,) = shop(regency="51.04", stock=stock, price=80_000)
        received = stock_received()
        placed = order_for({batik.id: 2, anyaman.id: 1}, payment_method="stripe", buyer_id=buyer_id)
        session = start_card_payment(order_id=placed.order.id) if start else None
        return CardOrder(
            placed.order.id,
            placed.order.number,
            session.id if session else None,
            (batik.id, anyaman.id),
            placed.access_token,
            received,
        )

    return in_app(app, run)


def paid_event(fake, session_id: str, event_id: str | None = None, **changes) -> dict:
    """`checkout.session.completed` for a session the buyer paid on the fake's page."""
    session = dict(fake.pay(session_id))
    session.update(changes)
    return make_event("checkout.session.completed", session, event_id)


def expired_event(fake, session_id: str) -> dict:
    """`checkout.session.expired` for a session nobody paid."""
    session = dict(fake.sessions[session_id], status="expired")
    return make_event("checkout.session.expired", session)


@dataclass
class Snapshot:
    """What a test checks after webhooks: the order, its money rows and the events stored."""

    status: str
    stock: list[int]
    payments: list[tuple[str, str, bool]]
    sales: int
    reversals: int
    events: list[tuple[str, str, bool]]


def snapshot(app, order_id: int) -> Snapshot:
    """Read the order's state in a fresh app context."""
    from marketplace.catalog.models import Product

    def run():
        order = db.session.get(Order, order_id)
        kinds = db.session.execute(
            sa.select(LedgerEntry.kind, sa.func.count())
            .where(LedgerEntry.order_id == order_id)
            .group_by(LedgerEntry.kind)
        ).all()
        counts = dict(kinds)
        return Snapshot(
            status=order.status,
            stock=list(db.session.scalars(sa.select(Product.stock).order_by(Product.id))),
            payments=[
                (p.provider, p.status, p.flagged)
                for p in db.session.scalars(
                    sa.select(Payment).where(Payment.order_id == order_id).order_by(Payment.id)
                )
            ],
            sales=counts.get("sale", 0),
            reversals=counts.get("reversal", 0),
            events=[
                (e.event_type, e.outcome, e.flagged)
                for e in db.session.scalars(sa.select(WebhookEvent).order_by(WebhookEvent.id))
            ],
        )

    return in_app(app, run)


def in_parallel(count: int, func) -> list:
    """Run func(i) in `count` threads started together; returns their results in order."""
    results: list = [None] * count
    barrier = threading.Barrier(count)

    def worker(i):
        barrier.wait()
        try:
            results[i] = func(i)
        except Exception as error:  # the test asserts on it
            results[i] = error

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
