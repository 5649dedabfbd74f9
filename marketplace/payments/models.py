"""Payments, provider webhook events, the artisans' earnings ledger and payouts.

Nothing here is ever deleted: these rows are the record of money.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, now_utc


class Payment(Base):
    """One attempt to pay an order through a provider (bank transfer or Stripe)."""

    __tablename__ = "payments"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('pending', 'succeeded', 'rejected', 'failed', 'refunded', 'expired')",
            name="status_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    provider: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(16), default="pending", index=True)
    amount_idr: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3), default="IDR")
    provider_reference: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    checkout_url: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    flagged: Mapped[bool] = mapped_column(default=False, index=True)
    flag_reason: Mapped[str] = mapped_column(sa.Text, default="")


class WebhookEvent(Base):
    """A provider event, stored once by its id so that a repeated delivery does nothing."""

    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(sa.String(20))
    event_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    event_type: Mapped[str] = mapped_column(sa.String(80))
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(default=now_utc)
    payload: Mapped[str] = mapped_column(sa.Text)
    outcome: Mapped[str] = mapped_column(sa.String(40), default="")
    flagged: Mapped[bool] = mapped_column(default=False, index=True)
    flag_reason: Mapped[str] = mapped_column(sa.Text, default="")


class LedgerEntry(Base):
    """An append-only line of an artisan's earnings: + sale, - refund/cancel, - payout.

    A sale or its reversal is written at most once per shipment (unique kind + shipment).
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        sa.UniqueConstraint("kind", "shipment_id", name="uq_ledger_entries_kind_shipment"),
        sa.CheckConstraint("kind IN ('sale', 'reversal', 'payout')", name="kind_known"),
        # Covers the balances (ledger.balances_query): each artisan's amounts and shipments are
        # read from the index alone, without a lookup of every entry's row.
        sa.Index("ix_ledger_entries_artisan_balance", "artisan_id", "shipment_id", "amount_idr"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    artisan_id: Mapped[int] = mapped_column(sa.ForeignKey("artisans.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    amount_idr: Mapped[int] = mapped_column(sa.BigInteger)
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    shipment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shipments.id"))
    payout_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payouts.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    note: Mapped[str] = mapped_column(sa.Text, default="")


class Payout(Base):
    """Money BNN paid out to an artisan against their ledger balance."""

    __tablename__ = "payouts"
    __table_args__ = (sa.CheckConstraint("amount_idr > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    artisan_id: Mapped[int] = mapped_column(sa.ForeignKey("artisans.id"), index=True)
    amount_idr: Mapped[int] = mapped_column(sa.BigInteger)
    paid_on: Mapped[date]
    bank_reference: Mapped[str] = mapped_column(sa.String(80))
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)


class Refund(Base):
    """Money BNN owes a buyer back, and once transferred, how it was paid (payments/refunds.py).

    One per cancelled shipment of a paid bank-transfer order (unique shipment_id; NULL is left
    for a refund of a whole order). owed -> paid with a conditional update, so it is recorded
    paid once. The amount is the shipment's goods subtotal + shipping fee, what the buyer paid
    for it.
    """

    __tablename__ = "refunds"
    __table_args__ = (
        sa.UniqueConstraint("shipment_id", name="uq_refunds_shipment_id"),
        sa.CheckConstraint("amount_idr > 0", name="amount_positive"),
        sa.CheckConstraint("status IN ('owed', 'paid')", name="status_known"),
        sa.CheckConstraint(
            "status = 'owed' OR (paid_on IS NOT NULL AND recorded_by_id IS NOT NULL "
            "AND bank_reference <> '')",
            name="paid_is_recorded",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    shipment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shipments.id"))
    amount_idr: Mapped[int] = mapped_column(sa.BigInteger)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(sa.String(8), default="owed", index=True)
    paid_on: Mapped[date | None]
    bank_reference: Mapped[str] = mapped_column(sa.String(80), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    recorded_at: Mapped[datetime | None]
