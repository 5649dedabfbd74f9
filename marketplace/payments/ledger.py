"""The artisans' earnings ledger: append-only entries, summed for a balance.

The rule for a sale: an artisan earns, per shipment, the goods subtotal PLUS the shipping fee of
that shipment, because the artisan pays the courier. A refund or cancellation after payment adds
one reversing entry per shipment for the same amount, negative. Payouts (payments/payouts.py) add
negative 'payout' entries. The unique (kind, shipment_id) constraint makes a sale or a reversal
happen at most once per shipment, even if a caller repeats itself.

Call record_sale and record_reversal inside the transaction that changes the order's state.

balance_of() splits the sum into pending and settled (see the comment above Balance).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.accounts.models import NATIONAL
from marketplace.accounts.scope import scope_filter
from marketplace.artisans.models import Artisan
from marketplace.db import now_utc
from marketplace.extensions import db
from marketplace.orders.models import Shipment
from marketplace.payments.models import LedgerEntry


def _insert_once(rows: list[dict]) -> None:
    """Insert entries, skipping any (kind, shipment) already recorded."""
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(LedgerEntry).on_conflict_do_nothing(index_elements=["kind", "shipment_id"])
    db.session.execute(statement, rows)


def record_sale(order_id: int) -> None:
    """One 'sale' entry per shipment of the order: goods subtotal + shipping fee."""
    now = now_utc()
    shipments = db.session.execute(
        sa.select(Shipment.id, Shipment.artisan_id, Shipment.subtotal_idr, Shipment.shipping_idr)
        .where(Shipment.order_id == order_id)
        .order_by(Shipment.id)
    ).all()
    _insert_once(
        [
            {
                "artisan_id": artisan_id,
                "kind": "sale",
                "amount_idr": subtotal + shipping,
                "order_id": order_id,
                "shipment_id": shipment_id,
                "created_at": now,
                "note": "",
            }
            for shipment_id, artisan_id, subtotal, shipping in shipments
        ]
    )


def record_reversal(order_id: int, note: str = "") -> None:
    """One negative 'reversal' per shipment that has a sale entry, cancelling it exactly."""
    now = now_utc()
    sales = db.session.execute(
        sa.select(LedgerEntry.artisan_id, LedgerEntry.shipment_id, LedgerEntry.amount_idr)
        .where(LedgerEntry.order_id == order_id, LedgerEntry.kind == "sale")
        .order_by(LedgerEntry.shipment_id)
    ).all()
    _insert_once(
        [
            {
                "artisan_id": artisan_id,
                "kind": "reversal",
                "amount_idr": -amount,
                "order_id": order_id,
                "shipment_id": shipment_id,
                "created_at": now,
                "note": note[:500],
            }
            for artisan_id, shipment_id, amount in sales
        ]
    )


def balance(artisan_id: int) -> int:
    """What BNN owes the artisan now: sales minus reversals minus payouts, in Rupiah."""
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_idr), 0)).where(
            LedgerEntry.artisan_id == artisan_id
        )
    )
    return int(total or 0)


def record_shipment_reversal(shipment_id: int, note: str = "") -> int:
    """One negative 'reversal' cancelling one shipment's sale (a cancelled shipment), once.

    Keyed by the same unique (kind, shipment_id) as record_reversal, so a later reversal of the
    whole order skips this shipment. Returns the Rupiah reversed now (0 if done before or no sale).
    """
    sale = db.session.execute(
        sa.select(LedgerEntry.artisan_id, LedgerEntry.order_id, LedgerEntry.amount_idr).where(
            LedgerEntry.shipment_id == shipment_id, LedgerEntry.kind == "sale"
        )
    ).first()
    if sale is None:
        return 0
    artisan_id, order_id, amount = sale
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    inserted = db.session.execute(
        insert(LedgerEntry)
        .values(
            artisan_id=artisan_id,
            kind="reversal",
            amount_idr=-amount,
            order_id=order_id,
            shipment_id=shipment_id,
            created_at=now_utc(),
            note=note[:500],
        )
        .on_conflict_do_nothing(index_elements=["kind", "shipment_id"])
        .returning(LedgerEntry.id)
    ).scalar()
    return amount if inserted is not None else 0


# Settled before it is paid out: a sale (and its reversal) counts as pending while its parcel is
# not delivered, or was delivered less than PAYOUT_HOLD_DAYS ago; everything else is settled.
# Settled can go below zero (a refund after a payout): that is a debt the next settled sales pay
# off first, and it is shown as such, never as a silently negative balance.


@dataclass(frozen=True)
class Balance:
    """An artisan's earnings in two parts: pending (held) and settled (may be negative: a debt)."""

    pending_idr: int
    settled_idr: int

    @property
    def available_idr(self) -> int:
        """What staff may pay out now."""
        return max(0, self.settled_idr)

    @property
    def debt_idr(self) -> int:
        """What the artisan owes BNN (a refund after a payout), settled by the next sales."""
        return max(0, -self.settled_idr)

    @property
    def total_idr(self) -> int:
        """The ledger's sum: sales - reversals - payouts."""
        return self.pending_idr + self.settled_idr


def hold_cutoff(now: datetime | None = None) -> datetime:
    """Parcels delivered at or before this moment have served their hold."""
    days = current_app.config.get("PAYOUT_HOLD_DAYS", 7)
    return (now or now_utc()) - timedelta(days=days)


def _pending_amount(cutoff: datetime) -> sa.ColumnElement[int]:
    """An entry's amount if its shipment is still held, else 0 (payouts are never held)."""
    held = sa.and_(
        LedgerEntry.shipment_id.is_not(None),
        sa.or_(Shipment.delivered_at.is_(None), Shipment.delivered_at > cutoff),
    )
    return sa.case((held, LedgerEntry.amount_idr), else_=0)


def balances_query(now: datetime | None = None, *, scope: str | None = None) -> sa.Select:
    """(artisan_id, pending_idr, settled_idr) per artisan with entries: one grouped query.

    With a staff scope, only the artisans inside it, filtered before grouping (a regency's
    artisans are found by index, not by summing the whole country's ledger). Filter on its
    columns for who can be paid (settled > 0) or who owes (settled < 0).
    """
    pending = sa.func.coalesce(sa.func.sum(_pending_amount(hold_cutoff(now))), 0)
    total = sa.func.coalesce(sa.func.sum(LedgerEntry.amount_idr), 0)
    query = sa.select(
        LedgerEntry.artisan_id.label("artisan_id"),
        pending.label("pending_idr"),
        (total - pending).label("settled_idr"),
    )
    if scope is not None and scope != NATIONAL:
        # The scope's artisans join before the LEFT JOIN to shipments: SQLite keeps joins in
        # their order around a LEFT JOIN, so joined after it, every entry of the country would
        # be looked up in shipments before the scope dropped it (7 s instead of 0.2 s).
        query = (
            query.select_from(Artisan)
            .join(LedgerEntry, LedgerEntry.artisan_id == Artisan.id)
            .where(scope_filter(scope, Artisan.regency_code))
        )
    return query.outerjoin(Shipment, Shipment.id == LedgerEntry.shipment_id).group_by(
        LedgerEntry.artisan_id
    )


def balance_of(artisan_id: int, now: datetime | None = None) -> Balance:
    """The artisan's pending and settled earnings at `now` (default: now), in one query."""
    row = db.session.execute(
        balances_query(now).where(LedgerEntry.artisan_id == artisan_id)
    ).first()
    if row is None:
        return Balance(pending_idr=0, settled_idr=0)
    return Balance(pending_idr=int(row.pending_idr), settled_idr=int(row.settled_idr))
