"""Stripe's webhook: signed events counted exactly once, however often, late or out of order."""

from __future__ import annotations

import json
import time

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.orders.services import expire_order
from marketplace.payments.models import WebhookEvent
from tests.orders.factories import (
    assert_stock_invariant,
    in_app,
    order_for,
    overdue,
)
from tests.payments.stripe.fake import charge_for, make_event, sign
from tests.payments.stripe.helpers import (
    expired_event,
    in_parallel,
    paid_event,
    place_card_order,
    snapshot,
)


def payment_mails(outbox, number):
    """The buyer's "payment received" e-mails of one order."""
    return [m for m in outbox if number in m["subject"] and "sudah diterima" in m["subject"]]


def test_a_signed_completed_event_marks_the_order_paid_with_ledger_and_mail(
    app, fake, webhook, outbox
):
    order = place_card_order(app)
    response = webhook.post(paid_event(fake, order.session_id))
    assert response.status_code == 200 and response.json["outcome"] == "paid"
    state = snapshot(app, order.id)
    assert state.status == "paid"
    assert state.payments == [("stripe", "succeeded", False)]
    assert state.sales == 2  # one ledger entry per artisan
    assert len(payment_mails(outbox, order.number)) == 1
    in_app(app, assert_stock_invariant, order.received)


@pytest.mark.parametrize(
    "case",
    ["tampered body", "wrong secret", "stale timestamp", "missing header", "not json"],
)
def test_an_unsigned_or_badly_signed_event_is_refused_and_changes_nothing(app, fake, client, case):
    order = place_card_order(app)
    body = json.dumps(paid_event(fake, order.session_id))
    headers = {"Stripe-Signature": sign(body)}
    if case == "tampered body":
        body = body.replace('"payment_status": "paid"', '"payment_status": "paid" ')
    elif case == "wrong secret":
        headers = {"Stripe-Signature": sign(body, "whsec_someone_else")}
    elif case == "stale timestamp":
        headers = {"Stripe-Signature": sign(body, timestamp=int(time.time()) - 301)}
    elif case == "missing header":
        headers = {}
    else:
        body = "not json at all"
        headers = {"Stripe-Signature": sign(body)}
    response = client.post(
        "/payments/stripe/webhook", data=body, headers=headers, content_type="application/json"
    )
    assert response.status_code == 400
    state = snapshot(app, order.id)
    assert state.status == "pending_payment" and state.events == [] and state.sales == 0


def test_without_a_webhook_secret_every_event_is_refused(app, fake, webhook):
    order = place_card_order(app)
    app.config["STRIPE_WEBHOOK_SECRET"] = ""
    assert webhook.post(paid_event(fake, order.session_id)).status_code == 400
    assert snapshot(app, order.id).status == "pending_payment"


def test_the_same_event_five_times_in_a_row_pays_once(app, fake, webhook, outbox):
    order = place_card_order(app)
    event = paid_event(fake, order.session_id)
    outcomes = [webhook.post(event).json["outcome"] for _ in range(5)]
    assert outcomes == ["paid"] + ["duplicate"] * 4
    state = snapshot(app, order.id)
    assert state.status == "paid" and state.sales == 2
    assert state.events == [("checkout.session.completed", "paid", False)]
    assert len(payment_mails(outbox, order.number)) == 1


def test_the_same_event_ten_times_at_once_pays_once(app, fake, outbox):
    order = place_card_order(app)
    body = json.dumps(paid_event(fake, order.session_id))

    def deliver(_i):
        response = app.test_client().post(
            "/payments/stripe/webhook",
            data=body,
            headers={"Stripe-Signature": sign(body)},
            content_type="application/json",
        )
        return response.status_code, response.json["outcome"]

    results = in_parallel(10, deliver)
    assert all(status == 200 for status, _outcome in results), results
    assert sorted(outcome for _status, outcome in results) == ["duplicate"] * 9 + ["paid"]
    state = snapshot(app, order.id)
    assert state.status == "paid" and state.sales == 2 and len(state.events) == 1
    assert len(payment_mails(outbox, order.number)) == 1
    in_app(app, assert_stock_invariant, order.received)


