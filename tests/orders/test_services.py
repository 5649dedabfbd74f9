"""Order states: paid once, expired/cancelled/refunded with the stock back exactly once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.catalog.cache import CatalogChange, CatalogState
from marketplace.catalog.models import Product
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.orders import services
from marketplace.orders.models import Order, OrderEvent
from marketplace.payments.ledger import balance
from marketplace.payments.models import LedgerEntry, Payment
from tests.orders.factories import (
    assert_stock_invariant,
    make_paid_order,
    order_for,
    overdue,
    shop,
    stock_received,
)


@pytest.fixture
def summary_calls(monkeypatch):
    """The dashboard's add_order_sales calls, recorded."""
    calls = []
    monkeypatch.setattr(
        services, "add_order_sales", lambda order_id, sign=1: calls.append((order_id, sign))
    )
    return calls


def statuses(order_id):
    """The order's status history, oldest first."""
    return db.session.scalars(
        sa.select(OrderEvent.to_status)
        .where(OrderEvent.order_id == order_id)
        .order_by(OrderEvent.id)
    ).all()


def test_mark_paid_records_each_artisans_share_and_tells_everyone(ctx, outbox, summary_calls):
    a1, (batik,) = shop(price=150_000)
    a2, (anyaman,) = shop(regency="51.04", price=80_000)
    order = order_for({batik.id: 2, anyaman.id: 1}).order
    outbox.clear()
    paid = services.mark_paid(order.id)
    assert paid.status == "paid" and paid.paid_at is not None
    # Each artisan earns goods + the shipping fee of their parcel (they pay the courier).
    assert balance(a1.id) == 300_000 + 20_000
    assert balance(a2.id) == 80_000 + 38_000
    assert summary_calls == [(order.id, 1)]
    assert db.session.scalar(sa.select(Payment.status)) == "succeeded"
    subjects = sorted(m["subject"] for m in outbox)
    assert subjects[0].startswith("Pembayaran pesanan") and len(subjects) == 3
    artisan_mails = [m for m in outbox if m["subject"].startswith("Pesanan baru untuk dikirim")]
    assert len(artisan_mails) == 2
    assert all("tamu@example.com" not in m["body"] for m in artisan_mails)
    assert statuses(order.id) == ["pending_payment", "paid"]


def test_an_order_is_marked_paid_only_once(ctx, summary_calls):
    artisan, (product,) = shop()
    order = order_for({product.id: 1}).order
    services.mark_paid(order.id)
    with pytest.raises(Conflict):
        services.mark_paid(order.id)
    assert summary_calls == [(order.id, 1)]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) == 1
    assert balance(artisan.id) == 150_000 + 20_000  # goods + Jawa Barat -> Jawa Timur, 1 kg


@pytest.mark.parametrize("final", ["expired", "cancelled"])
def test_only_pending_orders_can_be_paid(ctx, final):
    _artisan, (product,) = shop()
    order = order_for({product.id: 1}).order
    if final == "expired":
        overdue(order.id)
        assert services.expire_order(order.id)
    else:
        services.cancel_order(order.id)
    with pytest.raises(Conflict):
        services.mark_paid(order.id)
    assert db.session.get(Order, order.id).status == final


def test_an_order_expires_only_after_its_time_and_gives_the_stock_back_once(ctx, outbox):
    _artisan, (product,) = shop(stock=5)
    received = stock_received()
    order = order_for({product.id: 3}).order
    assert not services.expire_order(order.id)  # not due yet
    overdue(order.id)
    assert services.expire_order(order.id)
    assert not services.expire_order(order.id)
    assert not services.expire_order(order.id, force=True)
    db.session.expire_all()
    assert db.session.get(Product, product.id).stock == 5
    assert db.session.get(Order, order.id).stock_released_at is not None
    assert db.session.scalar(sa.select(Payment.status)) == "expired"
    assert outbox[-1]["subject"].startswith("Batas waktu pembayaran")
    assert_stock_invariant(received)


