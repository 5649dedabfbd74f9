"""The artisans' earnings ledger: append-only entries, summed for a balance.

The rule for a sale: an artisan earns, per shipment, the goods subtotal PLUS the shipping fee of
that shipment, because the artisan pays the courier. A refund or cancellation after payment adds
one reversing entry per shipment for the same amount, negative. Payouts (payments/payouts.py) add
negative 'payout' entries. The unique (kind, shipment_id) constraint makes a sale or a reversal
happen at most once per shipment, even if a caller repeats itself.

Call record_sale and record_reversal inside the transaction that changes the order's state.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

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
