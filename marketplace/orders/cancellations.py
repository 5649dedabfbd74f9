"""Cancelling a shipment of a paid bank-transfer order before it goes out, with a refund owed.

An order has one shipment per artisan, so the artisan cancels THEIR shipment (they cannot fulfil
it, and say why); staff cancel shipments of artisans inside their scope. One transaction does it
all, with the order row locked first (a refund or another cancellation of the same order waits):

- the shipment moves processing -> cancelled with a conditional update, so a racing "mark
  shipped" and "cancel" cannot both apply, and a second cancel finds nothing to do;
- its units go back to stock (once: only the winner of that update gets here);
- its ledger sale is reversed (once per shipment, by the ledger's unique (kind, shipment));
- its lines leave the sales summary (once, by the summary's shipment marker);
- a Refund of its goods + shipping is owed to the buyer, the buyer is mailed, staff audited;
- the order is refunded when no shipment is left, completed when the rest is delivered.

Card (Stripe) payments are refunded through Stripe instead (payments/stripe_staff.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from marketplace.accounts.scope import covers, scope_filter
from marketplace.audit.services import record as audit
from marketplace.dashboard.summary import remove_shipment_sales
from marketplace.db import atomic, now_utc
from marketplace.errors import Conflict, NotFound, ValidationError
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
from marketplace.orders.services import close_after_cancelled_shipment, return_units
from marketplace.payments import ledger, refunds
from marketplace.payments.models import Refund

CANCELLABLE_PAYMENT = "manual_transfer"


@dataclass
class Cancelled:
    """What a cancellation did: the shipment, the refund owed and the order's state after."""

    shipment: Shipment
    refund: Refund
    order_status: str


def clean_reason(reason: str | None) -> str:
    """The reason, trimmed; ValidationError when there is none (the buyer is told it)."""
    text = " ".join((reason or "").split())
    if not text:
        raise ValidationError(_("Tulis alasan pembatalan untuk pembeli."), field="reason")
    if len(text) > 500:
        raise ValidationError(_("Alasan paling banyak 500 karakter."), field="reason")
    return text


def _regency_of(shipment_id: int) -> str | None:
    """The artisan's regency for this shipment, as copied on its lines at sale."""
    return db.session.scalar(
        sa.select(OrderLine.artisan_regency_code)
        .where(OrderLine.shipment_id == shipment_id)
        .order_by(OrderLine.id)
        .limit(1)
    )


def cancel_by_artisan(*, artisan_id: int, shipment_id: int, reason: str, user_id: int) -> Cancelled:
    """The artisan cannot fulfil their shipment. NotFound if it is not theirs."""
    reason = clean_reason(reason)
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None or shipment.artisan_id != artisan_id:
        raise NotFound(_("Pengiriman tidak ditemukan."))
    return _cancel(shipment_id, reason=reason, actor_id=user_id, by_staff=False)


def cancel_by_staff(*, staff, shipment_id: int, reason: str) -> Cancelled:
    """Staff cancel a shipment of an artisan inside their scope. NotFound outside it."""
    reason = clean_reason(reason)
    shipment = db.session.get(Shipment, shipment_id) if getattr(staff, "is_staff", False) else None
    if shipment is None or not covers(staff.staff_scope, _regency_of(shipment_id)):
        raise NotFound(_("Pengiriman tidak ditemukan."))
    return _cancel(shipment_id, reason=reason, actor_id=staff.id, by_staff=True)


def cancel_order_by_staff(*, staff, order_id: int, reason: str) -> list[Cancelled]:
    """Staff cancel the whole paid order: every shipment not yet cancelled, each owing its own
    refund, in one transaction.

    NotFound unless every shipment's artisan is inside the scope; Conflict (nothing changes)
    when a shipment has already gone out (cancel the others one by one instead).
    """
    reason = clean_reason(reason)
    if not getattr(staff, "is_staff", False):
        raise NotFound(_("Pesanan tidak ditemukan."))
    regencies = db.session.scalars(
        sa.select(OrderLine.artisan_regency_code).where(OrderLine.order_id == order_id).distinct()
    ).all()
    if not regencies or not all(covers(staff.staff_scope, code) for code in regencies):
        raise NotFound(_("Pesanan tidak ditemukan."))
    states = db.session.execute(
        sa.select(Shipment.id, Shipment.status)
        .where(Shipment.order_id == order_id)
        .order_by(Shipment.id)
    ).all()
    ids = [shipment_id for shipment_id, state in states if state == ShipmentStatus.PROCESSING]
    if not ids or len(ids) + sum(s == ShipmentStatus.CANCELLED for _i, s in states) < len(states):
        raise Conflict(
            _("Sebagian paket sudah dikirim: batalkan paket yang belum dikirim satu per satu.")
        )
    with atomic():
        return [
            _cancel_in_transaction(shipment_id, reason=reason, actor_id=staff.id, by_staff=True)
            for shipment_id in ids
        ]


