"""Keeping the sales summary (models.py) in step with payments and refunds, and rebuilding it.

Contract for the payment code: call add_order_sales(order_id, sign=+1) in the same transaction that
marks an order paid (after paid_at is set), and add_order_sales(order_id, sign=-1) in the
transaction that refunds it. Both are safe to repeat: an order is counted at most once.
A cancelled shipment of a still-paid order leaves with remove_shipment_sales(order_id,
shipment_id), also safe to repeat; the order's other lines stay counted.
`flask --app wsgi rebuild-summary` rebuilds every table from the order lines.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.dashboard.models import (
    BY_ARTISAN,
    CUBES,
    DAY,
    GRAINS,
    MEASURES,
    ArtisanLastSale,
    Cube,
    SalesShipmentMarker,
)
from marketplace.dashboard.models import SalesOrderMarker as Marker
from marketplace.dashboard.periods import report_day, unit_start
from marketplace.db import now_utc
from marketplace.extensions import db
from marketplace.orders.models import Order, OrderLine

SALE_STATES = ("paid", "completed")
LINE_DIMS = (
    "artisan_province_code",
    "artisan_regency_code",
    "artisan_id",
    "category_id",
    "product_id",
)
# The order counters and the line dimensions that make a line "first" for each of them.
ORDER_LEVELS = {
    "orders_national": (),
    "orders_province": ("artisan_province_code",),
    "orders_regency": ("artisan_regency_code",),
    "orders_artisan": ("artisan_id",),
}


def add_order_sales(order_id: int, sign: int = 1) -> None:
    """Add (sign=+1) or take out (sign=-1) an order's lines in the sales summary.

    Runs inside the caller's transaction. The per-order marker makes it idempotent: adding an
    order already counted, or taking out one not counted, changes nothing.
    """
    if sign not in (1, -1):
        raise ValueError("sign must be +1 or -1")
    # Columns, not the ORM object: the caller may have set paid_at with a Core UPDATE that an
    # object already in the session would not show.
    order = db.session.execute(
        sa.select(Order.id, Order.paid_at, Order.ship_province_code).where(Order.id == order_id)
    ).one_or_none()
    if order is None:
        raise ValueError(f"no order {order_id}")
    day = _claim(order, sign)
    if day is None:
        return
    rows = _counted_lines(order_id)
    for cube in CUBES:
        _apply(cube, _cube_rows(cube, rows, day, order.ship_province_code, sign), sign)
    _update_last_sales(sorted({row["artisan_id"] for row in rows}), day, sign)


def _counted_lines(order_id: int, also_shipment: int | None = None) -> list[dict]:
    """The order's lines the summary counts: all but those of shipments already taken out
    (plus `also_shipment`'s, taken out or not)."""
    line, out = OrderLine.__table__, SalesShipmentMarker.__table__
    taken_out = sa.select(out.c.shipment_id).where(out.c.order_id == order_id)
    if also_shipment is not None:
        taken_out = taken_out.where(out.c.shipment_id != also_shipment)
    query = (
        sa.select(*(line.c[d] for d in LINE_DIMS), line.c.quantity, line.c.line_total_idr)
        .where(line.c.order_id == order_id, line.c.shipment_id.not_in(taken_out))
        .order_by(line.c.id)
    )
    return [dict(row._mapping) for row in db.session.execute(query)]


def remove_shipment_sales(order_id: int, shipment_id: int) -> None:
    """Take one cancelled shipment's lines out of a counted order, once; the rest stay.

    Runs inside the caller's transaction (which holds the order's row lock). The order counters
    depend on which line is an order's first, so the order is taken out with the lines it had and
    put back with the lines it keeps: the tables stay equal to a rebuild. Nothing is subtracted
    when the order is not counted (never paid, or already refunded as a whole).
    """
    out = SalesShipmentMarker.__table__
    claimed = db.session.execute(
        _insert(out)
        .values(shipment_id=shipment_id, order_id=order_id)
        .on_conflict_do_nothing(index_elements=["shipment_id"])
        .returning(out.c.shipment_id)
    ).scalar()
    if claimed is None:
        return
    marker = Marker.__table__
    counted = db.session.execute(
        sa.select(marker.c.report_day, Order.ship_province_code)
        .join(Order, Order.id == marker.c.order_id)
        .where(marker.c.order_id == order_id, marker.c.counted.is_(True))
    ).first()
    if counted is None:
        return
    day, buyer = counted
    before = _counted_lines(order_id, also_shipment=shipment_id)
    after = _counted_lines(order_id)
    for cube in CUBES:
        _apply(cube, _cube_rows(cube, before, day, buyer, -1), -1)
        _apply(cube, _cube_rows(cube, after, day, buyer, +1), +1)
    _update_last_sales(sorted({row["artisan_id"] for row in before}), day, -1)


def _claim(order, sign: int) -> date | None:
    """Flip the order's marker; the report day to write on, or None if there is nothing to do.

    Conditional updates, so two racing calls cannot both apply (the loser's insert fails on the
    primary key and its transaction rolls back).
    """
    marker = Marker.__table__
    flipped = db.session.execute(
        sa.update(marker)
        .where(marker.c.order_id == order.id, marker.c.counted.is_(sign < 0))
        .values(counted=sign > 0)
        .returning(marker.c.report_day)
    ).scalar()
    if flipped is not None or sign < 0:
        return flipped
    exists = db.session.scalar(sa.select(marker.c.order_id).where(marker.c.order_id == order.id))
    if exists is not None:
        return None
    day = report_day(order.paid_at or now_utc())
    db.session.execute(sa.insert(marker).values(order_id=order.id, report_day=day, counted=True))
    return day


def _cube_rows(cube: Cube, lines: list[dict], day: date, buyer: str, sign: int) -> list[dict]:
    """The rows to add to one cube for an order's lines (every grain), keyed and summed."""
    seen: dict[str, set] = {level: set() for level in ORDER_LEVELS}
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(MEASURES))
    for line in lines:
        dims = {**line, "buyer_province_code": buyer}
        flags = []
        for level, key_dims in ORDER_LEVELS.items():
            key = tuple(dims[d] for d in key_dims)
            flags.append(0 if key in seen[level] else 1)
            seen[level].add(key)
        values = (line["line_total_idr"], line["quantity"], 1, *flags)
        for grain in GRAINS:
            key = (grain, unit_start(day, grain), *(dims[d] for d in cube.dims))
            total = sums[key]
            for i, value in enumerate(values):
                total[i] += sign * value
    names = ("grain", "bucket", *cube.dims)
    return [{**dict(zip(names, key, strict=True)), **dict(zip(MEASURES, total, strict=True))}
            for key, total in sums.items()]  # fmt: skip