def test_an_expiry_that_arrives_after_the_payment_is_ignored(app, fake, webhook):
    order = place_card_order(app)
    paid = paid_event(fake, order.session_id)
    late_expiry = make_event("checkout.session.expired", dict(paid["data"]["object"]))
    assert webhook.post(paid).json["outcome"] == "paid"
    assert webhook.post(late_expiry).json["outcome"] == "ignored_order_not_pending"
    state = snapshot(app, order.id)
    assert state.status == "paid" and state.stock == [3, 4]  # stock still with the buyer
    in_app(app, assert_stock_invariant, order.received)


def test_an_expiry_gives_the_stock_back_once(app, fake, webhook):
    order = place_card_order(app)
    event = expired_event(fake, order.session_id)
    assert webhook.post(event).json["outcome"] == "expired"
    again = make_event("checkout.session.expired", event["data"]["object"])
    assert webhook.post(again).json["outcome"] == "ignored_order_not_pending"
    state = snapshot(app, order.id)
    assert state.status == "expired" and state.stock == [5, 5]
    assert state.payments == [("stripe", "expired", False)]
    in_app(app, assert_stock_invariant, order.received)


def test_a_payment_after_the_expiry_is_flagged_and_refunded_not_oversold(app, fake, webhook):
    order = place_card_order(app, stock=2)
    assert webhook.post(expired_event(fake, order.session_id)).json["outcome"] == "expired"
    # Someone else buys the units the expiry gave back.
    in_app(app, order_for, {order.product_ids[0]: 2, order.product_ids[1]: 2})
    paid = paid_event(fake, order.session_id)
    response = webhook.post(paid)
    assert response.status_code == 200 and response.json["outcome"] == "flagged_refunding"
    state = snapshot(app, order.id)
    assert state.status == "expired" and state.stock == [0, 0] and state.sales == 0
    assert state.payments == [("stripe", "succeeded", True)]
    assert state.events[-1] == ("checkout.session.completed", "flagged_refunding", True)
    (refund,) = fake.calls("POST", "/v1/refunds")
    assert refund.idempotency_key == f"refund-{paid['id']}"
    assert refund.params["payment_intent"] == fake.sessions[order.session_id]["payment_intent"]
    # Stripe then reports the refund: the payment is closed, the expired order stays as it is.
    refunded = make_event("charge.refunded", charge_for(fake.sessions[order.session_id]))
    assert webhook.post(refunded).json["outcome"] == "refund_recorded"
    state = snapshot(app, order.id)
    assert state.status == "expired" and state.payments == [("stripe", "refunded", True)]


def test_a_payment_for_an_order_the_clock_expired_is_refunded(app, fake, webhook):
    order = place_card_order(app)
    in_app(app, overdue, order.id)
    in_app(app, expire_order, order.id)
    assert webhook.post(paid_event(fake, order.session_id)).json["outcome"] == "flagged_refunding"
    assert snapshot(app, order.id).status == "expired"
    assert len(fake.calls("POST", "/v1/refunds")) == 1


def test_a_refund_that_stripe_cannot_take_now_stays_flagged_for_staff(app, fake, webhook):
    order = place_card_order(app)
    assert webhook.post(expired_event(fake, order.session_id)).status_code == 200
    paid = paid_event(fake, order.session_id)
    fake.down = True
    assert webhook.post(paid).status_code == 200
    fake.down = False

    def reason():
        from marketplace.payments.models import Payment

        return db.session.scalar(sa.select(Payment.flag_reason).where(Payment.order_id == order.id))

    assert "automatic refund failed" in in_app(app, reason)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"amount_total": 43_800_000 - 100}, "amount_total"),
        ({"currency": "usd"}, "currency"),
        ({"client_reference_id": "BNN-000000-XXXXXX"}, "client_reference_id"),
    ],
)
def test_a_session_that_does_not_match_the_order_is_flagged_never_paid(
    app, fake, webhook, changes, problem
):
    order = place_card_order(app)
    response = webhook.post(paid_event(fake, order.session_id, **changes))
    assert response.status_code == 200 and response.json["outcome"] == "flagged_mismatch"
    state = snapshot(app, order.id)
    assert state.status == "pending_payment" and state.sales == 0
    assert state.payments == [("stripe", "succeeded", True)]  # taken, flagged, refundable

    def flag():
        return db.session.scalar(sa.select(WebhookEvent.flag_reason))

    assert problem in in_app(app, flag)


def test_an_unknown_session_is_recorded_and_flagged_never_paid(app, fake, webhook):
    order = place_card_order(app, start=False)
    stranger = fake._create_session({"client_reference_id": order.number, "line_items": []})
    response = webhook.post(paid_event(fake, stranger["id"]))
    assert response.json["outcome"] == "flagged_unknown_session"
    state = snapshot(app, order.id)
    assert state.status == "pending_payment"
    assert state.events == [("checkout.session.completed", "flagged_unknown_session", True)]


