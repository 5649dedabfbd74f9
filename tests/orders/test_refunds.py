"""Cancelling a shipment of a paid bank-transfer order before it ships, and refunds of orders
of which some parcels already went out: stock, ledger, sales summary, refund owed, mail."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.audit.models import AuditEntry
from marketplace.catalog.models import Product
from marketplace.dashboard.models import NATIONAL, SalesOrderMarker
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.money import format_idr
from marketplace.orders import cancellations
from marketplace.orders.models import Order, Shipment
from marketplace.orders.services import refund_order
from marketplace.orders.shipments import mark_delivered, mark_shipped
from marketplace.payments.ledger import balance
from marketplace.payments.models import LedgerEntry, Payment, Refund
from tests.factories import make_user
from tests.orders.factories import (
    assert_stock_invariant,
    in_app,
    make_paid_order,
    order_for,
    shop,
    shop_ids,
    stock_received,
)
from tests.orders.test_concurrency import run_at_once


def two_shop_order():
    """A paid bank-transfer order: 2 batik from Kota Bandung, 1 basket from Gianyar (Bali)."""
    a1, (batik,) = shop(stock=5, price=150_000)
    a2, (basket,) = shop(regency="51.04", stock=5, price=90_000)
    order = make_paid_order({batik.id: 2, basket.id: 1})
    by_artisan = {
        s.artisan_id: s
        for s in db.session.scalars(sa.select(Shipment).where(Shipment.order_id == order.id))
    }
    return order, (a1, a2), (batik, basket), (by_artisan[a1.id], by_artisan[a2.id])


def stock(product_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Product, product_id).stock


def national_gmv() -> int:
    """The GMV the dashboard shows for all time (the summary's year rows)."""
    table = NATIONAL.table
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(table.c.gmv_idr), 0)).where(table.c.grain == "Y")
        )
    )


def reversals(shipment_id: int) -> list[int]:
    return db.session.scalars(
        sa.select(LedgerEntry.amount_idr).where(
            LedgerEntry.shipment_id == shipment_id, LedgerEntry.kind == "reversal"
        )
    ).all()


def test_the_artisan_cancels_their_shipment_and_a_refund_is_owed(ctx, outbox):
    order, (a1, a2), (batik, basket), (s1, s2) = two_shop_order()
    received = stock_received()
    assert stock(batik.id) == 3 and national_gmv() == 390_000
    outbox.clear()
    done = cancellations.cancel_by_artisan(
        artisan_id=a1.id,
        shipment_id=s1.id,
        reason="Kain habis terjual di pameran",
        user_id=a1.user_id,
    )
    assert done.order_status == "paid"  # the basket from Bali is still coming
    assert db.session.get(Shipment, s1.id, populate_existing=True).status == "cancelled"
    assert stock(batik.id) == 5 and stock(basket.id) == 4
    assert reversals(s1.id) == [-(s1.subtotal_idr + s1.shipping_idr)]
    assert balance(a1.id) == 0 and balance(a2.id) == s2.subtotal_idr + s2.shipping_idr
    assert national_gmv() == 90_000
    refund = db.session.scalar(sa.select(Refund))
    assert (refund.order_id, refund.shipment_id, refund.status) == (order.id, s1.id, "owed")
    assert refund.amount_idr == 300_000 + s1.shipping_idr
    assert refund.reason == "Kain habis terjual di pameran"
    (mail,) = outbox
    assert mail["to"] == "tamu@example.com"
    assert "Kain habis terjual di pameran" in mail["body"]
    assert "BNN akan mentransfer kembali" in mail["body"]
    assert format_idr(refund.amount_idr) in mail["body"]
    assert db.session.scalar(sa.select(AuditEntry.action)) == "shipment_cancelled_by_artisan"

    with pytest.raises(Conflict):
        cancellations.cancel_by_artisan(
            artisan_id=a1.id, shipment_id=s1.id, reason="lagi", user_id=a1.user_id
        )
    assert stock(batik.id) == 5 and len(reversals(s1.id)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Refund)) == 1
    assert national_gmv() == 90_000
    assert_stock_invariant(received)


def test_a_shipped_shipment_cannot_be_cancelled(ctx):
    _order, (a1, _a2), (batik, _basket), (s1, _s2) = two_shop_order()
    mark_shipped(artisan_id=a1.id, shipment_id=s1.id, courier="JNE", tracking_number="JNE123")
    with pytest.raises(Conflict):
        cancellations.cancel_by_artisan(
            artisan_id=a1.id, shipment_id=s1.id, reason="Tidak jadi", user_id=a1.user_id
        )
    assert db.session.get(Shipment, s1.id, populate_existing=True).status == "shipped"
    assert stock(batik.id) == 3 and reversals(s1.id) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Refund)) == 0


