"""The work queues on the dashboard: counts limited to the viewer's scope."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.dashboard.queues import staff_queues
from marketplace.db import atomic
from marketplace.extensions import db
from marketplace.orders.models import Shipment
from marketplace.payments.models import LedgerEntry, Payment, WebhookEvent
from tests.dashboard.conftest import build_catalog
from tests.dashboard.factories import jakarta, make_order


@pytest.fixture
def queues_world(ctx):
    """Bandung and Bali orders waiting for transfers; one flagged payment in Bali, one flagged
    webhook event with no order; Bandung's artisan is owed money, Bali's has been paid out."""
    world = build_catalog()
    bandung = make_order(items=[(world.products.batik, 1)], paid_at=None, status="pending_payment")
    bali = make_order(items=[(world.products.keranjang, 1)], paid_at=None, status="pending_payment")
    paid = make_order(items=[(world.products.keranjang, 1)], paid_at=jakarta(2026, 1, 3))
    shipment = db.session.scalar(sa.select(Shipment.id).where(Shipment.order_id == paid.id))
    kota_paid = make_order(items=[(world.products.batik, 1)], paid_at=jakarta(2026, 1, 4))
    kota_shipment = db.session.scalar(
        sa.select(Shipment.id).where(Shipment.order_id == kota_paid.id)
    )
    with atomic():
        for order in (bandung, bali):
            db.session.add(Payment(order_id=order.id, provider="manual_transfer",
                                   amount_idr=order.total_idr))  # fmt: skip
        db.session.add(Payment(order_id=paid.id, provider="stripe", status="succeeded",
                               amount_idr=paid.total_idr, flagged=True))  # fmt: skip
        db.session.add(WebhookEvent(provider="stripe", event_id="evt_1", event_type="x",
                                    payload="{}", flagged=True))  # fmt: skip
        db.session.add_all([
            LedgerEntry(artisan_id=world.bali, kind="sale", amount_idr=250_000,
                        order_id=paid.id, shipment_id=shipment),
            LedgerEntry(artisan_id=world.bali, kind="payout", amount_idr=-250_000),
            LedgerEntry(artisan_id=world.kota, kind="sale", amount_idr=100_000,
                        order_id=kota_paid.id, shipment_id=kota_shipment),
        ])  # fmt: skip
    return world


def counts(scope: str) -> dict:
    """{queue key: count} as the dashboard shows them."""
    return {q.key: q.count for q in staff_queues(scope=scope)}


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("national", {"artisans": 1, "transfers": 2, "flagged": 2, "payouts": 1}),
        ("32", {"artisans": 1, "transfers": 1, "flagged": 0, "payouts": 1}),
        ("32.73", {"artisans": 1, "transfers": 1, "flagged": 0, "payouts": 1}),
        ("32.04", {"artisans": 0, "transfers": 0, "flagged": 0, "payouts": 0}),
        ("51", {"artisans": 0, "transfers": 1, "flagged": 1, "payouts": 0}),
    ],
)
def test_queue_counts_stay_inside_the_scope(ctx, queues_world, scope, expected):
    with ctx.test_request_context():
        got = counts(scope)
    assert {key: got[key] for key in expected} == expected
    assert got["audit"] is None
