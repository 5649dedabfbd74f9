"""The earnings ledger: a sale per shipment once, reversals cancel it exactly, balance sums."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from marketplace.db import atomic
from marketplace.extensions import db
from marketplace.orders import shipments
from marketplace.orders.models import Shipment
from marketplace.orders.services import refund_order
from marketplace.payments import ledger, payouts
from marketplace.payments.models import LedgerEntry
from tests.factories import make_user
from tests.orders.factories import make_paid_order, order_for, shop


def test_a_sale_is_goods_plus_the_shipping_fee_of_the_artisans_parcel(ctx):
    artisan, (product,) = shop(price=125_000, weight=1500)
    order = make_paid_order({product.id: 2})
    shipment = db.session.scalar(sa.select(Shipment).where(Shipment.order_id == order.id))
    assert shipment.shipping_idr == 20_000 + 2 * 12_000  # 3 kg to Jawa Timur
    assert ledger.balance(artisan.id) == 250_000 + 44_000


def test_recording_a_sale_or_reversal_twice_writes_it_once(ctx):
    artisan, (product,) = shop()
    order = order_for({product.id: 1}).order
    with atomic():
        ledger.record_sale(order.id)
        ledger.record_sale(order.id)
    with atomic():
        ledger.record_reversal(order.id)
        ledger.record_reversal(order.id)
    kinds = db.session.scalars(sa.select(LedgerEntry.kind).order_by(LedgerEntry.id)).all()
    assert kinds == ["sale", "reversal"]
    assert ledger.balance(artisan.id) == 0


def test_a_reversal_without_a_sale_writes_nothing(ctx):
    _artisan, (product,) = shop()
    order = order_for({product.id: 1}).order
    with atomic():
        ledger.record_reversal(order.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) == 0


def test_balance_of_an_artisan_without_entries_is_zero(ctx):
    artisan, _products = shop()
    assert ledger.balance(artisan.id) == 0


# Settled before it is paid out: pending while the parcel travels and for PAYOUT_HOLD_DAYS after
# delivery, then available; a refund after a payout is a debt the next sales settle first.


def deliver(order_id: int, *, days_ago: float = 0) -> Shipment:
    """Ship and deliver the order's parcel through the real use cases, `days_ago` days back."""
    shipment = db.session.scalar(sa.select(Shipment).where(Shipment.order_id == order_id))
    shipments.mark_shipped(
        artisan_id=shipment.artisan_id,
        shipment_id=shipment.id,
        courier="JNE",
        tracking_number="JNE-000111",
    )
    shipments.mark_delivered(shipment_id=shipment.id, staff=make_user(role="staff"))
    if days_ago:
        with atomic():
            moved = db.session.get(Shipment, shipment.id)
            moved.delivered_at = moved.delivered_at - timedelta(days=days_ago)
    return db.session.get(Shipment, shipment.id, populate_existing=True)


def test_a_sale_is_pending_until_delivered_and_the_hold_has_passed(ctx):
    artisan, (product,) = shop(price=100_000)
    order = make_paid_order({product.id: 1})
    earned = 100_000 + 20_000  # one parcel of 500 g to Jawa Timur
    assert ledger.balance_of(artisan.id) == ledger.Balance(pending_idr=earned, settled_idr=0)
    shipment = deliver(order.id)
    delivered = shipment.delivered_at
    almost = ledger.balance_of(artisan.id, now=delivered + timedelta(days=7) - timedelta(seconds=1))
    assert (almost.pending_idr, almost.available_idr) == (earned, 0)
    after = ledger.balance_of(artisan.id, now=delivered + timedelta(days=7))
    assert (after.pending_idr, after.available_idr, after.debt_idr) == (0, earned, 0)


def test_the_hold_follows_the_payout_hold_days_setting(ctx):
    artisan, (product,) = shop(price=100_000)
    delivered = deliver(make_paid_order({product.id: 1}).id).delivered_at
    ctx.config["PAYOUT_HOLD_DAYS"] = 2
    assert ledger.balance_of(artisan.id, now=delivered + timedelta(days=2)).available_idr == 120_000


def test_a_refunded_sale_that_was_still_pending_leaves_nothing(ctx):
    artisan, (product,) = shop(price=100_000)
    order = make_paid_order({product.id: 1})
    refund_order(order.id, reason="Barang rusak")
    balance = ledger.balance_of(artisan.id)
    assert (balance.pending_idr, balance.available_idr, balance.debt_idr) == (0, 0, 0)


def test_a_refund_after_a_payout_is_a_debt_that_the_next_sale_pays_off_first(ctx):
    artisan, (first, second) = shop(price=100_000, products=2)
    order = make_paid_order({first.id: 1})
    deliver(order.id, days_ago=10)
    payouts.record_payout(
        staff=make_user(role="staff"),
        artisan_id=artisan.id,
        amount_idr=120_000,
        paid_on=date.today() - timedelta(days=1),
        bank_reference="BRI-1",
    )
    refund_order(order.id, reason="Tidak sampai")
    owed = ledger.balance_of(artisan.id)
    assert (owed.debt_idr, owed.available_idr, owed.pending_idr) == (120_000, 0, 0)
    assert ledger.balance(artisan.id) == -120_000  # the ledger's sum, shown as a debt

    next_sale = make_paid_order({second.id: 2})  # 200.000 + 20.000 shipping
    while_pending = ledger.balance_of(artisan.id)
    assert (while_pending.debt_idr, while_pending.pending_idr) == (120_000, 220_000)
    assert while_pending.available_idr == 0
    deliver(next_sale.id, days_ago=8)
    settled = ledger.balance_of(artisan.id)
    assert (settled.debt_idr, settled.available_idr, settled.pending_idr) == (0, 100_000, 0)


def test_balances_of_many_artisans_come_from_one_grouped_query(ctx):
    held, (a,) = shop(price=50_000)
    ready, (b,) = shop(price=70_000)
    make_paid_order({a.id: 1})
    deliver(make_paid_order({b.id: 1}).id, days_ago=9)
    rows = {row.artisan_id: (row.pending_idr, row.settled_idr)
            for row in db.session.execute(ledger.balances_query())}  # fmt: skip
    assert rows == {held.id: (70_000, 0), ready.id: (0, 90_000)}
