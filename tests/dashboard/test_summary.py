"""The sales summary: kept in step by add_order_sales, equal to the raw order lines, rebuildable."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest
import sqlalchemy as sa

from marketplace.dashboard.models import (
    CUBES,
    GRAINS,
    MEASURES,
    ArtisanLastSale,
    SalesOrderMarker,
)
from marketplace.dashboard.periods import report_day, unit_start
from marketplace.dashboard.summary import add_order_sales, rebuild_summary, remove_shipment_sales
from marketplace.db import atomic
from marketplace.extensions import db
from marketplace.orders.models import Order, OrderLine, Shipment
from tests.dashboard.conftest import build_catalog
from tests.dashboard.factories import jakarta, make_order, random_orders, refund


def cube_rows(cube) -> dict[tuple, tuple]:
    """A cube's rows as {(grain, bucket, dims...): measures}."""
    table = cube.table
    keys = [table.c.grain, table.c.bucket, *(table.c[d] for d in cube.dims)]
    rows = db.session.execute(sa.select(*keys, *(table.c[m] for m in MEASURES))).all()
    width = len(keys)
    return {tuple(row[:width]): tuple(row[width:]) for row in rows}


def sales_lines() -> list:
    """Every counted sales line with its order's report day and buyer province (raw tables)."""
    query = (
        sa.select(OrderLine, Order.paid_at, Order.ship_province_code)
        .join(Order, Order.id == OrderLine.order_id)
        .join(Shipment, Shipment.id == OrderLine.shipment_id)
        .where(Order.status.in_(("paid", "completed")), Shipment.status != "cancelled")
    )
    return [
        (line, report_day(paid_at), buyer) for line, paid_at, buyer in db.session.execute(query)
    ]


def assert_summary_equals_raw_lines() -> None:
    """Every cube's sums, and its exact order counts per region level, match the order lines."""
    lines = sales_lines()
    for cube in CUBES:
        rows = cube_rows(cube)
        expected = defaultdict(lambda: [0, 0, 0])
        levels = ("national", "artisan_province_code", "artisan_regency_code", "artisan_id")
        orders = {level: defaultdict(set) for level in levels}
        for line, day, buyer in lines:
            values = {**{c: getattr(line, c) for c in ("artisan_province_code",
                      "artisan_regency_code", "artisan_id", "category_id", "product_id")},
                      "buyer_province_code": buyer}  # fmt: skip
            for grain in GRAINS:
                bucket = unit_start(day, grain)
                key = (grain, bucket, *(values[d] for d in cube.dims))
                total = expected[key]
                total[0] += line.line_total_idr
                total[1] += line.quantity
                total[2] += 1
                orders["national"][(grain, bucket)].add(line.order_id)
                for level in ("artisan_province_code", "artisan_regency_code", "artisan_id"):
                    if cube.has(level):
                        orders[level][(grain, bucket, values[level])].add(line.order_id)
        assert {k: v[:3] for k, v in rows.items()} == {k: tuple(v) for k, v in expected.items()}, (
            cube.name
        )
        counted = defaultdict(int)
        for key, measures in rows.items():
            named = dict(zip(MEASURES, measures, strict=True))
            dims = dict(zip(cube.dims, key[2:], strict=True))
            counted[("national", key[:2])] += named["orders_national"]
            for level, counter in (("artisan_province_code", "orders_province"),
                                   ("artisan_regency_code", "orders_regency"),
                                   ("artisan_id", "orders_artisan")):  # fmt: skip
                if cube.has(level):
                    counted[(level, (*key[:2], dims[level]))] += named[counter]
        for level, groups in orders.items():
            for group, ids in groups.items():
                assert counted[(level, group)] == len(ids), (cube.name, level, group)
    last_days: dict[int, object] = {}
    for line, day, _buyer in lines:
        last_days[line.artisan_id] = max(day, last_days.get(line.artisan_id, day))
    stored = db.session.execute(sa.select(ArtisanLastSale.artisan_id, ArtisanLastSale.last_day))
    assert dict(stored.all()) == last_days


