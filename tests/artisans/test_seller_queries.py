"""What the seller centre tells an artisan: sales by Jakarta month, shipments, stock warnings."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from marketplace.artisans import seller_queries
from tests.artisans.factories import make_order
from tests.factories import make_artisan, make_product

JAKARTA_FEB_1 = datetime(2026, 1, 31, 17, 0, tzinfo=UTC)  # 1 Feb 2026 00:00 in Asia/Jakarta


def test_months_are_cut_at_midnight_in_jakarta(ctx):
    last, this, following = seller_queries.month_starts(datetime(2026, 1, 31, 17, 30, tzinfo=UTC))
    assert this == JAKARTA_FEB_1
    assert last == datetime(2025, 12, 31, 17, 0, tzinfo=UTC)
    assert following == datetime(2026, 2, 28, 17, 0, tzinfo=UTC)
    last, this, _ = seller_queries.month_starts(datetime(2026, 1, 10, tzinfo=UTC))
    assert (last.month, this.month) == (
        11,
        12,
    )  # Dec 2025 and Jan 2026 Jakarta start in UTC Nov/Dec


def test_sales_of_a_month_count_paid_orders_by_payment_time_in_jakarta(ctx):
    artisan = make_artisan()
    product = make_product(artisan_id=artisan.id, price_idr=50_000, stock=20)
    other = make_product(price_idr=999_000)
    make_order(lines=[(product.id, 2)], paid_at=datetime(2026, 1, 31, 16, 30, tzinfo=UTC))  # Jan
    make_order(
        lines=[(product.id, 1), (other.id, 1)], paid_at=datetime(2026, 1, 31, 17, 30, tzinfo=UTC)
    )
    make_order(lines=[(product.id, 3)], status="pending_payment")
    make_order(lines=[(product.id, 4)], status="refunded", paid_at=datetime(2026, 2, 2, tzinfo=UTC))
    feb = seller_queries.sales_between(
        artisan.id, JAKARTA_FEB_1, datetime(2026, 2, 28, 17, 0, tzinfo=UTC)
    )
    jan = seller_queries.sales_between(
        artisan.id, datetime(2025, 12, 31, 17, 0, tzinfo=UTC), JAKARTA_FEB_1
    )
    assert (feb.amount_idr, feb.items) == (50_000, 1)
    assert (jan.amount_idr, jan.items) == (100_000, 2)


def test_best_products_waiting_shipments_and_low_stock(ctx):
    artisan = make_artisan()
    bag = make_product(artisan_id=artisan.id, title="Tas Pandan", price_idr=10_000, stock=30)
    mat = make_product(artisan_id=artisan.id, title="Tikar", price_idr=90_000, stock=2)
    make_product(artisan_id=artisan.id, title="Draf", stock=0, status="draft")
    make_order(lines=[(bag.id, 5)])
    make_order(lines=[(mat.id, 1)], status="completed")
    make_order(lines=[(bag.id, 1)], status="pending_payment")
    assert seller_queries.best_products(artisan.id) == [
        ("Tas Pandan", 5, 50_000),
        ("Tikar", 1, 90_000),
    ]
    assert seller_queries.waiting_to_ship(artisan.id) == 1  # only paid orders wait to be shipped
    assert [p.title for p in seller_queries.low_stock(artisan.id)] == ["Tikar"]


def test_an_artisan_sees_only_their_own_lines_of_a_shared_order_and_no_buyer_email(ctx):
    mine, theirs = make_artisan(), make_artisan()
    bag = make_product(artisan_id=mine.id, title="Tas Pandan")
    cloth = make_product(artisan_id=theirs.id, title="Kain Ulos")
    order = make_order(lines=[(bag.id, 2), (cloth.id, 1)], buyer_email="rahasia@example.com")
    [shipment] = seller_queries.shipments_of(mine.id, "todo")
    assert shipment.order_number == order.number and shipment.can_ship
    assert [(line.title, line.quantity) for line in shipment.lines] == [("Tas Pandan", 2)]
    assert shipment.ship_name == "Rina Pembeli" and shipment.ship_postal_code == "40115"
    values = dataclasses.asdict(shipment)
    assert "rahasia@example.com" not in repr(values) and "Kain Ulos" not in repr(values)
    assert seller_queries.shipments_of(mine.id, "shipped") == []


def test_an_unpaid_order_is_not_shown_to_the_artisan_yet(ctx):
    artisan = make_artisan()
    product = make_product(artisan_id=artisan.id)
    make_order(lines=[(product.id, 1)], status="pending_payment")
    assert seller_queries.shipments_of(artisan.id, "all") == []
