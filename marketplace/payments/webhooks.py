"""Stripe's webhook events: each stored once and acted on in the same transaction.

An event is verified on its raw body, then ONE transaction inserts it (event_id is unique) and
applies it, so it either counts completely or not at all. A copy of an event already stored is
acknowledged and ignored; copies arriving at the same moment collide on the unique column and the
loser is acknowledged too. Order changes go through the orders services' conditional updates, so a
payment, an expiry or a refund reaches the order once whatever Stripe repeats or reorders.

Rules:
- `checkout.session.completed` (when `payment_status` is "paid") and
  `checkout.session.async_payment_succeeded` mark the order paid, only if the session is one we
  created for it and its client reference, amount and currency equal the order's; otherwise the
  event and the payment are flagged for staff (who may refund it) and nothing is marked paid.
- A payment for an order that is no longer waiting (expired with its stock given back, cancelled,
  or already paid another way) is flagged and refunded through Stripe. We do not try to re-take
  stock that may have been sold since: a refund never oversells, and the order states stay simple.
- `checkout.session.expired` expires the order (stock back, once) if that session was the order's
  current way to pay; after a payment it changes nothing.
- `checkout.session.async_payment_failed` closes the attempt; the order waits until it expires.
- `charge.refunded` (in full) refunds the order it paid: reversing ledger entries, once.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from marketplace.db import after_commit, atomic, now_utc
from marketplace.extensions import db
from marketplace.money import to_stripe_minor_units
from marketplace.orders import services as orders
from marketplace.orders.models import Order, OrderStatus
from marketplace.payments import stripe_gateway as gateway
from marketplace.payments.models import Payment, WebhookEvent

PROVIDER = "stripe"
PAID_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")


def receive(*, payload: bytes, signature: str | None) -> str:
    """Verify, store once and apply one webhook delivery; returns the outcome recorded.

    Raises gateway.InvalidSignature (nothing is stored) for a delivery not signed by Stripe.
    """
    event = gateway.verify_event(payload, signature)
    try:
        return _store_and_apply(event, payload.decode("utf-8"))
    except IntegrityError:
        # Another copy of the event committed first (PostgreSQL makes us wait for it, then fail).
        if _stored(event["id"]):
            return "duplicate"
        raise


def _stored(event_id: str) -> bool:
    """True if an event with this id is already recorded."""
    db.session.rollback()
    found = db.session.scalar(sa.select(WebhookEvent.id).where(WebhookEvent.event_id == event_id))
    return found is not None


def _store_and_apply(event: dict, text: str) -> str:
    """The one transaction: insert the event, apply it, write down the outcome."""
    with atomic():
        if db.session.scalar(
            sa.select(WebhookEvent.id).where(WebhookEvent.event_id == event["id"])
        ):
            return "duplicate"
        record = WebhookEvent(
            provider=PROVIDER,
            event_id=event["id"][:255],
            event_type=str(event["type"])[:80],
            payload=text,
            outcome="received",
        )
        db.session.add(record)
        db.session.flush()  # the unique event_id: a concurrent copy stops here
        obj = (event.get("data") or {}).get("object") or {}
        handler = HANDLERS.get(event["type"])
        record.outcome = handler(event, obj, record) if handler else "ignored"
        return record.outcome


def _flag(record: WebhookEvent, payment: Payment | None, reason: str) -> None:
    """Mark the event (and its payment) for staff attention."""
    record.flagged = True
    record.flag_reason = reason
    if payment is not None:
        payment.flagged = True
        payment.flag_reason = "; ".join(filter(None, [payment.flag_reason, reason]))[:2000]


def _payment_for_session(session_id: str | None) -> Payment | None:
    """The Stripe payment row of a session we created."""
    if not session_id:
        return None
    return db.session.scalar(
        sa.select(Payment).where(
            Payment.provider == PROVIDER, Payment.provider_reference == str(session_id)
        )
    )


def _order(order_id: int) -> Order:
    """The order as it is now in this transaction."""
    return db.session.get(Order, order_id, populate_existing=True)


def mismatch(session: dict, order: Order) -> str:
    """Why a paid session does not pay this order ("" when it does)."""
    problems = []
    if session.get("client_reference_id") != order.number:
        problems.append(f"client_reference_id {session.get('client_reference_id')!r}")
    if str(session.get("currency") or "").lower() != "idr":
        problems.append(f"currency {session.get('currency')!r}")
    if session.get("amount_total") != to_stripe_minor_units(order.total_idr):
        problems.append(
            f"amount_total {session.get('amount_total')!r} "
            f"!= {to_stripe_minor_units(order.total_idr)}"
        )
    return ", ".join(problems)


def on_session_paid(event: dict, session: dict, record: WebhookEvent) -> str:
    """A session's money arrived: pay the order once, or flag (and refund) what does not fit."""
    if session.get("payment_status") != "paid":
        return "awaiting_payment"  # an async method (e.g. bank debit) settles later
    payment = _payment_for_session(session.get("id"))
    if payment is None:
        number = session.get("client_reference_id")
        record.order_id = db.session.scalar(sa.select(Order.id).where(Order.number == number))
        _flag(record, None, "unknown checkout session")
        return "flagged_unknown_session"
    record.order_id = payment.order_id
    order = _order(payment.order_id)
    problem = mismatch(session, order)
    if problem:
        # The money was taken all the same: staff decide, and can refund it from the order page.
        _settle(payment, "succeeded", now_utc())
        _flag(record, payment, f"session does not match the order: {problem}")
        return "flagged_mismatch"
    if payment.status in ("succeeded", "refunded") and not payment.flagged:
        return "already_paid"
    now = now_utc()
    refund = _refund_seen_first(session.get("payment_intent"))
    if refund is not None:
        # Stripe delivered the refund before the payment: the money is back with the buyer.
        refund.order_id = payment.order_id
        _settle(payment, "refunded", now)
        _flag(record, payment, "refunded before its payment was reported; order left unpaid")
        return "flagged_refunded_first"
    if order.status == OrderStatus.PENDING_PAYMENT.value and orders.mark_paid_in_transaction(
        order.id, payment_id=payment.id, note="Stripe"
    ):
        _settle(payment, "succeeded", now)
        return "paid"
    # Another copy of this payment (a different event id) may have just paid the order with it:
    # PostgreSQL made our conditional update wait for that commit; read what it wrote.
    db.session.refresh(payment)
    order = _order(order.id)
    if payment.status in ("succeeded", "refunded"):
        return "already_flagged" if payment.flagged else "already_paid"
    # The order stopped waiting before the money came: give the money back instead of overselling.
    _settle(payment, "succeeded", now)
    intent = session.get("payment_intent")
    action = "refunded" if intent else "no payment intent: refund it by hand"
    _flag(record, payment, f"paid after the order became {order.status}; {action}")
    _refund_after_commit(payment.id, intent, f"refund-{event['id']}")
    return "flagged_refunding"


