"""The work queues on the dashboard: counts limited to the viewer's scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.dashboard.queues import staff_queues
from marketplace.db import atomic, now_utc
from marketplace.extensions import db
from marketplace.orders.models import Shipment
from marketplace.payments.models import LedgerEntry, Payment, WebhookEvent
from tests.dashboard.conftest import build_catalog
from tests.dashboard.factories import jakarta, make_order


@pytest.fixture
def queues_world(ctx):
    """Bandung and Bali orders waiting for transfers; one flagged payment in Bali, one flagged
    webhook event with no order. Kota Bandung's artisan has a sale delivered 30 days ago (available
    to pay out); Soreang's sale is not delivered yet (pending only); Bali's was paid out and then
    refunded, so Bali's artisan owes Rp250.000."""
    world = build_catalog()
    bandung = make_order(items=[(world.products.batik, 1)], paid_at=None, status="pending_payment")
    bali = make_order(items=[(world.products.keranjang, 1)], paid_at=None, status="pending_payment")
    paid = make_order(items=[(world.products.keranjang, 1)], paid_at=jakarta(2026, 1, 3))
    shipment = db.session.scalar(sa.select(Shipment.id).where(Shipment.order_id == paid.id))
    kota_paid = make_order(items=[(world.products.batik, 1)], paid_at=jakarta(2026, 1, 4))
    kota_shipment = db.session.scalar(
        sa.select(Shipment.id).where(Shipment.order_id == kota_paid.id)
    )
    soreang_paid = make_order(items=[(world.products.tas, 1)], paid_at=jakarta(2026, 1, 5))
    soreang_shipment = db.session.scalar(
        sa.select(Shipment.id).where(Shipment.order_id == soreang_paid.id)
    )
    long_ago = now_utc() - timedelta(days=30)
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
            LedgerEntry(artisan_id=world.bali, kind="reversal", amount_idr=-250_000,
                        order_id=paid.id, shipment_id=shipment),
            LedgerEntry(artisan_id=world.kota, kind="sale", amount_idr=100_000,
                        order_id=kota_paid.id, shipment_id=kota_shipment),
            LedgerEntry(artisan_id=world.kabupaten, kind="sale", amount_idr=40_000,
                        order_id=soreang_paid.id, shipment_id=soreang_shipment),
        ])  # fmt: skip
        db.session.execute(
            sa.update(Shipment)
            .where(Shipment.id.in_([shipment, kota_shipment]))
            .values(status="delivered", shipped_at=long_ago, delivered_at=long_ago)
        )
    return world


def counts(scope: str) -> dict:
    """{queue key: count} as the dashboard shows them."""
    return {q.key: q.count for q in staff_queues(scope=scope)}


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("national", {"artisans": 1, "transfers": 2, "flagged": 2, "payouts": 1, "debts": 1}),
        ("32", {"artisans": 1, "transfers": 1, "flagged": 0, "payouts": 1, "debts": 0}),
        ("32.73", {"artisans": 1, "transfers": 1, "flagged": 0, "payouts": 1, "debts": 0}),
        ("32.04", {"artisans": 0, "transfers": 0, "flagged": 0, "payouts": 0, "debts": 0}),
        ("51", {"artisans": 0, "transfers": 1, "flagged": 1, "payouts": 0, "debts": 1}),
    ],
)
def test_queue_counts_stay_inside_the_scope(ctx, queues_world, scope, expected):
    with ctx.test_request_context():
        got = counts(scope)
    assert {key: got[key] for key in expected} == expected
    assert got["audit"] is None


def test_the_debt_card_lists_who_owes_with_the_amount_in_scope(ctx, queues_world):
    with ctx.test_request_context():
        national = {q.key: q for q in staff_queues(scope="national")}
        java = {q.key: q for q in staff_queues(scope="32")}
    (item,) = national["debts"].items
    assert (item.label, item.amount_idr) == ("Anyaman Ubud", 250_000)
    assert item.url == f"/dashboard/artisans/{queues_world.bali}/payouts"
    assert national["debts"].url == "/dashboard/artisans/payouts?tab=owing"
    assert java["debts"].items == ()


def test_the_payout_card_links_to_the_list_of_artisans_to_pay(ctx, queues_world):
    with ctx.test_request_context():
        payouts = {q.key: q for q in staff_queues(scope="32")}["payouts"]
    assert payouts.url == "/dashboard/artisans/payouts"
