"""Order state changes (DESIGN.md section 5), each a conditional update on the old state.

pending_payment -> paid -> completed; pending_payment -> expired | cancelled; paid -> refunded
(also from completed: a refund after delivery). Stock goes back exactly once, through the
`stock_released_at IS NULL` conditional update, whoever notices first; on a refund only the units
of shipments that had not gone out (a parcel already sent is not back on the shelf).

Each change has a `*_in_transaction` form that returns False when the order was not in the old
state, for callers that already run a transaction (a webhook storing its event in the same one),
and a plain form that opens the transaction and raises Conflict instead.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from marketplace.catalog.cache import log_stock_changes
from marketplace.catalog.models import Product
from marketplace.dashboard.summary import add_order_sales
from marketplace.db import atomic, now_utc
from marketplace.errors import Conflict, NotFound
from marketplace.extensions import db
from marketplace.orders import mails
from marketplace.orders.locks import lock_order
from marketplace.orders.models import (
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Shipment,
    ShipmentStatus,
)
from marketplace.payments import ledger
from marketplace.payments.models import Payment

PENDING = OrderStatus.PENDING_PAYMENT.value
PAID = OrderStatus.PAID.value
COMPLETED = OrderStatus.COMPLETED.value


def get_order(order_id: int) -> Order:
    """The order, freshly read; NotFound if there is none."""
    order = db.session.get(Order, order_id, populate_existing=True)
    if order is None:
        raise NotFound(_("Pesanan tidak ditemukan."))
    return order


def _move(order_id: int, old: set[str], new: str, **values) -> bool:
    """The conditional update: change the state only if it is still one of `old`."""
    changed = db.session.execute(
        sa.update(Order)
        .where(Order.id == order_id, Order.status.in_(sorted(old)))
        .values(status=new, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    return changed == 1


def _event(order_id, old, new, *, at, actor_id=None, note="", shipment_id=None) -> None:
    """Add a line to the order's status history."""
    db.session.add(
        OrderEvent(
            order_id=order_id,
            shipment_id=shipment_id,
            at=at,
            from_status=old,
            to_status=new,
            actor_id=actor_id,
            note=(note or "")[:2000],
        )
    )


def _settle_payment(order_id: int, old: str, new: str, *, at, actor_id=None, note="") -> None:
    """Move the order's payment(s) in state `old` to `new`."""
    db.session.execute(
        sa.update(Payment)
        .where(Payment.order_id == order_id, Payment.status == old)
        .values(status=new, decided_at=at, decided_by_id=actor_id, note=(note or "")[:2000])
        .execution_options(synchronize_session=False)
    )