def test_a_delayed_payment_method_pays_when_it_succeeds_not_before(app, fake, webhook):
    order = place_card_order(app)
    completed = paid_event(fake, order.session_id, payment_status="unpaid")
    assert webhook.post(completed).json["outcome"] == "awaiting_payment"
    assert snapshot(app, order.id).status == "pending_payment"
    session = dict(completed["data"]["object"], payment_status="paid")
    succeeded = make_event("checkout.session.async_payment_succeeded", session)
    assert webhook.post(succeeded).json["outcome"] == "paid"
    assert snapshot(app, order.id).status == "paid"


def test_a_failed_delayed_payment_leaves_the_order_waiting(app, fake, webhook):
    order = place_card_order(app)
    session = dict(fake.sessions[order.session_id], status="complete")
    failed = make_event("checkout.session.async_payment_failed", session)
    assert webhook.post(failed).json["outcome"] == "payment_failed"
    state = snapshot(app, order.id)
    assert state.status == "pending_payment" and state.payments == [("stripe", "failed", False)]


def test_a_full_refund_in_stripe_refunds_the_order_once(app, fake, webhook, outbox):
    order = place_card_order(app)
    webhook.post(paid_event(fake, order.session_id))
    charge = charge_for(fake.sessions[order.session_id])
    assert webhook.post(make_event("charge.refunded", charge)).json["outcome"] == "refunded"
    again = webhook.post(make_event("charge.refunded", charge)).json["outcome"]
    assert again == "already_refunded"
    state = snapshot(app, order.id)
    assert state.status == "refunded" and state.sales == 2 and state.reversals == 2
    assert state.payments == [("stripe", "refunded", False)]
    assert [m for m in outbox if "dikembalikan" in m["subject"].lower()]
    in_app(app, assert_stock_invariant, order.received)


def test_a_partial_refund_is_flagged_and_the_order_stays_paid(app, fake, webhook):
    order = place_card_order(app)
    webhook.post(paid_event(fake, order.session_id))
    charge = charge_for(fake.sessions[order.session_id], refunded=False, amount_refunded=100_00)
    response = webhook.post(make_event("charge.refunded", charge))
    assert response.json["outcome"] == "flagged_partial_refund"
    state = snapshot(app, order.id)
    assert state.status == "paid" and state.reversals == 0


def test_events_of_other_kinds_are_stored_and_acknowledged(app, webhook):
    response = webhook.post(make_event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert response.status_code == 200 and response.json["outcome"] == "ignored"


def test_the_webhook_needs_no_csrf_token(app, fake, webhook):
    app.config["WTF_CSRF_ENABLED"] = True
    order = place_card_order(app)
    assert webhook.post(paid_event(fake, order.session_id)).json["outcome"] == "paid"


def test_different_events_for_one_payment_at_once_pay_once_and_refund_nothing(app, fake):
    order = place_card_order(app)
    bodies = [json.dumps(paid_event(fake, order.session_id)) for _ in range(10)]

    def deliver(i):
        response = app.test_client().post(
            "/payments/stripe/webhook",
            data=bodies[i],
            headers={"Stripe-Signature": sign(bodies[i])},
            content_type="application/json",
        )
        return response.json["outcome"]

    outcomes = in_parallel(10, deliver)
    assert sorted(outcomes) == ["already_paid"] * 9 + ["paid"], outcomes
    assert fake.calls("POST", "/v1/refunds") == []
    state = snapshot(app, order.id)
    assert state.status == "paid" and state.sales == 2 and len(state.events) == 10


def test_a_refund_delivered_before_its_payment_never_marks_the_order_paid(app, fake, webhook):
    order = place_card_order(app)
    paid = paid_event(fake, order.session_id)
    refunded = make_event("charge.refunded", charge_for(fake.sessions[order.session_id]))
    assert webhook.post(refunded).json["outcome"] == "flagged_unknown_charge"
    assert webhook.post(paid).json["outcome"] == "flagged_refunded_first"
    state = snapshot(app, order.id)
    assert state.status == "pending_payment" and state.sales == 0
    assert state.payments == [("stripe", "refunded", True)]
    assert fake.calls("POST", "/v1/refunds") == []
