"""The provider registry: bank transfer by default, ready for Stripe to join."""

from __future__ import annotations

import pytest

from marketplace.errors import ValidationError
from marketplace.payments import providers
from tests.orders.factories import order_for, shop


def test_manual_transfer_is_the_default_and_always_enabled(ctx):
    enabled = providers.enabled()
    assert enabled[0].name == "manual_transfer"
    assert providers.get("manual_transfer").is_enabled(ctx)


def test_bank_transfer_instructions_show_the_exact_amount_and_reference(ctx):
    ctx.config["BANK_TRANSFER_ACCOUNT_NUMBER"] = "999-888-777"
    _artisan, (product,) = shop()
    order = order_for({product.id: 1}).order
    info = providers.get("manual_transfer").instructions(order).context
    assert info["amount_idr"] == order.total_idr
    assert info["reference"] == order.number
    assert info["account_number"] == "999-888-777"
    assert info["bank_name"]  # a sane demo default
    assert providers.get("manual_transfer").start(order).redirect_url is None


def test_a_new_provider_can_register_and_a_disabled_one_is_refused(ctx, monkeypatch):
    class Fake(providers.PaymentProvider):
        name = "fake"

        def is_enabled(self, app):
            return bool(app.config.get("FAKE_ON"))

    monkeypatch.setitem(providers.PROVIDERS, "fake", Fake())
    assert [p.name for p in providers.enabled()] == ["manual_transfer"]
    with pytest.raises(ValidationError):
        providers.enabled_provider("fake")
    ctx.config["FAKE_ON"] = True
    assert [p.name for p in providers.enabled()] == ["manual_transfer", "fake"]
    with pytest.raises(ValidationError):
        providers.get("nope")
