"""The staff's work queues shown on the dashboard: how many items wait, within the scope.

The queues' own pages belong to other domains (staff_artisans, staff_payments, staff_orders).
The dashboard links to them only when they are registered, so a missing page never breaks it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import NATIONAL
from marketplace.accounts.scope import scope_filter
from marketplace.artisans.models import Artisan, ArtisanStatus
from marketplace.extensions import db
from marketplace.orders.models import OrderLine
from marketplace.payments import ledger
from marketplace.payments.models import Payment, WebhookEvent

# Candidate endpoints and paths of each queue's page, most likely first.
LINKS = {
    "artisans": (("staff_artisans.index", "staff_artisans.queue"), "/dashboard/artisans/"),
    "transfers": (("staff_payments.transfers",), "/dashboard/payments/transfers"),
    "flagged": (("staff_payments.flagged", "staff_stripe.flagged"), "/dashboard/payments/flagged"),
    "payouts": (
        ("staff_artisans.payouts_due", "staff_payments.payouts"),
        "/dashboard/artisans/payouts",
    ),
    "debts": (("staff_artisans.payouts_due",), "/dashboard/artisans/payouts"),
    "audit": (("staff_artisans.audit",), "/dashboard/artisans/audit"),
    "shipping_rates": (("staff_orders.shipping_rates",), "/dashboard/orders/shipping-rates"),
}


@dataclass(frozen=True)
class QueueItem:
    """One item shown on a queue's card: a name, an amount in Rupiah, its page (or None)."""

    label: str
    amount_idr: int
    url: str | None


@dataclass(frozen=True)
class Queue:
    """One queue: what it is, how many items wait (None: nothing to count), where it lives."""

    key: str
    label: object
    count: int | None
    url: str | None
    items: tuple[QueueItem, ...] = ()


def queue_url(key: str, **query) -> str | None:
    """The URL of a queue's page (with `query` arguments) if it is registered here, else None."""
    endpoints, path = LINKS[key]
    for endpoint in endpoints:
        if endpoint in current_app.view_functions:
            return url_for(endpoint, **query)
    for rule in current_app.url_map.iter_rules():
        same_path = rule.rule.rstrip("/") == path.rstrip("/")
        if same_path and not rule.arguments and "GET" in (rule.methods or ()):
            return url_for(rule.endpoint, **query)
    return None


PAYOUT_COUNT_SECONDS = 60


def _rare(clause):
    """Tell SQLite that few rows match (pending or flagged payments among many settled ones).

    Its statistics hold no value distribution, so after ANALYZE of a table where nearly every
    payment has succeeded it scans the table instead of using the status index.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        return sa.func.unlikely(clause)
    return clause


def _touches_scope(scope: str, order_id) -> sa.ColumnElement[bool]:
    """The order has a line from an artisan in the scope (always, nationally)."""
    if scope == NATIONAL:
        return sa.true()
    return sa.exists().where(
        OrderLine.order_id == order_id, scope_filter(scope, OrderLine.artisan_regency_code)
    )


def _count(model, *conditions) -> int:
    """SELECT count(*) with conditions."""
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions)))


OWING_ON_CARD = 5


@dataclass(frozen=True)
class MoneyQueues:
    """Artisans with money available to pay out, those who owe, and the largest debts."""

    payable: int
    owing: int
    largest_debts: tuple[tuple[int, str, int], ...]  # (artisan id, shop name, debt)


def _money_queues(scope: str) -> MoneyQueues:
    """Artisans of the scope with an available balance, and those in debt (settled below zero).

    A balance is the sum of all of an artisan's ledger entries joined to their shipments'
    delivery (ledger.balances_query), hundreds of thousands of rows for the whole country: one
    grouped query gives both counts, a second the few largest debts, and the result is kept for
    a minute per scope and process.
    """
    cache = current_app.extensions.setdefault("dashboard_payout_counts", {})
    now = time.monotonic()
    kept = cache.get(scope)
    if kept and kept[0] > now:
        return kept[1]
    balances = ledger.balances_query(scope=scope).subquery()
    in_scope = sa.and_(
        Artisan.id == balances.c.artisan_id, scope_filter(scope, Artisan.regency_code)
    )
    settled = balances.c.settled_idr
    payable, owing = db.session.execute(
        sa.select(
            sa.func.count(sa.case((settled > 0, 1))),
            sa.func.count(sa.case((settled < 0, 1))),
        )
        .select_from(balances)
        .join(Artisan, in_scope)
    ).one()
    debts = db.session.execute(
        sa.select(Artisan.id, Artisan.shop_name, -settled)
        .select_from(balances)
        .join(Artisan, in_scope)
        .where(settled < 0)
        .order_by(settled, Artisan.id)
        .limit(OWING_ON_CARD)
    ).all()
    result = MoneyQueues(
        payable=int(payable),
        owing=int(owing),
        largest_debts=tuple((int(i), name, int(debt)) for i, name, debt in debts),
    )
    cache[scope] = (now + PAYOUT_COUNT_SECONDS, result)
    return result


def _debt_items(money: MoneyQueues) -> tuple[QueueItem, ...]:
    """The largest debts, each linked to the artisan's payout page when it exists."""
    has_page = "staff_artisans.artisan_payouts" in current_app.view_functions
    return tuple(
        QueueItem(
            label=name,
            amount_idr=debt,
            url=url_for("staff_artisans.artisan_payouts", artisan_id=artisan_id)
            if has_page
            else None,
        )
        for artisan_id, name, debt in money.largest_debts
    )


def staff_queues(*, scope: str, admin: bool = False) -> list[Queue]:
    """Counts of the staff's queues in their scope, with links where the pages exist."""
    pending_artisans = _count(
        Artisan,
        Artisan.status == ArtisanStatus.PENDING.value,
        scope_filter(scope, Artisan.regency_code),
    )
    transfers = _count(
        Payment,
        _rare(Payment.status == "pending"),
        Payment.provider == "manual_transfer",
        _touches_scope(scope, Payment.order_id),
    )
    flagged = _count(
        Payment, _rare(Payment.flagged.is_(True)), _touches_scope(scope, Payment.order_id)
    ) + _count(
        WebhookEvent,
        _rare(WebhookEvent.flagged.is_(True)),
        _touches_scope(scope, WebhookEvent.order_id),
    )
    money = _money_queues(scope)
    queues = [
        Queue(
            "artisans", _l("Perajin menunggu verifikasi"), pending_artisans, queue_url("artisans")
        ),
        Queue(
            "transfers", _l("Transfer bank menunggu konfirmasi"), transfers, queue_url("transfers")
        ),
        Queue("flagged", _l("Pembayaran ditandai"), flagged, queue_url("flagged")),
        Queue(
            "payouts",
            _l("Perajin dengan saldo untuk dibayarkan"),
            money.payable,
            queue_url("payouts"),
        ),
        Queue(
            "debts",
            _l("Perajin yang berutang ke BNN"),
            money.owing,
            queue_url("debts", tab="owing"),
            _debt_items(money),
        ),
        Queue("audit", _l("Log audit keputusan"), None, queue_url("audit")),
    ]
    if admin:
        queues.append(
            Queue("shipping_rates", _l("Tarif ongkos kirim"), None, queue_url("shipping_rates"))
        )
    return queues
