"""Rebuilding the sales summary from the order lines (`flask --app wsgi rebuild-summary`).

Day rows of the two finest cubes come straight from the lines of counted orders, with window
functions marking each order's first line per level (the order counters of models.py); the other
cubes' day rows are sums of the summary's; month, quarter and year rows are sums of each cube's
day rows. Everything happens in one transaction, so readers see the old or the new summary.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from marketplace.dashboard.models import (
    BY_ARTISAN,
    BY_PRODUCT,
    CUBES,
    DAY,
    GRAINS,
    MEASURES,
    SUMMARY,
    ArtisanLastSale,
    Cube,
    SalesShipmentMarker,
)
from marketplace.dashboard.models import SalesOrderMarker as Marker
from marketplace.dashboard.periods import report_zone
from marketplace.dashboard.summary import LINE_DIMS, ORDER_LEVELS, SALE_STATES
from marketplace.db import atomic
from marketplace.extensions import db
from marketplace.orders.models import Order, OrderLine, Shipment, ShipmentStatus


def rebuild() -> dict[str, int]:
    """Recompute every summary table and order marker from the order lines, in one transaction.

    Returns the number of rows of each table. Runs ANALYZE afterwards so both databases plan the
    dashboard's queries with fresh statistics.
    """
    with atomic() as session:
        for cube in CUBES:
            session.execute(sa.delete(cube.table))
        session.execute(sa.delete(Marker.__table__))
        session.execute(sa.delete(ArtisanLastSale.__table__))
        session.execute(sa.delete(SalesShipmentMarker.__table__))
        _rebuild_markers(session)
        _rebuild_shipment_markers(session)
        _insert_from_lines(session, SUMMARY)
        _insert_from_lines(session, BY_PRODUCT)
        for cube in CUBES:
            if cube not in (SUMMARY, BY_PRODUCT):
                _insert_rollup(session, cube, SUMMARY)
        for cube in CUBES:
            for grain in GRAINS[1:]:
                _insert_coarse(session, cube, grain)
        days = BY_ARTISAN.table
        session.execute(
            sa.insert(ArtisanLastSale.__table__).from_select(
                ["artisan_id", "last_day"],
                sa.select(days.c.artisan_id, sa.func.max(days.c.bucket))
                .where(days.c.grain == DAY)
                .group_by(days.c.artisan_id),
            )
        )
        counts = {
            cube.name: session.scalar(sa.select(sa.func.count()).select_from(cube.table))
            for cube in CUBES
        }
        for model in (Marker, ArtisanLastSale, SalesShipmentMarker):
            counts[model.__tablename__] = session.scalar(
                sa.select(sa.func.count()).select_from(model.__table__)
            )
    with atomic() as session:
        for name in counts:
            session.execute(sa.text(f"ANALYZE {name}"))
    return counts


def _rebuild_markers(session) -> None:
    """A marker, with its report day, for every order in a sale state."""
    marker = Marker.__table__
    session.execute(
        sa.insert(marker).from_select(
            ["order_id", "report_day", "counted"],
            sa.select(
                Order.id, _report_day_sql(session, Order.__table__.c.paid_at), sa.true()
            ).where(Order.status.in_(SALE_STATES), Order.paid_at.is_not(None)),
        )
    )


def _rebuild_shipment_markers(session) -> None:
    """The cancelled shipments of counted orders: their lines are not sales."""
    session.execute(
        sa.insert(SalesShipmentMarker.__table__).from_select(
            ["shipment_id", "order_id"],
            sa.select(Shipment.id, Shipment.order_id)
            .join(Marker, Marker.order_id == Shipment.order_id)
            .where(Shipment.status == ShipmentStatus.CANCELLED.value),
        )
    )


def _report_day_sql(session, column) -> sa.ColumnElement:
    """SQL for the report day of a UTC timestamp column.

    PostgreSQL converts time zones itself; SQLite has no zone data, so it gets a Python function.
    """
    zone = report_zone()
    if session.get_bind().dialect.name == "postgresql":
        local = sa.func.timezone(zone.key, sa.func.timezone("UTC", column))
        return sa.cast(local, sa.Date)
    raw = session.connection().connection.driver_connection

    def to_day(value: str | None) -> str | None:
        """Stored naive-UTC text -> report day text."""
        if value is None:
            return None
        moment = datetime.fromisoformat(value).replace(tzinfo=UTC)
        return moment.astimezone(zone).date().isoformat()

    raw.create_function("bnn_report_day", 1, to_day, deterministic=True)
    return sa.func.bnn_report_day(column)


def _insert_from_lines(session, cube: Cube) -> None:
    """Fill a cube's day rows straight from the counted orders' lines."""
    line, order, marker = OrderLine.__table__, Order.__table__, Marker.__table__
    flags = []
    for level, key_dims in ORDER_LEVELS.items():
        number = sa.func.row_number().over(
            partition_by=[line.c.order_id, *(line.c[d] for d in key_dims)], order_by=line.c.id
        )
        flags.append(sa.case((number == 1, 1), else_=0).label(level))
    source = (
        sa.select(
            marker.c.report_day.label("bucket"),
            *(line.c[d] for d in LINE_DIMS),
            order.c.ship_province_code.label("buyer_province_code"),
            line.c.line_total_idr,
            line.c.quantity,
            *flags,
        )
        .join_from(line, marker, marker.c.order_id == line.c.order_id)
        .join(order, order.c.id == line.c.order_id)
        .where(
            marker.c.counted.is_(True),
            line.c.shipment_id.not_in(sa.select(SalesShipmentMarker.__table__.c.shipment_id)),
        )
        .subquery()
    )
    dims = [source.c[d] for d in cube.dims]
    measures = [
        sa.func.sum(source.c.line_total_idr),
        sa.func.sum(source.c.quantity),
        sa.func.count(),
        *(sa.func.sum(source.c[level]) for level in ORDER_LEVELS),
    ]
    select = sa.select(sa.literal(DAY), source.c.bucket, *dims, *measures).group_by(
        source.c.bucket, *dims
    )
    columns = ["grain", "bucket", *cube.dims, *MEASURES]
    session.execute(sa.insert(cube.table).from_select(columns, select))


def _insert_rollup(session, cube: Cube, source_cube: Cube) -> None:
    """Fill a cube's day rows by summing a finer cube's day rows (exact: the sums are additive)."""
    src = source_cube.table
    dims = [src.c[d] for d in cube.dims]
    select = (
        sa.select(sa.literal(DAY), src.c.bucket, *dims, *(sa.func.sum(src.c[m]) for m in MEASURES))
        .where(src.c.grain == DAY)
        .group_by(src.c.bucket, *dims)
    )
    columns = ["grain", "bucket", *cube.dims, *MEASURES]
    session.execute(sa.insert(cube.table).from_select(columns, select))


def _insert_coarse(session, cube: Cube, grain: str) -> None:
    """Fill a cube's month, quarter or year rows from its day rows."""
    table = cube.table
    bucket = _unit_sql(session, table.c.bucket, grain)
    dims = [table.c[d] for d in cube.dims]
    select = (
        sa.select(sa.literal(grain), bucket, *dims, *(sa.func.sum(table.c[m]) for m in MEASURES))
        .where(table.c.grain == DAY)
        .group_by(bucket, *dims)
    )
    columns = ["grain", "bucket", *cube.dims, *MEASURES]
    session.execute(sa.insert(table).from_select(columns, select))


