"""Payment providers behind one interface, and the registry of them.

`manual_transfer` (bank transfer, confirmed by BNN staff) is the default and always on. The Stripe
work adds a provider with `register(StripeProvider())`; checkout offers every enabled provider and
calls `start(order)` after the order is committed (never inside the transaction: a provider may
call out over the network).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.errors import ValidationError

# Demo defaults: the real account is set per deployment (BANK_TRANSFER_* settings).
BANK_DEFAULTS = {
    "BANK_TRANSFER_BANK_NAME": "Bank Rakyat Indonesia (BRI)",
    "BANK_TRANSFER_ACCOUNT_NUMBER": "0123-01-000456-30-9",
    "BANK_TRANSFER_ACCOUNT_HOLDER": "BNN Pemberdayaan Masyarakat (DEMO)",
}


@dataclass(frozen=True)
class PaymentStart:
    """What to do once an order is placed: send the buyer away (redirect_url) or show the order."""

    redirect_url: str | None = None


@dataclass(frozen=True)
class Instructions:
    """What the order page shows while the order waits for payment."""

    template: str
    context: dict = field(default_factory=dict)


class PaymentProvider:
    """The interface every provider implements."""

    name: str = ""
    label = _l("Pembayaran")

    def is_enabled(self, app: Flask) -> bool:
        """True when the provider is configured for this app."""
        raise NotImplementedError

    def start(self, order) -> PaymentStart:
        """Begin paying a committed order (called after commit, outside any transaction)."""
        raise NotImplementedError

    def instructions(self, order) -> Instructions | None:
        """How to pay an order that is still pending, for the order page and the e-mail."""
        return None


class ManualTransfer(PaymentProvider):
    """Bank transfer: the buyer transfers the exact amount; staff in scope confirm receipt."""

    name = "manual_transfer"
    label = _l("Transfer bank")

    def is_enabled(self, app: Flask) -> bool:
        """Always available: it needs nothing but a bank account."""
        return True

    def start(self, order) -> PaymentStart:
        """Nothing to call: the order page shows the bank details."""
        return PaymentStart()

    def instructions(self, order) -> Instructions:
        """The bank account, the exact amount and the order number to write as the reference."""
        return Instructions(
            template="payments/manual_transfer.html",
            context={**bank_account(), "amount_idr": order.total_idr, "reference": order.number},
        )


def bank_account() -> dict:
    """The bank account buyers transfer to, from the BANK_TRANSFER_* settings."""
    config = current_app.config
    return {
        "bank_name": config.get("BANK_TRANSFER_BANK_NAME")
        or BANK_DEFAULTS["BANK_TRANSFER_BANK_NAME"],
        "account_number": config.get("BANK_TRANSFER_ACCOUNT_NUMBER")
        or BANK_DEFAULTS["BANK_TRANSFER_ACCOUNT_NUMBER"],
        "account_holder": config.get("BANK_TRANSFER_ACCOUNT_HOLDER")
        or BANK_DEFAULTS["BANK_TRANSFER_ACCOUNT_HOLDER"],
    }


PROVIDERS: dict[str, PaymentProvider] = {}
DEFAULT_PROVIDER = ManualTransfer.name


def register(provider: PaymentProvider) -> None:
    """Add (or replace) a provider in the registry."""
    PROVIDERS[provider.name] = provider


def get(name: str) -> PaymentProvider:
    """The provider of that name; ValidationError for an unknown one."""
    provider = PROVIDERS.get(name or "")
    if provider is None:
        raise ValidationError(_("Metode pembayaran tidak dikenal."), field="payment_method")
    return provider


def enabled(app: Flask | None = None) -> list[PaymentProvider]:
    """The providers a buyer may choose now, the default first."""
    app = app or current_app
    found = [p for p in PROVIDERS.values() if p.is_enabled(app)]
    return sorted(found, key=lambda p: (p.name != DEFAULT_PROVIDER, p.name))


def enabled_provider(name: str, app: Flask | None = None) -> PaymentProvider:
    """The named provider if it is enabled; ValidationError otherwise."""
    provider = get(name)
    if not provider.is_enabled(app or current_app):
        raise ValidationError(_("Metode pembayaran ini tidak tersedia."), field="payment_method")
    return provider


register(ManualTransfer())
