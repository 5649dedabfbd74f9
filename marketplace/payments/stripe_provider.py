"""Card payments (and the other methods Stripe offers in Indonesia) through Stripe Checkout.

The order is placed first (stock taken, `pending_payment`, a pending `stripe` Payment); after that
transaction has committed, `start()` asks Stripe for a Checkout Session and sends the buyer there.
If Stripe cannot be reached the order keeps its stock until it expires and the order page offers
"retry card payment" and "pay by bank transfer instead". Only the webhook marks an order paid.

Idempotency: the first session of an order is created with the key `checkout-session-<number>`,
so a retry after a lost answer gets the same session back; a later attempt (after the first
session expired or its payment failed) uses `checkout-session-<number>-<attempt>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from marketplace.db import after_commit, atomic, now_utc
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.money import to_stripe_minor_units
from marketplace.orders.mails import buyer_email, external_url
from marketplace.orders.models import Order, OrderLine, OrderStatus
from marketplace.orders.tokens import access_token_for
from marketplace.payments import providers
from marketplace.payments import stripe_gateway as gateway
from marketplace.payments.models import Payment
from marketplace.payments.providers import Instructions, PaymentStart

STRIPE = "stripe"
STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"
PENDING = OrderStatus.PENDING_PAYMENT.value


class StripeProvider(providers.PaymentProvider):
    """Stripe Checkout in Rupiah; on when STRIPE_SECRET_KEY is set."""

    name = STRIPE
    label = _l("Kartu kredit/debit dan metode lain (Stripe)")

    def is_enabled(self, app: Flask) -> bool:
        """On when the secret key is configured."""
        return gateway.is_enabled(app.config)

    def start(self, order) -> PaymentStart:
        """Create the Checkout Session (after the order's commit) and send the buyer to it.

        When Stripe cannot be reached, the buyer lands on the order page, which explains it.
        """
        try:
            session = start_card_payment(order_id=order.id)
        except (gateway.StripeUnavailable, Conflict):
            return PaymentStart()
        return PaymentStart(redirect_url=session.url)

    def instructions(self, order) -> Instructions:
        """The order page's card box; its template asks `stripe_card_state(order)` for details.

        The context stays empty: the order-placed e-mail shows bank details when it is not.
        """
        return Instructions(template="payments/stripe_instructions.html", context={})


@dataclass(frozen=True)
class CardState:
    """Where a pending order's card payment stands, for the order page."""

    state: str  # "unavailable" (no session yet), "open" (session to pay), "failed"
    checkout_url: str = ""


def card_state(order) -> CardState:
    """The latest Stripe attempt of the order, as the buyer should see it."""
    payment = _latest_payment(order.id)
    if payment is None or not payment.provider_reference:
        return CardState("unavailable")
    if payment.status == "pending" and payment.checkout_url:
        return CardState("open", payment.checkout_url)
    return CardState("failed")


def _latest_payment(order_id: int) -> Payment | None:
    """The order's most recent Stripe payment row."""
    return db.session.scalar(
        sa.select(Payment)
        .where(Payment.order_id == order_id, Payment.provider == STRIPE)
        .order_by(Payment.id.desc())
        .limit(1)
    )


def idempotency_key(order_number: str, attempt: int) -> str:
    """The key of an order's n-th session: the first one carries only the order number."""
    base = f"checkout-session-{order_number}"
    return base if attempt <= 1 else f"{base}-{attempt}"


def session_params(order: Order, lines: list[OrderLine], *, success_url: str, cancel_url: str,
                   customer_email: str | None, now) -> dict:  # fmt: skip
    """The Checkout Session for an order: a line per order line plus one for shipping, in IDR."""
    with force_locale(order.locale or "id"):
        shipping_name = _("Ongkos kirim")
    items = [_line_item(line.title, line.unit_price_idr, line.quantity) for line in lines]
    if order.shipping_idr > 0:
        items.append(_line_item(shipping_name, order.shipping_idr, 1))
    params = {
        "mode": "payment",
        "line_items": items,
        "client_reference_id": order.number,
        "expires_at": gateway.session_expiry(order.expires_at, now),
        "metadata": {"order_number": order.number},
        # Copied onto the payment (and its charges), so a refund made in Stripe's dashboard
        # still names the order.
        "payment_intent_data": {"metadata": {"order_number": order.number}},
        "locale": "en" if (order.locale or "").startswith("en") else "id",
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    if customer_email:
        params["customer_email"] = customer_email
    return params


def _line_item(name: str, unit_price_idr: int, quantity: int) -> dict:
    """One Checkout line in Stripe's minor unit (IDR x 100)."""
    return {
        "price_data": {
            "currency": "idr",
            "unit_amount": to_stripe_minor_units(unit_price_idr),
            "product_data": {"name": name[:250]},
        },
        "quantity": quantity,
    }


def return_urls(order: Order) -> tuple[str, str]:
    """Absolute success and cancel URLs; a guest's carry the private token of the order link."""
    values = {"order": order.number}
    if order.buyer_id is None:
        values["token"] = access_token_for(order.idempotency_key)
    return (
        external_url("stripe.return_page", **values),
        external_url("stripe.cancel_page", **values),
    )


def start_card_payment(*, order_id: int) -> gateway.CheckoutSession:
    """Give the buyer a Checkout Session to pay an unpaid card order.

    Reuses the open session of the latest attempt; otherwise creates one (after ending the read
    transaction, so no row is held during the call) and records it on the order's Stripe payment.
    Raises Conflict if the order no longer waits for a card payment, StripeUnavailable if
    Stripe cannot be reached.
    """
    order = db.session.get(Order, order_id, populate_existing=True)
    if order is None or order.status != PENDING or order.payment_method != STRIPE:
        raise Conflict(_("Pesanan ini tidak lagi menunggu pembayaran kartu."))
    lines = list(
        db.session.scalars(
            sa.select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.id)
        )
    )
    latest = _latest_payment(order_id)
    attempts = db.session.scalar(
        sa.select(sa.func.count(Payment.id)).where(
            Payment.order_id == order_id,
            Payment.provider == STRIPE,
            Payment.provider_reference.is_not(None),
        )
    )
    success_url, cancel_url = return_urls(order)
    params = session_params(order, lines, success_url=success_url, cancel_url=cancel_url,
                            customer_email=buyer_email(order), now=now_utc())  # fmt: skip
    number = order.number
    open_attempt = None
    if latest is not None and latest.provider_reference and latest.status == "pending":
        open_attempt = (latest.id, latest.provider_reference)
    db.session.commit()  # end the read: nothing is held while Stripe answers
    if open_attempt is not None:
        existing = gateway.retrieve_checkout_session(open_attempt[1])
        if existing.status == "open":
            return existing
        if existing.status == "complete":  # paid (or settling): its webhook is on its way
            raise Conflict(_("Pembayaran kartu Anda sedang diproses. Tunggu sebentar."))
        _close_attempt(open_attempt[0])
    session = gateway.create_checkout_session(
        params, idempotency_key=idempotency_key(number, attempts + 1)
    )
    _record_session(order_id, session)
    return session


def _close_attempt(payment_id: int) -> None:
    """A pending attempt whose session expired at Stripe (its webhook may still be coming)."""
    with atomic():
        db.session.execute(
            sa.update(Payment)
            .where(Payment.id == payment_id, Payment.status == "pending")
            .values(status="expired", decided_at=now_utc())
        )


def _record_session(order_id: int, session: gateway.CheckoutSession) -> None:
    """Keep the session id on the order's unused pending Stripe payment (or a new one).

    The same session may come back twice (a retry with the same key): it is recorded once.
    """
    try:
        with atomic():
            known = db.session.scalar(
                sa.select(Payment.id).where(Payment.provider_reference == session.id)
            )
            if known is not None:
                return
            unused = db.session.scalar(
                sa.select(Payment)
                .where(
                    Payment.order_id == order_id,
                    Payment.provider == STRIPE,
                    Payment.status == "pending",
                    Payment.provider_reference.is_(None),
                )
                .order_by(Payment.id)
                .limit(1)
            )
            if unused is None:
                total = db.session.scalar(sa.select(Order.total_idr).where(Order.id == order_id))
                unused = Payment(order_id=order_id, provider=STRIPE, amount_idr=total)
                db.session.add(unused)
            unused.provider_reference = session.id
            unused.checkout_url = session.url
    except IntegrityError:
        # A concurrent retry recorded the very same session first.
        if db.session.scalar(sa.select(Payment.id).where(Payment.provider_reference == session.id)):
            return
        raise


def switch_to_transfer(*, order_id: int) -> Order:
    """The buyer gives up on the card: the order waits for a bank transfer instead.

    The order keeps its stock and expiry. Its open Stripe sessions are closed at Stripe after
    commit, so they can no longer be paid; a payment that still slips through marks the order
    paid as usual (the webhook accepts it while the order is unpaid).
    """
    with atomic():
        changed = db.session.execute(
            sa.update(Order)
            .where(Order.id == order_id, Order.status == PENDING, Order.payment_method == STRIPE)
            .values(payment_method=providers.ManualTransfer.name)
        ).rowcount
        if changed != 1:
            raise Conflict(_("Pesanan ini tidak lagi menunggu pembayaran kartu."))
        open_sessions = list(
            db.session.scalars(
                sa.select(Payment.provider_reference).where(
                    Payment.order_id == order_id,
                    Payment.provider == STRIPE,
                    Payment.status == "pending",
                    Payment.provider_reference.is_not(None),
                )
            )
        )
        db.session.execute(
            sa.update(Payment)
            .where(
                Payment.order_id == order_id,
                Payment.provider == STRIPE,
                Payment.status == "pending",
            )
            .values(status="expired", decided_at=now_utc(), note="switched to bank transfer")
        )
        total = db.session.scalar(sa.select(Order.total_idr).where(Order.id == order_id))
        db.session.add(
            Payment(order_id=order_id, provider=providers.ManualTransfer.name, amount_idr=total)
        )
        after_commit(lambda: _expire_sessions(open_sessions))
    return db.session.get(Order, order_id, populate_existing=True)


def _expire_sessions(session_ids: list[str]) -> None:
    """Close sessions at Stripe, best effort: one left open expires by itself anyway."""
    for session_id in session_ids:
        try:
            gateway.expire_checkout_session(session_id)
        except gateway.StripeUnavailable:
            current_app.logger.warning("stripe: session %s left to expire by itself", session_id)


def init_app(app: Flask) -> None:
    """Register the provider and, when Stripe is on, let forms redirect to its hosted page.

    The CSP's form-action must allow Stripe's origin: checkout answers its form with a redirect
    there. With STRIPE_API_BASE set (tests, a local fake), that origin is allowed as well.
    """
    providers.register(StripeProvider())
    app.add_template_global(card_state, "stripe_card_state")
    if not gateway.is_enabled(app.config):
        return
    extra = list(app.config.get("CSP_FORM_ACTION_EXTRA") or [])
    origins = [STRIPE_CHECKOUT_ORIGIN]
    base = urlsplit(app.config.get("STRIPE_API_BASE") or "")
    if base.scheme and base.netloc:
        origins.append(f"{base.scheme}://{base.netloc}")
    for origin in origins:
        if origin not in extra:
            extra.append(origin)
    app.config["CSP_FORM_ACTION_EXTRA"] = extra