def test_a_paid_order_is_counted_in_every_table_on_its_jakarta_day(ctx):
    world = build_catalog()
    order = make_order(
        items=[(world.products.batik, 2), (world.products.tas, 1)],
        paid_at=jakarta(2026, 1, 31, 23, 30),
    )
    for cube in CUBES:
        rows = cube_rows(cube)
        days = {key[1] for key in rows if key[0] == "D"}
        assert days == {jakarta(2026, 1, 31).date()}, cube.name
        assert sum(m[0] for k, m in rows.items() if k[0] == "Y") == 240_000
    marker = db.session.get(SalesOrderMarker, order.id)
    assert marker.counted and marker.report_day.isoformat() == "2026-01-31"
    assert_summary_equals_raw_lines()


def test_adding_the_same_order_twice_counts_it_once(ctx):
    world = build_catalog()
    order = make_order(items=[(world.products.batik, 1)], paid_at=jakarta(2026, 2, 1, 0, 30))
    before = {cube.name: cube_rows(cube) for cube in CUBES}
    with atomic():
        add_order_sales(order.id, +1)
    assert {cube.name: cube_rows(cube) for cube in CUBES} == before


def test_a_refund_takes_the_order_out_and_leaves_no_empty_rows(ctx):
    world = build_catalog()
    kept = make_order(items=[(world.products.tas, 2)], paid_at=jakarta(2026, 1, 5))
    refunded = make_order(items=[(world.products.batik, 3)], paid_at=jakarta(2026, 1, 5))
    refund(refunded.id)
    for cube in CUBES:
        rows = cube_rows(cube)
        assert all(m[2] > 0 for m in rows.values()), cube.name
        assert sum(m[0] for k, m in rows.items() if k[0] == "D") == 80_000
    assert not db.session.get(SalesOrderMarker, refunded.id).counted
    assert db.session.get(SalesOrderMarker, kept.id).counted
    assert_summary_equals_raw_lines()


def test_refunding_twice_or_refunding_an_uncounted_order_changes_nothing(ctx):
    world = build_catalog()
    paid = make_order(items=[(world.products.tas, 1)], paid_at=jakarta(2026, 1, 5))
    refund(paid.id)
    unpaid = make_order(items=[(world.products.batik, 1)], paid_at=None, status="pending_payment")
    before = {cube.name: cube_rows(cube) for cube in CUBES}
    with atomic():
        add_order_sales(paid.id, -1)
        add_order_sales(unpaid.id, -1)
    assert {cube.name: cube_rows(cube) for cube in CUBES} == before
    assert db.session.get(SalesOrderMarker, unpaid.id) is None


def test_an_order_across_two_regencies_counts_once_in_each_and_once_nationally(ctx):
    world = build_catalog()
    make_order(
        items=[(world.products.batik, 1), (world.products.tas, 1), (world.products.keranjang, 1)],
        paid_at=jakarta(2026, 3, 3),
    )
    from marketplace.dashboard.models import BY_PROVINCE, BY_REGENCY, NATIONAL

    national = cube_rows(NATIONAL)[("D", jakarta(2026, 3, 3).date())]
    assert dict(zip(MEASURES, national, strict=True))["orders_national"] == 1
    provinces = {
        k[2]: dict(zip(MEASURES, m, strict=True))
        for k, m in cube_rows(BY_PROVINCE).items()
        if k[0] == "D"
    }
    assert {p: m["orders_province"] for p, m in provinces.items()} == {"32": 1, "51": 1}
    assert sum(m["orders_national"] for m in provinces.values()) == 1
    regencies = {k[3]: dict(zip(MEASURES, m, strict=True)) for k, m in cube_rows(BY_REGENCY).items()
                 if k[0] == "D" and k[2] == "32"}  # fmt: skip
    assert {r: m["orders_regency"] for r, m in regencies.items()} == {"32.73": 1, "32.04": 1}
    assert sum(m["orders_province"] for m in regencies.values()) == 1