def _first_to_release(order_id: int, *, at: datetime) -> bool:
    """Stamp the order's stock as given back; True only for the one caller whose update did it,
    so racing expiries, cancellations and refunds return the units exactly once."""
    return (
        db.session.execute(
            sa.update(Order)
            .where(Order.id == order_id, Order.stock_released_at.is_(None))
            .values(stock_released_at=at)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def release_stock(order_id: int, *, at: datetime) -> bool:
    """Give an order's units back to stock, exactly once (stock_released_at guards it)."""
    if not _first_to_release(order_id, at=at):
        return False
    return_units(OrderLine.order_id == order_id)
    return True


def return_units(lines_where, *, to_stock: bool = True) -> None:
    """Take the units of the lines matching `lines_where` off the products' sold counts, and
    (to_stock) put them back in stock. Callers guard it so that it runs once per line."""
    units = db.session.execute(
        sa.select(OrderLine.product_id, sa.func.sum(OrderLine.quantity))
        .where(lines_where)
        .group_by(OrderLine.product_id)
        .order_by(OrderLine.product_id)
    ).all()
    moves = []
    for product_id, quantity in units:
        values = {"sold_count": Product.sold_count - quantity}
        if to_stock:
            values["stock"] = Product.stock + quantity
        stock = db.session.execute(
            sa.update(Product)
            .where(Product.id == product_id)
            .values(**values)
            .returning(Product.stock)
            .execution_options(synchronize_session=False)
        ).scalar_one()
        if to_stock:
            moves.append((product_id, stock - quantity, stock))
    # Only the stock shows on pages (the sold counts order the home page's best sellers, which
    # catch up within catalog.cache.SALE_RANKING_LAG).
    log_stock_changes(moves)


def _release_refunded_stock(order_id: int, *, at: datetime) -> None:
    """A refunded order's units: shipments not yet sent are cancelled (a conditional update that
    a racing "mark shipped" cannot also win) and their units go back to stock; units already
    sent only leave the sold count. Shipments cancelled earlier gave theirs back then."""
    if not _first_to_release(order_id, at=at):
        return
    cancelled = db.session.scalars(
        sa.update(Shipment)
        .where(Shipment.order_id == order_id, Shipment.status == ShipmentStatus.PROCESSING.value)
        .values(status=ShipmentStatus.CANCELLED.value, cancelled_at=at)
        .returning(Shipment.id)
        .execution_options(synchronize_session=False)
    ).all()
    if cancelled:
        return_units(OrderLine.shipment_id.in_(cancelled))
    sent = sa.select(Shipment.id).where(
        Shipment.order_id == order_id,
        Shipment.status.in_([ShipmentStatus.SHIPPED.value, ShipmentStatus.DELIVERED.value]),
    )
    return_units(OrderLine.shipment_id.in_(sent), to_stock=False)


def mark_paid_in_transaction(
    order_id: int, *, payment_id: int | None = None, actor_id: int | None = None, note: str = ""
) -> bool:
    """pending_payment -> paid: payment succeeded, ledger sales, sales summary, mails."""
    now = now_utc()
    if not _move(order_id, {PENDING}, PAID, paid_at=now):
        return False
    payments = sa.update(Payment).where(Payment.order_id == order_id, Payment.status == "pending")
    if payment_id is not None:
        payments = payments.where(Payment.id == payment_id)
    db.session.execute(
        payments.values(
            status="succeeded", decided_at=now, decided_by_id=actor_id
        ).execution_options(synchronize_session=False)
    )
    _event(order_id, PENDING, PAID, at=now, actor_id=actor_id, note=note)
    order = get_order(order_id)  # re-read: the summary needs the new paid_at, not a stale copy
    ledger.record_sale(order_id)
    add_order_sales(order_id, +1)
    mails.payment_received(order)
    mails.order_to_ship(order)
    return True


def mark_paid(
    order_id: int, *, payment_id: int | None = None, actor_id: int | None = None, note: str = ""
) -> Order:
    """Mark an order paid, once and only from pending_payment; Conflict otherwise."""
    with atomic():
        if not mark_paid_in_transaction(
            order_id, payment_id=payment_id, actor_id=actor_id, note=note
        ):
            raise Conflict(_("Pesanan ini tidak lagi menunggu pembayaran."))
    return get_order(order_id)


def expire_order_in_transaction(
    order_id: int, *, now: datetime | None = None, force: bool = False
) -> bool:
    """pending_payment -> expired once expires_at has passed (or at once with force=True,
    e.g. the provider's session expired); gives the stock back."""
    now = now or now_utc()
    old = {PENDING}
    changed = db.session.execute(
        sa.update(Order)
        .where(
            Order.id == order_id,
            Order.status.in_(old),
            sa.true() if force else Order.expires_at <= now,
        )
        .values(status=OrderStatus.EXPIRED.value, expired_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        return False
    _settle_payment(order_id, "pending", "expired", at=now)
    _event(order_id, PENDING, OrderStatus.EXPIRED.value, at=now)
    release_stock(order_id, at=now)
    mails.order_expired(get_order(order_id))
    return True


def expire_order(order_id: int, *, now: datetime | None = None, force: bool = False) -> bool:
    """Expire one overdue unpaid order in its own transaction; False if it was not due."""
    with atomic():
        return expire_order_in_transaction(order_id, now=now, force=force)


def release_expired(*, now: datetime | None = None, limit: int = 10_000) -> int:
    """Expire every overdue unpaid order (one short transaction each); returns how many."""
    now = now or now_utc()
    due = db.session.scalars(
        sa.select(Order.id)
        .where(Order.status == PENDING, Order.expires_at <= now)
        .order_by(Order.id)
        .limit(limit)
    ).all()
    db.session.commit()  # end the read before the writes below
    return sum(1 for order_id in due if expire_order(order_id, now=now))


def cancel_order_in_transaction(
    order_id: int, *, actor_id: int | None = None, reason: str = "", payment_status: str = "failed"
) -> bool:
    """pending_payment -> cancelled: the payment is closed, the stock goes back, the buyer told."""
    now = now_utc()
    if not _move(order_id, {PENDING}, OrderStatus.CANCELLED.value, cancelled_at=now):
        return False
    _settle_payment(order_id, "pending", payment_status, at=now, actor_id=actor_id, note=reason)
    _event(order_id, PENDING, OrderStatus.CANCELLED.value, at=now, actor_id=actor_id, note=reason)
    release_stock(order_id, at=now)
    mails.order_cancelled(get_order(order_id), reason)
    return True


def cancel_order(
    order_id: int, *, actor_id: int | None = None, reason: str = "", payment_status: str = "failed"
) -> Order:
    """Cancel an unpaid order; Conflict if it is no longer waiting for payment."""
    with atomic():
        if not cancel_order_in_transaction(
            order_id, actor_id=actor_id, reason=reason, payment_status=payment_status
        ):
            raise Conflict(_("Pesanan ini tidak lagi menunggu pembayaran."))
    return get_order(order_id)


def refund_order_in_transaction(
    order_id: int, *, actor_id: int | None = None, reason: str = ""
) -> bool:
    """paid/completed -> refunded: ledger reversals, sales summary out, buyer told.

    The units of shipments not yet sent go back to stock (those shipments become cancelled); a
    parcel already sent is not on the shelf, so its units only leave the sold count. The order
    row is locked first, so a shipment cancelled at the same moment is handled by one of the two.
    """
    now = now_utc()
    lock_order(order_id)
    old_status = db.session.scalar(sa.select(Order.status).where(Order.id == order_id))
    if old_status not in (PAID, COMPLETED):
        return False
    if not _move(order_id, {old_status}, OrderStatus.REFUNDED.value, refunded_at=now):
        return False
    _settle_payment(order_id, "succeeded", "refunded", at=now, actor_id=actor_id, note=reason)
    _event(order_id, old_status, OrderStatus.REFUNDED.value, at=now, actor_id=actor_id, note=reason)
    order = get_order(order_id)  # re-read, as in mark_paid
    ledger.record_reversal(order_id, note=reason)
    add_order_sales(order_id, -1)
    _release_refunded_stock(order_id, at=now)
    mails.payment_refunded(order, reason)
    return True


def close_after_cancelled_shipment(order_id: int, *, actor_id: int | None, reason: str) -> str:
    """After a shipment of a paid order was cancelled (order row locked by the caller): the
    order is refunded when no shipment is left, completed when the rest is delivered.

    Returns the order's status afterwards. Each move is a conditional update on `paid`.
    """
    now = now_utc()
    left = db.session.scalars(
        sa.select(Shipment.status).where(
            Shipment.order_id == order_id, Shipment.status != ShipmentStatus.CANCELLED.value
        )
    ).all()
    refunded = OrderStatus.REFUNDED.value
    # Every unit went back with its shipment, so the stock is marked released as well.
    if not left and _move(order_id, {PAID}, refunded, refunded_at=now, stock_released_at=now):
        _settle_payment(order_id, "succeeded", "refunded", at=now, actor_id=actor_id, note=reason)
        _event(order_id, PAID, refunded, at=now, actor_id=actor_id, note=reason)
        add_order_sales(order_id, -1)
    elif (
        left
        and all(status == ShipmentStatus.DELIVERED.value for status in left)
        and _move(order_id, {PAID}, COMPLETED, completed_at=now)
    ):
        _event(order_id, PAID, COMPLETED, at=now, actor_id=actor_id)
    return db.session.scalar(sa.select(Order.status).where(Order.id == order_id))


def refund_order(order_id: int, *, actor_id: int | None = None, reason: str = "") -> Order:
    """Refund a paid (or completed) order; Conflict if it is not paid."""
    with atomic():
        if not refund_order_in_transaction(order_id, actor_id=actor_id, reason=reason):
            raise Conflict(_("Hanya pesanan yang sudah dibayar yang bisa dikembalikan dananya."))
    return get_order(order_id)