def _cancel(shipment_id: int, *, reason: str, actor_id: int, by_staff: bool) -> Cancelled:
    with atomic():
        return _cancel_in_transaction(
            shipment_id, reason=reason, actor_id=actor_id, by_staff=by_staff
        )


def _cancel_in_transaction(
    shipment_id: int, *, reason: str, actor_id: int, by_staff: bool
) -> Cancelled:
    """The cancellation itself (see the module docstring); Conflict when it cannot apply."""
    order_id = db.session.scalar(sa.select(Shipment.order_id).where(Shipment.id == shipment_id))
    lock_order(order_id)
    now = now_utc()
    cancellable_order = (
        sa.select(Order.id)
        .where(
            Order.id == Shipment.order_id,
            Order.status == OrderStatus.PAID.value,
            Order.payment_method == CANCELLABLE_PAYMENT,
        )
        .exists()
    )
    changed = db.session.execute(
        sa.update(Shipment)
        .where(
            Shipment.id == shipment_id,
            Shipment.status == ShipmentStatus.PROCESSING.value,
            cancellable_order,
        )
        .values(status=ShipmentStatus.CANCELLED.value, cancelled_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise Conflict(
            _(
                "Paket ini tidak bisa dibatalkan: sudah dikirim atau dibatalkan, atau pesanannya "
                "belum dibayar dengan transfer bank."
            )
        )
    shipment = db.session.get(Shipment, shipment_id, populate_existing=True)
    db.session.add(
        OrderEvent(
            order_id=order_id,
            shipment_id=shipment_id,
            at=now,
            from_status=ShipmentStatus.PROCESSING.value,
            to_status=ShipmentStatus.CANCELLED.value,
            actor_id=actor_id,
            note=reason,
        )
    )
    return_units(OrderLine.shipment_id == shipment_id)
    ledger.record_shipment_reversal(shipment_id, note=reason)
    remove_shipment_sales(order_id, shipment_id)
    refund = refunds.owe_refund(
        order_id=order_id,
        shipment_id=shipment_id,
        amount_idr=shipment.subtotal_idr + shipment.shipping_idr,
        reason=reason,
        requested_by_id=actor_id,
    )
    regency = _regency_of(shipment_id)
    audit(
        actor_id=actor_id,
        action="shipment_cancelled_by_staff" if by_staff else "shipment_cancelled_by_artisan",
        subject_type="order",
        subject_id=order_id,
        regency_code=regency,
        reason=reason,
    )
    status = close_after_cancelled_shipment(order_id, actor_id=actor_id, reason=reason)
    order = db.session.get(Order, order_id, populate_existing=True)
    shop_name = db.session.scalar(
        sa.select(OrderLine.artisan_shop_name).where(OrderLine.shipment_id == shipment_id).limit(1)
    )
    mails.shipment_cancelled(order, shipment, shop_name or "", reason, refund)
    return Cancelled(shipment, refund, status)


def staff_order(*, staff, number: str) -> tuple[Order, list[Shipment], set[int]]:
    """An order touching the staff scope, its shipments, and the ids of those in scope.

    NotFound when no line of the order is an artisan's inside the scope.
    """
    order = db.session.scalar(sa.select(Order).where(Order.number == (number or "")[:24]))
    if order is None or not getattr(staff, "is_staff", False):
        raise NotFound(_("Pesanan tidak ditemukan."))
    in_scope = set(
        db.session.scalars(
            sa.select(OrderLine.shipment_id)
            .where(
                OrderLine.order_id == order.id,
                scope_filter(staff.staff_scope, OrderLine.artisan_regency_code),
            )
            .distinct()
        )
    )
    if not in_scope:
        raise NotFound(_("Pesanan tidak ditemukan."))
    shipments = db.session.scalars(
        sa.select(Shipment).where(Shipment.order_id == order.id).order_by(Shipment.id)
    ).all()
    return order, list(shipments), in_scope