def test_another_artisans_shipment_is_not_found_and_a_reason_is_required(ctx, outbox):
    _order, (a1, a2), (batik, _basket), (s1, _s2) = two_shop_order()
    outbox.clear()
    with pytest.raises(NotFound):
        cancellations.cancel_by_artisan(
            artisan_id=a2.id, shipment_id=s1.id, reason="Bukan punya saya", user_id=a2.user_id
        )
    with pytest.raises(ValidationError) as refused:
        cancellations.cancel_by_artisan(
            artisan_id=a1.id, shipment_id=s1.id, reason="   ", user_id=a1.user_id
        )
    assert refused.value.details["field"] == "reason"
    assert db.session.get(Shipment, s1.id, populate_existing=True).status == "processing"
    assert stock(batik.id) == 3 and outbox == []


def test_an_unpaid_or_card_paid_order_is_not_cancelled_here(ctx):
    artisan, (product,) = shop(stock=5)
    unpaid = order_for({product.id: 1}).order
    card = make_paid_order({product.id: 1})
    db.session.execute(sa.update(Order).where(Order.id == card.id).values(payment_method="stripe"))
    db.session.commit()
    for order_id in (unpaid.id, card.id):
        shipment = db.session.scalar(sa.select(Shipment).where(Shipment.order_id == order_id))
        with pytest.raises(Conflict):
            cancellations.cancel_by_artisan(
                artisan_id=artisan.id, shipment_id=shipment.id, reason="x", user_id=artisan.user_id
            )
    assert stock(product.id) == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Refund)) == 0


def test_cancelling_the_last_shipment_refunds_the_order(ctx):
    order, (a1, a2), (batik, basket), (s1, s2) = two_shop_order()
    received = stock_received()
    cancellations.cancel_by_artisan(
        artisan_id=a1.id, shipment_id=s1.id, reason="Stok habis", user_id=a1.user_id
    )
    done = cancellations.cancel_by_artisan(
        artisan_id=a2.id, shipment_id=s2.id, reason="Bambu rusak", user_id=a2.user_id
    )
    assert done.order_status == "refunded"
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "refunded"
    assert db.session.scalar(sa.select(Payment.status)) == "refunded"
    assert stock(batik.id) == 5 and stock(basket.id) == 5
    assert balance(a1.id) == 0 and balance(a2.id) == 0
    assert national_gmv() == 0
    assert not db.session.get(SalesOrderMarker, order.id).counted
    owed = db.session.scalars(sa.select(Refund.amount_idr).order_by(Refund.id)).all()
    assert sum(owed) == order.total_idr
    assert_stock_invariant(received)


def test_when_the_rest_is_delivered_cancelling_completes_the_order(ctx):
    order, (a1, a2), _products, (s1, s2) = two_shop_order()
    mark_shipped(artisan_id=a2.id, shipment_id=s2.id, courier="JNE", tracking_number="JNE777")
    mark_delivered(shipment_id=s2.id, staff=make_user(role="staff"))
    assert db.session.get(Order, order.id, populate_existing=True).status == "paid"
    done = cancellations.cancel_by_artisan(
        artisan_id=a1.id, shipment_id=s1.id, reason="Tidak sanggup", user_id=a1.user_id
    )
    assert done.order_status == "completed"


def test_staff_cancel_inside_their_scope_only(ctx, outbox):
    order, _artisans, (batik, basket), (s1, s2) = two_shop_order()
    bali = make_user(role="staff", scope="51")
    with pytest.raises(NotFound):
        cancellations.cancel_by_staff(staff=bali, shipment_id=s1.id, reason="Di luar wilayah")
    with pytest.raises(NotFound):
        cancellations.cancel_order_by_staff(staff=bali, order_id=order.id, reason="Semua")
    assert stock(batik.id) == 3 and stock(basket.id) == 4
    cancellations.cancel_by_staff(staff=bali, shipment_id=s2.id, reason="Perajin sakit")
    assert stock(basket.id) == 5
    entry = db.session.scalar(sa.select(AuditEntry))
    assert (entry.action, entry.actor_id, entry.regency_code) == (
        "shipment_cancelled_by_staff",
        bali.id,
        "51.04",
    )


def test_national_staff_cancel_a_whole_order_with_one_refund_per_shipment(ctx, outbox):
    order, _artisans, (batik, basket), _shipments = two_shop_order()
    outbox.clear()
    done = cancellations.cancel_order_by_staff(
        staff=make_user(role="staff"), order_id=order.id, reason="Alamat tidak dapat dijangkau"
    )
    assert [c.order_status for c in done][-1] == "refunded"
    assert stock(batik.id) == 5 and stock(basket.id) == 5
    assert sum(db.session.scalars(sa.select(Refund.amount_idr))) == order.total_idr
    assert len(outbox) == 2


def test_a_whole_order_cannot_be_cancelled_once_a_parcel_went_out(ctx):
    order, (a1, _a2), (_batik, basket), (s1, _s2) = two_shop_order()
    mark_shipped(artisan_id=a1.id, shipment_id=s1.id, courier="JNE", tracking_number="JNE999")
    with pytest.raises(Conflict):
        cancellations.cancel_order_by_staff(
            staff=make_user(role="staff"), order_id=order.id, reason="Semua"
        )
    assert stock(basket.id) == 4
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Refund)) == 0


