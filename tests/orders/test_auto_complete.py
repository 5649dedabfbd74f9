"""complete-shipments: a parcel "shipped" AUTO_COMPLETE_DAYS ago without news becomes delivered."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from marketplace.db import atomic
from marketplace.extensions import db
from marketplace.orders import shipments
from marketplace.orders.models import Order, OrderEvent, Shipment
from marketplace.orders.services import refund_order
from marketplace.payments import ledger
from tests.orders.factories import in_app, make_paid_order, shop
from tests.orders.test_concurrency import run_at_once


def shipped_order(days_ago: float, artisans: int = 1) -> int:
    """A paid order from `artisans` artisans whose parcels were all shipped `days_ago` days ago."""
    items = {}
    for _ in range(artisans):
        _artisan, (product,) = shop()
        items[product.id] = 1
    order = make_paid_order(items)
    parcels = db.session.scalars(sa.select(Shipment).where(Shipment.order_id == order.id)).all()
    for parcel in parcels:
        shipments.mark_shipped(
            artisan_id=parcel.artisan_id,
            shipment_id=parcel.id,
            courier="JNE",
            tracking_number="JNE-123456",
        )
    with atomic():
        for parcel in db.session.scalars(sa.select(Shipment).where(Shipment.order_id == order.id)):
            parcel.shipped_at = parcel.shipped_at - timedelta(days=days_ago)
    return order.id


def state(order_id: int) -> tuple:
    """(order status, [shipment statuses], [(from, to) of its events after 'paid'])."""
    db.session.expire_all()
    order = db.session.get(Order, order_id)
    parcels = db.session.scalars(
        sa.select(Shipment.status).where(Shipment.order_id == order_id).order_by(Shipment.id)
    ).all()
    events = db.session.execute(
        sa.select(OrderEvent.from_status, OrderEvent.to_status)
        .where(
            OrderEvent.order_id == order_id, OrderEvent.to_status.in_(["delivered", "completed"])
        )
        .order_by(OrderEvent.id)
    ).all()
    return order.status, list(parcels), [tuple(e) for e in events]


def test_the_command_delivers_overdue_parcels_and_completes_their_orders(app, runner):
    def world():
        return {
            "overdue": shipped_order(days_ago=15, artisans=2),
            "recent": shipped_order(days_ago=13),
            "refunded": shipped_order(days_ago=20),
        }

    orders = in_app(app, world)
    in_app(app, lambda: refund_order(orders["refunded"], reason="Pembeli membatalkan"))
    assert "delivered 2 shipment(s)" in runner.invoke(args=["complete-shipments"]).output
    assert "delivered 0 shipment(s)" in runner.invoke(args=["complete-shipments"]).output

    def check():
        assert state(orders["overdue"]) == (
            "completed",
            ["delivered", "delivered"],
            [("shipped", "delivered"), ("shipped", "delivered"), ("paid", "completed")],
        )
        assert state(orders["recent"]) == ("paid", ["shipped"], [])
        assert state(orders["refunded"]) == ("refunded", ["shipped"], [])
        # Delivered now: the money is pending for the hold, then available.
        parcel = db.session.scalar(
            sa.select(Shipment).where(Shipment.order_id == orders["overdue"]).limit(1)
        )
        held = ledger.balance_of(parcel.artisan_id)
        later = ledger.balance_of(parcel.artisan_id, now=parcel.delivered_at + timedelta(days=7))
        assert (held.available_idr, later.pending_idr) == (0, 0)
        assert later.available_idr == held.pending_idr > 0

    in_app(app, check)


def test_the_wait_follows_the_auto_complete_days_setting(ctx):
    order_id = shipped_order(days_ago=4)
    ctx.config["AUTO_COMPLETE_DAYS"] = 3
    assert shipments.complete_overdue() == 1
    assert state(order_id)[0] == "completed"


def test_two_runs_at_once_deliver_each_parcel_and_complete_each_order_once(app):
    orders = in_app(app, lambda: [shipped_order(days_ago=15, artisans=2) for _ in range(3)])

    def run(_i):
        with app.app_context():
            try:
                return shipments.complete_overdue()
            finally:
                db.session.remove()

    results = run_at_once(2, run)
    assert sum(results) == 6, results  # each parcel delivered by one run or the other

    def check():
        for order_id in orders:
            assert state(order_id) == (
                "completed",
                ["delivered", "delivered"],
                [("shipped", "delivered"), ("shipped", "delivered"), ("paid", "completed")],
            )

    in_app(app, check)