def test_summary_equals_the_raw_sums_over_generated_orders_and_a_rebuild_changes_nothing(ctx):
    world = build_catalog()
    from tests import factories

    extra = [
        factories.make_product(artisan_id=artisan, price_idr=price)
        for artisan, price in (
            (world.kota, 75_000),
            (world.bali, 125_000),
            (world.kabupaten, 9_000),
        )
    ]
    products = [*vars(world.products).values(), *extra]
    random_orders(random.Random(11), products, 60, jakarta(2025, 12, 20), 75)
    assert_summary_equals_raw_lines()
    incremental = {cube.name: cube_rows(cube) for cube in CUBES}
    markers = db.session.execute(sa.select(SalesOrderMarker.__table__)).all()
    counts = rebuild_summary()
    assert {cube.name: cube_rows(cube) for cube in CUBES} == incremental
    assert_summary_equals_raw_lines()
    assert sorted(db.session.execute(sa.select(SalesOrderMarker.__table__)).all()) == sorted(
        m for m in markers if m.counted
    )
    assert counts["sales_summary"] == len(incremental["sales_summary"])


def test_rebuild_cuts_days_in_the_configured_time_zone(ctx):
    world = build_catalog()
    make_order(items=[(world.products.batik, 1)], paid_at=jakarta(2026, 1, 31, 23, 30))
    ctx.config["REPORT_TIMEZONE"] = "UTC"
    rebuild_summary()
    from marketplace.dashboard.models import NATIONAL

    assert {k[1].isoformat() for k in cube_rows(NATIONAL) if k[0] == "D"} == {"2026-01-31"}
    ctx.config["REPORT_TIMEZONE"] = "Asia/Tokyo"
    rebuild_summary()
    assert {k[1].isoformat() for k in cube_rows(NATIONAL) if k[0] == "D"} == {"2026-02-01"}


def test_rebuild_summary_command_rebuilds_and_prints_the_tables(app, runner):
    with app.app_context():
        world = build_catalog()
        make_order(items=[(world.products.keranjang, 2)], paid_at=jakarta(2026, 4, 1))
        with atomic():
            db.session.execute(sa.delete(CUBES[0].table))
        db.session.remove()
    result = runner.invoke(args=["rebuild-summary"])
    assert result.exit_code == 0, result.output
    assert "sales_national" in result.output and "rebuilt" in result.output
    with app.app_context():
        assert_summary_equals_raw_lines()
        db.session.remove()


def test_add_order_sales_refuses_a_sign_other_than_plus_or_minus_one(ctx):
    with pytest.raises(ValueError, match="sign"):
        add_order_sales(1, 2)


def cancel_shipment_of(order_id: int, artisan_id: int) -> None:
    """Cancel one artisan's shipment the way orders/cancellations.py does, summary included."""
    with atomic():
        shipment_id = db.session.scalar(
            sa.select(Shipment.id).where(
                Shipment.order_id == order_id, Shipment.artisan_id == artisan_id
            )
        )
        db.session.execute(
            sa.update(Shipment).where(Shipment.id == shipment_id).values(status="cancelled")
        )
        remove_shipment_sales(order_id, shipment_id)


def test_a_cancelled_shipment_leaves_the_summary_once_and_the_rest_stays(ctx):
    world = build_catalog()
    order = make_order(
        items=[(world.products.batik, 2), (world.products.tas, 1), (world.products.keranjang, 1)],
        paid_at=jakarta(2026, 3, 3),
    )
    make_order(items=[(world.products.tas, 2)], paid_at=jakarta(2026, 3, 4))
    cancel_shipment_of(order.id, world.kota)  # the order's first line: its counters move
    assert_summary_equals_raw_lines()
    from marketplace.dashboard.models import NATIONAL

    year = dict(zip(MEASURES, cube_rows(NATIONAL)[("Y", jakarta(2026, 1, 1).date())], strict=True))
    assert (year["gmv_idr"], year["orders_national"]) == (40_000 + 250_000 + 80_000, 2)
    before = {cube.name: cube_rows(cube) for cube in CUBES}
    with atomic():
        shipment_id = db.session.scalar(
            sa.select(Shipment.id).where(Shipment.artisan_id == world.kota)
        )
        remove_shipment_sales(order.id, shipment_id)
    assert {cube.name: cube_rows(cube) for cube in CUBES} == before
    rebuild_summary()
    assert {cube.name: cube_rows(cube) for cube in CUBES} == before
    refund(order.id)
    assert_summary_equals_raw_lines()
    year = dict(zip(MEASURES, cube_rows(NATIONAL)[("Y", jakarta(2026, 1, 1).date())], strict=True))
    assert (year["gmv_idr"], year["orders_national"]) == (80_000, 1)
