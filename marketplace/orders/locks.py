"""Row locks of the orders domain, in one place (Saleor's habit), always taken in primary-key order.

Most state changes need no lock: a conditional update on the old state decides the race. A lock
is needed where a change depends on OTHER rows, e.g. "every shipment delivered -> order
completed": without it, two shipments delivered at once could each see the other still undelivered.
On SQLite, atomic() already holds the database write lock (BEGIN IMMEDIATE), so these are no-ops.
"""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.orders.models import Order


def lock_order(order_id: int) -> None:
    """Hold the order row until the transaction ends (PostgreSQL `FOR UPDATE`)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return
    db.session.execute(sa.select(Order.id).where(Order.id == order_id).with_for_update())