def _unit_sql(session, day, grain: str) -> sa.ColumnElement:
    """SQL for the first day of a date column's month, quarter or year (periods.unit_start)."""
    if session.get_bind().dialect.name == "postgresql":
        unit = {"M": "month", "Q": "quarter", "Y": "year"}[grain]
        return sa.cast(sa.func.date_trunc(unit, day), sa.Date)
    if grain == "M":
        return sa.func.date(day, "start of month")
    if grain == "Y":
        return sa.func.date(day, "start of year")
    month = sa.cast(sa.func.strftime("%m", day), sa.Integer)
    first_month = (month - 1) // 3 * 3 + 1
    return sa.func.printf("%s-%02d-01", sa.func.strftime("%Y", day), first_month)


def rebuild_if_sales_missing() -> dict[str, int] | None:
    """Rebuild when some sale is not in the summary at all; None when every sale is counted.

    Run after `db upgrade` (migrations/env.py): a database that held paid orders before the
    summary's tables existed gets them filled, instead of an empty dashboard until someone
    remembers `rebuild-summary`. Cheap when there is nothing to do: one anti-join probe.
    """
    marker = Marker.__table__
    counted = sa.exists().where(marker.c.order_id == Order.__table__.c.id)
    missing = sa.exists().where(Order.status.in_(SALE_STATES), Order.paid_at.is_not(None), ~counted)
    if not db.session.scalar(sa.select(missing)):
        db.session.rollback()
        return None
    db.session.rollback()
    return rebuild()