def _settle(payment: Payment, status: str, at) -> None:
    """Set a payment's state (the orders services settle only pending ones)."""
    payment.status = status
    payment.decided_at = payment.decided_at or at


def _refund_after_commit(payment_id: int, payment_intent: str | None, key: str) -> None:
    """Ask Stripe for a full refund once this transaction has committed; staff see a failure."""
    if not payment_intent:
        return

    def refund() -> None:
        try:
            gateway.create_refund(
                payment_intent=payment_intent,
                idempotency_key=key,
                metadata={"payment_id": str(payment_id), "reason": "order no longer payable"},
            )
        except gateway.AlreadyRefunded:
            return
        except Exception:  # the event is stored already: whatever failed, staff must see it
            current_app.logger.exception(
                "stripe: automatic refund of payment %s failed", payment_id
            )
            with atomic():
                db.session.execute(
                    sa.update(Payment)
                    .where(Payment.id == payment_id)
                    .values(flag_reason=Payment.flag_reason + "; automatic refund failed")
                )

    after_commit(refund)


def on_session_expired(event: dict, session: dict, record: WebhookEvent) -> str:
    """The session can no longer be paid: give the stock back if it was the order's way to pay."""
    payment = _payment_for_session(session.get("id"))
    if payment is None:
        return "ignored_unknown_session"
    record.order_id = payment.order_id
    was_current = payment.status == "pending"
    if was_current:
        _settle(payment, "expired", now_utc())
    order = _order(payment.order_id)
    if order.status != OrderStatus.PENDING_PAYMENT.value:
        return "ignored_order_not_pending"
    if not was_current or order.payment_method != PROVIDER or _newer_attempt(payment):
        return "session_closed"
    if orders.expire_order_in_transaction(order.id, force=True):
        return "expired"
    return "ignored_order_not_pending"