def test_release_expired_expires_every_overdue_order_and_nothing_else(ctx):
    _artisan, (product,) = shop(stock=10)
    received = stock_received()
    due = [order_for({product.id: 1}).order.id for _ in range(3)]
    fresh = order_for({product.id: 2}).order.id
    paid = make_paid_order({product.id: 1}).id
    for order_id in [*due, paid]:
        overdue(order_id)
    assert services.release_expired() == 3
    assert services.release_expired() == 0
    db.session.expire_all()
    assert {db.session.get(Order, i).status for i in due} == {"expired"}
    assert db.session.get(Order, fresh).status == "pending_payment"
    assert db.session.get(Order, paid).status == "paid"
    assert db.session.get(Product, product.id).stock == 7
    assert_stock_invariant(received)


def test_cancel_gives_the_stock_back_and_tells_the_buyer(ctx, outbox):
    _artisan, (product,) = shop(stock=4)
    received = stock_received()
    order = order_for({product.id: 4}).order
    services.cancel_order(order.id, reason="Salah pilih warna")
    with pytest.raises(Conflict):
        services.cancel_order(order.id)
    db.session.expire_all()
    assert db.session.get(Product, product.id).stock == 4
    assert f"Pesanan {order.number} dibatalkan." in outbox[-1]["body"]
    # The reason is a note on the payment (staff's, when they reject a transfer): not mailed.
    assert "Salah pilih warna" not in outbox[-1]["body"]
    assert statuses(order.id) == ["pending_payment", "cancelled"]
    assert_stock_invariant(received)


def test_refund_reverses_the_ledger_takes_the_sales_out_and_returns_stock(
    ctx, outbox, summary_calls
):
    artisan, (product,) = shop(stock=5)
    received = stock_received()
    order = make_paid_order({product.id: 2})
    earned = balance(artisan.id)
    assert earned > 0
    services.refund_order(order.id, reason="Barang rusak")
    with pytest.raises(Conflict):
        services.refund_order(order.id)
    assert balance(artisan.id) == 0
    kinds = db.session.scalars(sa.select(LedgerEntry.kind).order_by(LedgerEntry.id)).all()
    assert kinds == ["sale", "reversal"]
    assert summary_calls == [(order.id, 1), (order.id, -1)]
    assert db.session.scalar(sa.select(Payment.status)) == "refunded"
    db.session.expire_all()
    assert db.session.get(Product, product.id).stock == 5
    assert outbox[-1]["subject"].startswith("Dana pesanan")
    assert_stock_invariant(received)


def test_an_unpaid_order_cannot_be_refunded(ctx):
    _artisan, (product,) = shop()
    order = order_for({product.id: 1}).order
    with pytest.raises(Conflict):
        services.refund_order(order.id)


def logged_after(change) -> list[int]:
    """The products `change` logged as showing a new stock figure; the catalog version (which
    would empty every cached page) must stay as it was."""
    before = db.session.get(CatalogState, 1)
    version, seq = before.version, before.change_seq
    db.session.commit()
    change()
    db.session.expire_all()
    assert db.session.get(CatalogState, 1).version == version
    return list(
        db.session.scalars(
            sa.select(CatalogChange.product_id)
            .where(CatalogChange.seq > seq)
            .order_by(CatalogChange.seq)
        )
    )


def test_a_sale_is_logged_only_when_it_changes_a_shown_stock_figure(ctx):
    _artisan, (product,) = shop(stock=7)
    assert logged_after(lambda: order_for({product.id: 1})) == []  # 6 left: "Stok tersedia"
    assert logged_after(lambda: order_for({product.id: 1})) == [product.id]  # 5: "Tinggal 5"
    assert logged_after(lambda: order_for({product.id: 5})) == [product.id]  # 0: "Stok habis"


def test_a_sale_leaving_plenty_does_not_touch_the_catalog_state_row(ctx):
    _artisan, (product,) = shop(stock=50)
    before = tuple(db.session.execute(sa.select(CatalogState.__table__)).one())
    db.session.commit()
    order_for({product.id: 1})
    assert tuple(db.session.execute(sa.select(CatalogState.__table__)).one()) == before


def test_stock_coming_back_is_logged_when_it_changes_a_shown_figure(ctx):
    _artisan, (scarce, plenty) = shop(products=2, stock=5)
    db.session.execute(sa.update(Product).where(Product.id == plenty.id).values(stock=50))
    db.session.commit()
    order = order_for({scarce.id: 1, plenty.id: 1}).order
    assert logged_after(lambda: services.cancel_order(order.id)) == [scarce.id]  # 4 -> 5 shown
