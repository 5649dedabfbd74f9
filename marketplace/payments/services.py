"""Bank transfers that BNN staff confirm or reject, within the staff member's scope.

A staff member sees a pending transfer when at least one of the order's artisans lies in their
scope (order_lines.artisan_regency_code, copied at sale). Outside it, a payment is not found.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from marketplace.accounts.scope import scope_filter
from marketplace.audit.services import record as audit
from marketplace.db import atomic
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.orders.models import Order, OrderLine, OrderStatus
from marketplace.orders.services import cancel_order_in_transaction, mark_paid_in_transaction
from marketplace.payments.models import Payment
from marketplace.payments.providers import ManualTransfer

TRANSFER = ManualTransfer.name


@dataclass
class PendingTransfer:
    """A row of the staff queue."""

    payment: Payment
    order: Order
    shops: str


def _in_scope(scope: str | None, order_id_column):
    """True where the order has a line of an artisan inside the scope."""
    return (
        sa.select(OrderLine.id)
        .where(
            OrderLine.order_id == order_id_column,
            scope_filter(scope, OrderLine.artisan_regency_code),
        )
        .exists()
    )


def pending_transfers(*, staff, limit: int = 200) -> list[PendingTransfer]:
    """Transfers waiting for a decision in the staff member's scope, oldest first."""
    rows = db.session.execute(
        sa.select(Payment, Order)
        .join(Order, Order.id == Payment.order_id)
        .where(
            Payment.provider == TRANSFER,
            Payment.status == "pending",
            Order.status == OrderStatus.PENDING_PAYMENT.value,
            _in_scope(staff.staff_scope, Order.id),
        )
        .order_by(Order.created_at, Order.id)
        .limit(limit)
    ).all()
    shops = _shop_names([order.id for _payment, order in rows])
    return [PendingTransfer(payment, order, shops.get(order.id, "")) for payment, order in rows]


def _shop_names(order_ids: list[int]) -> dict[int, str]:
    """The shop names of each order, comma-separated, for the staff queue."""
    names: dict[int, list[str]] = {}
    if order_ids:
        for order_id, shop in db.session.execute(
            sa.select(OrderLine.order_id, OrderLine.artisan_shop_name)
            .where(OrderLine.order_id.in_(order_ids))
            .distinct()
            .order_by(OrderLine.order_id, OrderLine.artisan_shop_name)
        ):
            names.setdefault(order_id, []).append(shop)
    return {order_id: ", ".join(shops) for order_id, shops in names.items()}


def transfer_in_scope(*, staff, payment_id: int) -> tuple[Payment, Order, str]:
    """The bank-transfer payment, its order and the regency the decision is filed under.

    NotFound unless the payment is a transfer of an order with an artisan in the staff scope.
    """
    if not getattr(staff, "is_staff", False):
        raise NotFound(_("Pembayaran tidak ditemukan."))
    row = db.session.execute(
        sa.select(Payment, Order)
        .join(Order, Order.id == Payment.order_id)
        .where(
            Payment.id == payment_id,
            Payment.provider == TRANSFER,
            _in_scope(staff.staff_scope, Order.id),
        )
    ).first()
    if row is None:
        raise NotFound(_("Pembayaran tidak ditemukan."))
    regency = db.session.scalar(
        sa.select(OrderLine.artisan_regency_code)
        .where(
            OrderLine.order_id == row[1].id,
            scope_filter(staff.staff_scope, OrderLine.artisan_regency_code),
        )
        .order_by(OrderLine.id)
        .limit(1)
    )
    return row[0], row[1], regency


def order_regencies(order_id: int) -> list[str]:
    """Every regency of the order's artisans: staff of each see the decision in the audit log."""
    return list(
        db.session.scalars(
            sa.select(OrderLine.artisan_regency_code)
            .where(OrderLine.order_id == order_id)
            .distinct()
            .order_by(OrderLine.artisan_regency_code)
        )
    )


def confirm_transfer(*, staff, payment_id: int, note: str = "") -> Order:
    """The money arrived: mark the order paid (once, only from pending_payment), audited."""
    payment, order, regency = transfer_in_scope(staff=staff, payment_id=payment_id)
    with atomic():
        if payment.status != "pending" or not mark_paid_in_transaction(
            order.id, payment_id=payment.id, actor_id=staff.id, note=note.strip()
        ):
            raise Conflict(_("Transfer ini sudah diputuskan atau pesanannya tidak lagi menunggu."))
        audit(
            actor_id=staff.id,
            action="transfer_confirmed",
            subject_type="payment",
            subject_id=payment.id,
            regency_code=regency,
            regency_codes=order_regencies(order.id),
            reason=note,
        )
    return db.session.get(Order, order.id, populate_existing=True)


def reject_transfer(*, staff, payment_id: int, reason: str) -> Order:
    """No money arrived (or the wrong amount): cancel the order, give the stock back, audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Tulis alasan penolakan (dicatat untuk staf, tidak dikirim ke pembeli)."),
            field="reason",
        )
    payment, order, regency = transfer_in_scope(staff=staff, payment_id=payment_id)
    with atomic():
        if payment.status != "pending" or not cancel_order_in_transaction(
            order.id, actor_id=staff.id, reason=reason, payment_status="rejected"
        ):
            raise Conflict(_("Transfer ini sudah diputuskan atau pesanannya tidak lagi menunggu."))
        audit(
            actor_id=staff.id,
            action="transfer_rejected",
            subject_type="payment",
            subject_id=payment.id,
            regency_code=regency,
            regency_codes=order_regencies(order.id),
            reason=reason,
        )
    return db.session.get(Order, order.id, populate_existing=True)
