"""The earnings ledger: a sale per shipment once, reversals cancel it exactly, balance sums."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.db import atomic
from marketplace.extensions import db
from marketplace.orders.models import Shipment
from marketplace.payments import ledger
from marketplace.payments.models import LedgerEntry
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