def test_a_refund_after_one_parcel_went_out_restocks_only_the_unsent_lines(ctx):
    order, (a1, _a2), (batik, basket), (s1, s2) = two_shop_order()
    mark_shipped(artisan_id=a1.id, shipment_id=s1.id, courier="JNE", tracking_number="JNE555")
    refund_order(order.id, reason="Dikembalikan lewat Stripe")
    db.session.expire_all()
    assert stock(batik.id) == 3  # the two batik cloths are with the courier, not on the shelf
    assert stock(basket.id) == 5  # the basket never left
    assert db.session.get(Product, batik.id).sold_count == 0
    assert db.session.get(Shipment, s1.id).status == "shipped"
    assert db.session.get(Shipment, s2.id).status == "cancelled"
    with pytest.raises(Conflict):
        mark_shipped(artisan_id=_a2.id, shipment_id=s2.id, courier="JNE", tracking_number="JNE556")


def test_a_refund_after_a_cancelled_shipment_gives_nothing_back_twice(ctx):
    order, (a1, a2), (batik, basket), (s1, s2) = two_shop_order()
    cancellations.cancel_by_artisan(
        artisan_id=a1.id, shipment_id=s1.id, reason="Stok habis", user_id=a1.user_id
    )
    refund_order(order.id, reason="Pembeli minta batal")
    assert stock(batik.id) == 5 and stock(basket.id) == 5
    assert len(reversals(s1.id)) == 1 and len(reversals(s2.id)) == 1
    assert balance(a1.id) == 0 and balance(a2.id) == 0
    assert national_gmv() == 0


def test_two_cancels_at_once_apply_once(app):
    def setup():
        _order, (a1, _a2), (batik, _basket), (s1, _s2) = two_shop_order()
        return a1.id, a1.user_id, batik.id, s1.id

    artisan_id, user_id, batik_id, shipment_id = in_app(app, setup)

    def cancel(i):
        with app.app_context():
            try:
                cancellations.cancel_by_artisan(
                    artisan_id=artisan_id, shipment_id=shipment_id, reason=f"alasan {i}",
                    user_id=user_id,
                )  # fmt: skip
                return "cancelled"
            finally:
                db.session.remove()

    results = run_at_once(4, cancel)
    assert results.count("cancelled") == 1, results
    assert all(isinstance(r, Conflict) for r in results if r != "cancelled"), results

    def check():
        assert stock(batik_id) == 5
        assert len(reversals(shipment_id)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Refund)) == 1
        assert national_gmv() == 90_000

    in_app(app, check)


def test_cancel_racing_mark_shipped_applies_exactly_one(app):
    artisan_id, (product_id,) = shop_ids(app, stock=4)

    def setup():
        order = make_paid_order({product_id: 1})
        shipment = db.session.scalar(sa.select(Shipment).where(Shipment.order_id == order.id))
        return shipment.id, db.session.scalar(
            sa.select(Shipment.artisan_id).where(Shipment.id == shipment.id)
        )

    shipment_id, _ = in_app(app, setup)
    from marketplace.artisans.models import Artisan

    user_id = in_app(app, lambda: db.session.get(Artisan, artisan_id).user_id)

    def race(i):
        with app.app_context():
            try:
                if i % 2:
                    cancellations.cancel_by_artisan(
                        artisan_id=artisan_id, shipment_id=shipment_id, reason="x",
                        user_id=user_id,
                    )  # fmt: skip
                    return "cancelled"
                mark_shipped(
                    artisan_id=artisan_id, shipment_id=shipment_id, courier="JNE",
                    tracking_number="JNE0001",
                )  # fmt: skip
                return "shipped"
            finally:
                db.session.remove()

    results = run_at_once(4, race)
    applied = [r for r in results if r in ("cancelled", "shipped")]
    assert len(applied) == 1, results

    def check():
        db.session.expire_all()
        assert db.session.get(Shipment, shipment_id).status == applied[0]
        assert stock(product_id) == (4 if applied[0] == "cancelled" else 3)

    in_app(app, check)


def test_a_cancel_racing_a_whole_order_refund_gives_the_stock_back_once(app):
    def setup():
        order, (a1, _a2), (batik, basket), (s1, _s2) = two_shop_order()
        return order.id, a1.id, a1.user_id, batik.id, basket.id, s1.id

    order_id, artisan_id, user_id, batik_id, basket_id, shipment_id = in_app(app, setup)

    def race(i):
        with app.app_context():
            try:
                if i % 2:
                    cancellations.cancel_by_artisan(
                        artisan_id=artisan_id, shipment_id=shipment_id, reason="x",
                        user_id=user_id,
                    )  # fmt: skip
                    return "cancelled"
                refund_order(order_id, reason="Stripe")
                return "refunded"
            finally:
                db.session.remove()

    results = run_at_once(4, race)
    assert "refunded" in results, results

    def check():
        assert stock(batik_id) == 5 and stock(basket_id) == 5
        assert national_gmv() == 0
        entries = db.session.scalars(
            sa.select(LedgerEntry.amount_idr).where(LedgerEntry.kind == "reversal")
        ).all()
        assert len(entries) == 2
        assert db.session.get(Order, order_id).status == "refunded"

    in_app(app, check)
