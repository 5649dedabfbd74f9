"""What BNN staff see and do about an order's payments: events, flags and Stripe refunds.

A staff member reaches an order when one of its lines is an artisan's inside their scope
(order_lines.artisan_regency_code, copied at sale); any other order is simply not found.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from marketplace.accounts.scope import scope_filter
from marketplace.audit.services import record as audit
from marketplace.db import atomic, now_utc
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.models import Order, OrderLine
from marketplace.payments import stripe_gateway as gateway
from marketplace.payments.models import Payment, WebhookEvent
from marketplace.payments.services import order_regencies

STRIPE = "stripe"


@dataclass
class OrderPayments:
    """The staff page of one order's money."""

    order: Order
    payments: list[Payment]
    events: list[WebhookEvent]
    regency_code: str


def _regency_in_scope(staff, order_id: int) -> str | None:
    """The first regency of the order's artisans inside the staff scope (None: out of scope)."""
    if not getattr(staff, "is_staff", False):
        return None
    return db.session.scalar(
        sa.select(OrderLine.artisan_regency_code)
        .where(
            OrderLine.order_id == order_id,
            scope_filter(staff.staff_scope, OrderLine.artisan_regency_code),
        )
        .order_by(OrderLine.id)
        .limit(1)
    )


def order_payments(*, staff, number: str) -> OrderPayments:
    """An order's payments and provider events, newest last; NotFound outside the scope."""
    order = db.session.scalar(sa.select(Order).where(Order.number == (number or "")[:24]))
    regency = _regency_in_scope(staff, order.id) if order is not None else None
    if order is None or regency is None:
        raise NotFound(_("Pesanan tidak ditemukan."))
    payments = db.session.scalars(
        sa.select(Payment).where(Payment.order_id == order.id).order_by(Payment.id)
    ).all()
    events = db.session.scalars(
        sa.select(WebhookEvent)
        .where(WebhookEvent.order_id == order.id)
        .order_by(WebhookEvent.received_at, WebhookEvent.id)
    ).all()
    return OrderPayments(order, list(payments), list(events), regency)


def flagged(*, staff, limit: int = 200) -> list[tuple[WebhookEvent, str | None]]:
    """Flagged Stripe events in the scope, newest first, with their order's number.

    Events matched to no order are shown to national staff only.
    """
    in_scope = (
        sa.select(OrderLine.id)
        .where(
            OrderLine.order_id == WebhookEvent.order_id,
            scope_filter(staff.staff_scope, OrderLine.artisan_regency_code),
        )
        .exists()
    )
    visible = in_scope
    if staff.staff_scope == "national":
        visible = sa.or_(in_scope, WebhookEvent.order_id.is_(None))
    rows = db.session.execute(
        sa.select(WebhookEvent, Order.number)
        .outerjoin(Order, Order.id == WebhookEvent.order_id)
        .where(WebhookEvent.flagged.is_(True), visible)
        .order_by(WebhookEvent.received_at.desc(), WebhookEvent.id.desc())
        .limit(limit)
    ).all()
    return [(event, number) for event, number in rows]


def refund_payment(*, staff, number: str, payment_id: int, reason: str) -> Payment:
    """Give a card payment's money back through Stripe, then record it like charge.refunded.

    The refund's idempotency key is derived from the session, so a double click or a retry never
    refunds twice. If the payment is the one that paid the order, the order is refunded (ledger
    reversals, sales summary, mail); a flagged payment (late or unmatched) is only marked refunded.
    Raises ValidationError (no reason), NotFound (outside scope), Conflict (nothing to refund)
    or gateway.StripeUnavailable (nothing changed).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Tulis alasan pengembalian dana."), field="reason")
    page = order_payments(staff=staff, number=number)
    payment = next((p for p in page.payments if p.id == payment_id), None)
    if payment is None:
        raise NotFound(_("Pembayaran tidak ditemukan."))
    if (
        payment.provider != STRIPE
        or payment.status != "succeeded"
        or not payment.provider_reference
    ):
        raise Conflict(_("Pembayaran ini tidak dapat dikembalikan lewat Stripe."))
    session_id, order_id = payment.provider_reference, page.order.id
    db.session.commit()  # end the read: nothing is held while Stripe answers
    session = gateway.retrieve_checkout_session(session_id)
    if not session.payment_intent:
        raise Conflict(_("Pembayaran ini tidak dapat dikembalikan lewat Stripe."))
    # Refunded earlier (e.g. in Stripe's dashboard): record it all the same.
    with contextlib.suppress(gateway.AlreadyRefunded):
        gateway.create_refund(
            payment_intent=session.payment_intent,
            idempotency_key=f"refund-{session_id}",
            metadata={"order_number": page.order.number, "payment_id": str(payment_id)},
        )
    with atomic():
        current = db.session.get(Payment, payment_id, populate_existing=True)
        paid_the_order = current.status == "succeeded" and not current.flagged
        if current.status == "succeeded":
            current.status = "refunded"
            current.decided_at = now_utc()
            current.decided_by_id = staff.id
        if paid_the_order:
            orders.refund_order_in_transaction(order_id, actor_id=staff.id, reason=reason)
        audit(
            actor_id=staff.id,
            action="stripe_refund",
            subject_type="payment",
            subject_id=payment_id,
            regency_code=page.regency_code,
            regency_codes=order_regencies(order_id),
            reason=reason,
        )
    return db.session.get(Payment, payment_id, populate_existing=True)
