"""Stripe tests run against the fake Stripe of fake.py: the suite never reaches the network."""

from __future__ import annotations

import json

import pytest

from tests.payments.stripe.fake import SECRET_KEY, WEBHOOK_SECRET, FakeStripe, sign


@pytest.fixture
def fake():
    """A fresh fake Stripe on a random local port."""
    server = FakeStripe()
    yield server
    server.close()


@pytest.fixture
def app(app, fake):
    """The test app with Stripe switched on and pointed at the fake."""
    from marketplace.payments import stripe_views

    app.config.update(
        STRIPE_SECRET_KEY=SECRET_KEY,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=fake.base_url,
        STRIPE_MAX_NETWORK_RETRIES=0,
        STRIPE_TIMEOUT_SECONDS=5,
    )
    for blueprint in (stripe_views.bp, stripe_views.staff_bp):
        if blueprint.name not in app.blueprints:
            app.register_blueprint(blueprint)
    stripe_views.init_app(app)
    return app


class WebhookPoster:
    """Posts events to the webhook as Stripe would: JSON body, signed with the shared secret."""

    def __init__(self, client):
        self._client = client

    def post(self, event: dict | str, *, secret: str = WEBHOOK_SECRET, timestamp=None, header=True):
        """Send one event; `header=False` leaves the signature out."""
        body = event if isinstance(event, str) else json.dumps(event)
        headers = {"Stripe-Signature": sign(body, secret, timestamp)} if header else {}
        return self._client.post(
            "/payments/stripe/webhook",
            data=body,
            headers=headers,
            content_type="application/json",
        )


@pytest.fixture
def webhook(client):
    """`webhook.post(event)`: deliver a signed event through the real endpoint."""
    return WebhookPoster(client)
