"""The one module that talks to Stripe, through Stripe's official library.

Everything else in the app calls these functions with plain values and gets plain values back, so
nothing outside this file knows the library's objects or errors. Keys come from the app config
(read from the environment); they are never logged or shown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import stripe
from flask import current_app

# Stripe refuses a Checkout Session that expires sooner than 30 minutes or later than 24 hours after
# it is created. The margins absorb clock skew and the time the request takes.
SESSION_MIN_LIFETIME = timedelta(minutes=30) + timedelta(minutes=2)
SESSION_MAX_LIFETIME = timedelta(hours=24) - timedelta(minutes=2)


class StripeUnavailable(Exception):
    """Stripe could not be reached or refused the request: retry later, or pay another way."""


class AlreadyRefunded(Exception):
    """Stripe says the payment was refunded already (by us, or in Stripe's dashboard)."""


class InvalidSignature(Exception):
    """A webhook whose signature is missing, wrong or too old: it did not come from Stripe."""


@dataclass(frozen=True)
class CheckoutSession:
    """What the app needs to know of a Checkout Session."""

    id: str
    url: str
    status: str
    payment_status: str
    payment_intent: str | None
    amount_total: int | None
    currency: str
    client_reference_id: str | None


@dataclass(frozen=True)
class Refund:
    """A refund Stripe accepted."""

    id: str
    status: str
    amount: int


def is_enabled(config) -> bool:
    """Card payments are on when a secret key is configured."""
    return bool(config.get("STRIPE_SECRET_KEY"))


def _client() -> stripe.StripeClient:
    """A client for this app's key and API base (a local fake in tests)."""
    config = current_app.config
    key = config.get("STRIPE_SECRET_KEY") or ""
    if not key:
        raise StripeUnavailable("card payments are not configured")
    base = config.get("STRIPE_API_BASE") or ""
    return stripe.StripeClient(
        key,
        base_addresses={"api": base} if base else None,
        max_network_retries=int(config.get("STRIPE_MAX_NETWORK_RETRIES", 2)),
        # The library's default waits 80 s; a buyer on a phone should hear back much sooner.
        http_client=stripe.RequestsClient(timeout=float(config.get("STRIPE_TIMEOUT_SECONDS", 20))),
    )


def _session(obj) -> CheckoutSession:
    """Plain values from the library's Session object."""
    data = obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
    payment_intent = data.get("payment_intent")
    if isinstance(payment_intent, dict):
        payment_intent = payment_intent.get("id")
    return CheckoutSession(
        id=data["id"],
        url=data.get("url") or "",
        status=data.get("status") or "",
        payment_status=data.get("payment_status") or "",
        payment_intent=payment_intent,
        amount_total=data.get("amount_total"),
        currency=(data.get("currency") or "").lower(),
        client_reference_id=data.get("client_reference_id"),
    )


def session_expiry(expires_at: datetime, now: datetime) -> int:
    """Unix time for a session's `expires_at`: the order's expiry, moved into Stripe's window.

    An order that expires in less than ~30 minutes gets a session that outlives it; a payment
    that arrives after the order expired is then refunded (see webhooks.py).
    """
    earliest, latest = now + SESSION_MIN_LIFETIME, now + SESSION_MAX_LIFETIME
    return int(min(max(expires_at, earliest), latest).timestamp())


def create_checkout_session(params: dict, *, idempotency_key: str) -> CheckoutSession:
    """Create a Checkout Session; the same key returns the same session instead of a second one."""
    try:
        created = _client().v1.checkout.sessions.create(
            params, options={"idempotency_key": idempotency_key}
        )
    except stripe.StripeError as error:
        _log_failure("create checkout session", error)
        raise StripeUnavailable(type(error).__name__) from error
    return _session(created)


def retrieve_checkout_session(session_id: str) -> CheckoutSession:
    """Ask Stripe for a session's current state (and its payment intent)."""
    try:
        found = _client().v1.checkout.sessions.retrieve(session_id)
    except stripe.StripeError as error:
        _log_failure("retrieve checkout session", error)
        raise StripeUnavailable(type(error).__name__) from error
    return _session(found)


def expire_checkout_session(session_id: str) -> None:
    """Close an open session so that it can no longer be paid."""
    try:
        _client().v1.checkout.sessions.expire(session_id)
    except stripe.StripeError as error:
        _log_failure("expire checkout session", error)
        raise StripeUnavailable(type(error).__name__) from error


def create_refund(*, payment_intent: str, idempotency_key: str, metadata: dict) -> Refund:
    """Refund a payment in full; the same key never refunds twice.

    Raises AlreadyRefunded when Stripe says there is nothing left to refund.
    """
    params = {"payment_intent": payment_intent, "metadata": metadata}
    try:
        refund = _client().v1.refunds.create(params, options={"idempotency_key": idempotency_key})
    except stripe.InvalidRequestError as error:
        if getattr(error, "code", None) == "charge_already_refunded":
            raise AlreadyRefunded(payment_intent) from error
        _log_failure("create refund", error)
        raise StripeUnavailable(type(error).__name__) from error
    except stripe.StripeError as error:
        _log_failure("create refund", error)
        raise StripeUnavailable(type(error).__name__) from error
    data = refund.to_dict()
    return Refund(id=data["id"], status=data.get("status") or "", amount=data.get("amount") or 0)


def verify_event(payload: bytes, signature: str | None) -> dict:
    """Check a webhook's signature on the raw body (library tolerance: 300 s); return the event.

    Raises InvalidSignature for a missing, wrong or stale signature, or a body that is not an event.
    """
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET") or ""
    if not secret or not signature:
        raise InvalidSignature("missing signature or webhook secret")
    try:
        stripe.Webhook.construct_event(payload, signature, secret)
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError) as error:
        raise InvalidSignature(type(error).__name__) from error
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise InvalidSignature("not an event")
    return event


def _log_failure(action: str, error: stripe.StripeError) -> None:
    """Log what failed without the key or the request body (the library's message has neither)."""
    current_app.logger.warning(
        "stripe: %s failed: %s (http %s, request %s)",
        action,
        type(error).__name__,
        getattr(error, "http_status", None),
        getattr(error, "request_id", None),
    )