def _insert(table: sa.Table):
    """INSERT for the session's database, which has ON CONFLICT on SQLite and PostgreSQL alike."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _apply(cube: Cube, rows: list[dict], sign: int) -> None:
    """Upsert the rows (adding to existing sums); after a subtraction drop rows left empty."""
    if not rows:
        return
    table = cube.table
    stmt = _insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[c.name for c in table.primary_key.columns],
        set_={m: table.c[m] + stmt.excluded[m] for m in MEASURES},
    )
    db.session.execute(stmt, rows)
    if sign < 0:
        keys = [c.name for c in table.primary_key.columns]
        delete = sa.delete(table).where(
            table.c.line_count <= 0, *(table.c[k] == sa.bindparam(f"k_{k}") for k in keys)
        )
        db.session.execute(delete, [{f"k_{k}": row[k] for k in keys} for row in rows])


def _update_last_sales(artisan_ids: list[int], day: date, sign: int) -> None:
    """Move each artisan's last sale day forward to `day`, or back after a refund."""
    table = ArtisanLastSale.__table__
    for artisan_id in artisan_ids:
        if sign > 0:
            stmt = _insert(table).values(artisan_id=artisan_id, last_day=day)
            stmt = stmt.on_conflict_do_update(
                index_elements=["artisan_id"],
                set_={"last_day": day},
                where=table.c.last_day < day,
            )
            db.session.execute(stmt)
            continue
        days = BY_ARTISAN.table
        last = db.session.scalar(
            sa.select(sa.func.max(days.c.bucket)).where(
                days.c.grain == DAY, days.c.artisan_id == artisan_id
            )
        )
        if last is None:
            db.session.execute(sa.delete(table).where(table.c.artisan_id == artisan_id))
        else:
            db.session.execute(
                sa.update(table).where(table.c.artisan_id == artisan_id).values(last_day=last)
            )


def rebuild_summary() -> dict[str, int]:
    """Recompute every summary table from the order lines (see rebuild.py); rows per table."""
    from marketplace.dashboard.rebuild import rebuild

    return rebuild()