def _newer_attempt(payment: Payment) -> bool:
    """True if the buyer started another Stripe session for the order after this one."""
    return (
        db.session.scalar(
            sa.select(Payment.id).where(
                Payment.order_id == payment.order_id,
                Payment.provider == PROVIDER,
                Payment.id > payment.id,
            )
        )
        is not None
    )


def on_async_failed(event: dict, session: dict, record: WebhookEvent) -> str:
    """A delayed payment method failed: the attempt closes; the buyer may retry until expiry."""
    payment = _payment_for_session(session.get("id"))
    if payment is None:
        return "ignored_unknown_session"
    record.order_id = payment.order_id
    if payment.status == "pending":
        _settle(payment, "failed", now_utc())
        return "payment_failed"
    return "ignored"


def _payment_for_charge(charge: dict) -> Payment | None:
    """The payment a charge belongs to, found through the paid event that named its intent."""
    intent = charge.get("payment_intent")
    if not intent:
        return None
    candidates = db.session.scalars(
        sa.select(WebhookEvent.payload).where(
            WebhookEvent.provider == PROVIDER,
            WebhookEvent.event_type.in_(PAID_EVENTS),
            WebhookEvent.payload.contains(str(intent)),
        )
    )
    for payload in candidates:
        session = json.loads(payload).get("data", {}).get("object", {})
        if session.get("payment_intent") == intent:
            return _payment_for_session(session.get("id"))
    return None


def _refund_seen_first(intent: str | None) -> WebhookEvent | None:
    """A full refund of this payment intent that arrived before its payment (and matched none)."""
    if not intent:
        return None
    for event in db.session.scalars(
        sa.select(WebhookEvent).where(
            WebhookEvent.provider == PROVIDER,
            WebhookEvent.event_type == "charge.refunded",
            WebhookEvent.outcome == "flagged_unknown_charge",
            WebhookEvent.payload.contains(str(intent)),
        )
    ):
        charge = json.loads(event.payload).get("data", {}).get("object", {})
        if charge.get("payment_intent") == intent and charge.get("refunded"):
            return event
    return None


def on_charge_refunded(event: dict, charge: dict, record: WebhookEvent) -> str:
    """Money went back to the buyer (through us or Stripe's dashboard): refund the order once."""
    payment = _payment_for_charge(charge)
    if payment is None:
        _flag(record, None, "refund of a charge we cannot match to a payment")
        return "flagged_unknown_charge"
    record.order_id = payment.order_id
    if not charge.get("refunded"):
        _flag(record, payment, f"partial refund of {charge.get('amount_refunded')} (minor units)")
        return "flagged_partial_refund"
    paid_the_order = payment.status == "succeeded" and not payment.flagged
    if payment.status == "refunded":
        return "already_refunded"
    _settle(payment, "refunded", now_utc())
    if paid_the_order and orders.refund_order_in_transaction(
        payment.order_id, reason="Stripe refund"
    ):
        return "refunded"
    return "refund_recorded"


HANDLERS = {
    "checkout.session.completed": on_session_paid,
    "checkout.session.async_payment_succeeded": on_session_paid,
    "checkout.session.async_payment_failed": on_async_failed,
    "checkout.session.expired": on_session_expired,
    "charge.refunded": on_charge_refunded,
}
