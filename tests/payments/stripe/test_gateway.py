"""The Checkout Session and refund calls, as the fake Stripe receives them."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.orders.tokens import access_token_for
from marketplace.payments import stripe_gateway as gateway
from marketplace.payments.models import Payment
from marketplace.payments.stripe_provider import start_card_payment
from tests.orders.factories import assert_stock_invariant, in_app
from tests.payments.stripe.fake import SECRET_KEY
from tests.payments.stripe.helpers import TOTAL_IDR, place_card_order


def order_row(app, order_id):
    """(expires_at, idempotency_key, titles of the lines) of an order."""
    from marketplace.orders.models import OrderLine

    def run():
        order = db.session.get(Order, order_id)
        titles = db.session.scalars(
            sa.select(OrderLine.title).where(OrderLine.order_id == order_id).order_by(OrderLine.id)
        ).all()
        return order.expires_at, order.idempotency_key, list(titles)

    return in_app(app, run)


def test_the_session_carries_each_line_shipping_idr_amounts_expiry_and_key(app, fake):
    order = place_card_order(app)
    expires_at, key, titles = order_row(app, order.id)
    (call,) = fake.calls("POST", "/v1/checkout/sessions")
    token = in_app(app, access_token_for, key)
    base = "http://localhost/payments/stripe"  # on SITE_URL (TestingConfig), never the Host
    assert call.idempotency_key == f"checkout-session-{order.number}"
    assert call.authorization == f"Bearer {SECRET_KEY}"
    assert call.params == {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": "idr",
                    "unit_amount": "15000000",
                    "product_data": {"name": titles[0]},
                },
                "quantity": "2",
            },
            {
                "price_data": {
                    "currency": "idr",
                    "unit_amount": "8000000",
                    "product_data": {"name": titles[1]},
                },
                "quantity": "1",
            },
            {
                "price_data": {
                    "currency": "idr",
                    "unit_amount": "5800000",
                    "product_data": {"name": "Ongkos kirim"},
                },
                "quantity": "1",
            },
        ],
        "client_reference_id": order.number,
        "expires_at": str(int(expires_at.timestamp())),
        "metadata": {"order_number": order.number},
        "payment_intent_data": {"metadata": {"order_number": order.number}},
        "locale": "id",
        "success_url": f"{base}/return?order={order.number}&token={token}",
        "cancel_url": f"{base}/cancel?order={order.number}&token={token}",
        "customer_email": "tamu@example.com",
    }
    assert fake.sessions[order.session_id]["amount_total"] == TOTAL_IDR * 100


def test_the_session_is_recorded_on_the_orders_card_payment(app, fake):
    order = place_card_order(app)

    def payment():
        return db.session.scalar(sa.select(Payment).where(Payment.order_id == order.id))

    row = in_app(app, payment)
    assert (row.provider, row.status, row.amount_idr) == ("stripe", "pending", TOTAL_IDR)
    assert row.provider_reference == order.session_id
    assert row.checkout_url == f"{fake.base_url}/pay/{order.session_id}"


def test_the_same_idempotency_key_gets_the_same_session_back(app, fake):
    params = {
        "mode": "payment",
        "line_items": [],
        "success_url": "http://x",
        "cancel_url": "http://x",
    }
    with app.app_context():
        first = gateway.create_checkout_session(params, idempotency_key="checkout-session-A")
        again = gateway.create_checkout_session(params, idempotency_key="checkout-session-A")
        other = gateway.create_checkout_session(params, idempotency_key="checkout-session-B")
    assert first.id == again.id != other.id
    assert len(fake.sessions) == 2


def test_asking_again_for_an_order_reuses_its_open_session(app, fake):
    order = place_card_order(app)
    again = in_app(app, start_card_payment, order_id=order.id)
    assert again.id == order.session_id
    assert len(fake.calls("POST", "/v1/checkout/sessions")) == 1
    assert len(fake.calls("GET", f"/v1/checkout/sessions/{order.session_id}")) == 1


def test_a_new_attempt_after_an_expired_session_uses_a_new_key(app, fake):
    order = place_card_order(app)
    fake.sessions[order.session_id]["status"] = "expired"
    again = in_app(app, start_card_payment, order_id=order.id)
    assert again.id != order.session_id
    keys = [c.idempotency_key for c in fake.calls("POST", "/v1/checkout/sessions")]
    assert keys == [f"checkout-session-{order.number}", f"checkout-session-{order.number}-2"]

    def statuses():
        return db.session.execute(
            sa.select(Payment.status, Payment.provider_reference).order_by(Payment.id)
        ).all()

    assert in_app(app, statuses) == [("expired", order.session_id), ("pending", again.id)]


def test_an_unreachable_stripe_keeps_the_order_and_its_stock(app, fake, caplog):
    fake.down = True
    app.logger.disabled = False  # alembic's fileConfig (PostgreSQL setup) disables app loggers
    with caplog.at_level(logging.WARNING):
        order = place_card_order(app, start=False)
        with pytest.raises(gateway.StripeUnavailable):
            in_app(app, start_card_payment, order_id=order.id)

    def state():
        row = db.session.get(Order, order.id)
        payment = db.session.scalar(sa.select(Payment).where(Payment.order_id == order.id))
        return row.status, payment.status, payment.provider_reference

    assert in_app(app, state) == ("pending_payment", "pending", None)
    in_app(app, assert_stock_invariant, order.received)
    assert "APIConnectionError" in caplog.text
    assert SECRET_KEY not in caplog.text


@pytest.mark.parametrize(
    ("minutes_left", "expected_minutes"),
    [(60, 60), (10, 32), (5, 32), (48 * 60, 24 * 60 - 2)],
)
def test_the_session_expiry_follows_the_order_within_stripes_window(minutes_left, expected_minutes):
    now = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
    got = gateway.session_expiry(now + timedelta(minutes=minutes_left), now)
    assert got == int((now + timedelta(minutes=expected_minutes)).timestamp())


def test_a_refund_with_the_same_key_happens_once(app, fake):
    order = place_card_order(app)
    intent = fake.pay(order.session_id)["payment_intent"]
    with app.app_context():
        first = gateway.create_refund(payment_intent=intent, idempotency_key="r-1", metadata={})
        again = gateway.create_refund(payment_intent=intent, idempotency_key="r-1", metadata={})
        with pytest.raises(gateway.AlreadyRefunded):
            gateway.create_refund(payment_intent=intent, idempotency_key="r-2", metadata={})
    assert first == again and len(fake.refunds) == 1
    assert first.amount == TOTAL_IDR * 100


def test_no_second_session_while_the_first_ones_payment_is_settling(app, fake):
    from marketplace.errors import Conflict

    order = place_card_order(app)
    fake.pay(order.session_id)  # paid on Stripe's page; the webhook has not arrived yet
    with pytest.raises(Conflict):
        in_app(app, start_card_payment, order_id=order.id)
    assert len(fake.calls("POST", "/v1/checkout/sessions")) == 1
