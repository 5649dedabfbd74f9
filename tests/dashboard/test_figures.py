"""Dashboard figures against hand-computed expectations on a small, known set of orders.

The orders (prices: batik 100.000 in Kota Bandung, tas 40.000 in Kabupaten Bandung, keranjang
250.000 in Gianyar, Bali):

    O1  2026-01-31 23:30 WIB (16:30 UTC)  batik x2 + tas x1      240.000  buyer Jakarta
    O2  2026-02-01 00:30 WIB (17:30 UTC, still 31 January in UTC)  batik x1  100.000  Jakarta
    O3  2026-01-10                         keranjang x1           250.000  buyer Kota Bandung
    O4  2026-01-15                         batik x3, refunded     (not a sale)
    O5  unpaid                             tas x5                 (not a sale)
    O6  2026-01-20                         batik x1 + keranjang x2  600.000  buyer Jakarta
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketplace.dashboard.artisan import artisan_report
from marketplace.dashboard.periods import Period, today
from marketplace.dashboard.reports import region_report
from marketplace.errors import NotFound
from tests.dashboard.conftest import build_catalog
from tests.dashboard.factories import jakarta, make_order, refund, set_verified_at

JANUARY = Period(date(2026, 1, 1), date(2026, 1, 31))
FEBRUARY = Period(date(2026, 2, 1), date(2026, 2, 28))


@pytest.fixture
def world(ctx):
    """The catalogue and the six orders above; artisans verified on known days."""
    world = build_catalog()
    p = world.products
    make_order(items=[(p.batik, 2), (p.tas, 1)], paid_at=jakarta(2026, 1, 31, 23, 30))
    make_order(items=[(p.batik, 1)], paid_at=jakarta(2026, 2, 1, 0, 30))
    make_order(items=[(p.keranjang, 1)], paid_at=jakarta(2026, 1, 10), buyer_regency="32.73")
    refund(make_order(items=[(p.batik, 3)], paid_at=jakarta(2026, 1, 15)).id)
    make_order(items=[(p.tas, 5)], paid_at=None, status="pending_payment")
    make_order(items=[(p.batik, 1), (p.keranjang, 2)], paid_at=jakarta(2026, 1, 20))
    set_verified_at(world.kota, jakarta(2025, 6, 1))
    set_verified_at(world.kabupaten, jakarta(2026, 1, 5))
    set_verified_at(world.bali, jakarta(2025, 1, 1))
    return world


def figures(report) -> dict:
    """{figure key: (value, previous value, change)}."""
    return {r["key"]: (r["value"], r["previous"], r["change"]) for r in report.figures.rows}


def rows_by(report, table: str, key: str = "name") -> dict:
    """A report table's rows by one of their columns."""
    return {row[key]: row for row in report.tables[table].rows}


def test_national_january_counts_each_order_once_and_leaves_out_refunds(world):
    report = region_report(scope="national", region=None, period=JANUARY)
    got = figures(report)
    assert got["gmv_idr"][0] == 240_000 + 250_000 + 600_000
    assert got["orders"][0] == 3
    assert got["items"][0] == 3 + 1 + 3
    assert got["aov_idr"][0] == 363_333  # 1.090.000 / 3, whole Rupiah
    assert got["active"][0] == 3
    assert got["verified"] == (3, 2, 50.0)
    assert got["new"] == (1, 0, None)


def test_an_order_paid_half_past_midnight_jakarta_time_belongs_to_february(world):
    report = region_report(scope="national", region="national", period=FEBRUARY)
    got = figures(report)
    assert got["gmv_idr"] == (100_000, 1_090_000, -90.8)  # previous: 4-31 January
    assert got["orders"] == (1, 3, -66.7)
    january = figures(region_report(scope="national", region=None, period=JANUARY))
    assert january["gmv_idr"][0] + got["gmv_idr"][0] == 1_190_000


def test_province_table_counts_an_order_in_every_province_it_touches(world):
    report = region_report(scope="national", region=None, period=JANUARY)
    provinces = rows_by(report, "regions", "code")
    assert len(provinces) == 38
    assert provinces["32"]["gmv_idr"] == 340_000 and provinces["32"]["orders"] == 2
    assert provinces["51"]["gmv_idr"] == 750_000 and provinces["51"]["orders"] == 2
    assert provinces["32"]["aov_idr"] == 170_000
    assert provinces["32"]["active"] == 2 and provinces["32"]["verified"] == 2
    assert provinces["32"]["new"] == 1
    assert provinces["11"]["gmv_idr"] == 0 and provinces["11"]["gmv_change"] is None
    assert report.map_values["51"] == 750_000 and report.map_mode == "sellers"


def test_province_view_shows_its_own_figures_and_regencies(world):
    report = region_report(scope="32", region="32", period=JANUARY)
    got = figures(report)
    assert (got["gmv_idr"][0], got["orders"][0], got["items"][0]) == (340_000, 2, 4)
    assert got["active"][0] == 2
    regencies = rows_by(report, "regions", "code")
    assert set(regencies) == {code for code in regencies if code.startswith("32.")}
    assert len(regencies) == 27
    assert regencies["32.73"]["gmv_idr"] == 300_000 and regencies["32.73"]["orders"] == 2
    assert regencies["32.04"]["gmv_idr"] == 40_000 and regencies["32.04"]["orders"] == 1
    assert [c.code for c in report.breadcrumbs] == ["32"]


def test_regency_view_lists_its_artisans_with_their_sales(world):
    report = region_report(scope="national", region="32.73", period=JANUARY)
    got = figures(report)
    assert (got["gmv_idr"][0], got["orders"][0], got["items"][0]) == (300_000, 2, 3)
    artisans = rows_by(report, "regions")
    assert set(artisans) == {"Batik Kota Bandung", "Keramik Baru"}
    assert artisans["Batik Kota Bandung"]["gmv_idr"] == 300_000
    assert artisans["Keramik Baru"]["status"] == "Menunggu verifikasi"
    assert [c.code for c in report.breadcrumbs] == ["national", "32", "32.73"]


def test_time_series_by_day_puts_each_sale_on_its_jakarta_day(world):
    report = region_report(scope="national", region=None, period=JANUARY, interval="day")
    series = {row["start"]: row["gmv_idr"] for row in report.tables["series"].rows}
    assert len(series) == 31
    assert series[date(2026, 1, 31)] == 240_000
    assert series[date(2026, 1, 10)] == 250_000
    assert series[date(2026, 1, 20)] == 600_000
    assert series[date(2026, 1, 15)] == 0
    assert sum(series.values()) == 1_090_000


def test_time_series_by_week_and_month_add_up_to_the_period(world):
    period = Period(date(2026, 1, 1), date(2026, 2, 28))
    weeks = region_report(scope="national", region=None, period=period, interval="week")
    months = region_report(scope="national", region=None, period=period, interval="month")
    assert sum(r["gmv_idr"] for r in weeks.tables["series"].rows) == 1_190_000
    by_month = {r["name"]: (r["gmv_idr"], r["orders"]) for r in months.tables["series"].rows}
    assert by_month == {"2026-01": (1_090_000, 3), "2026-02": (100_000, 1)}


def test_top_products_artisans_and_categories(world):
    report = region_report(scope="national", region=None, period=JANUARY, locale="en")
    products = [(r["name"], r["gmv_idr"]) for r in report.tables["products"].rows]
    assert products == [
        ("Keranjang Bambu Ubud", 750_000),
        ("Kain Batik Mega Mendung", 300_000),
        ("Tas Anyaman Pandan", 40_000),
    ]
    artisans = [(r["name"], r["gmv_idr"], r["orders"]) for r in report.tables["artisans"].rows]
    assert artisans[0] == ("Anyaman Ubud", 750_000, 2)
    assert artisans[1] == ("Batik Kota Bandung", 300_000, 2)
    categories = [(r["name"], r["gmv_idr"], r["share"]) for r in report.tables["categories"].rows]
    assert categories == [("Weaving", 790_000, 72.5), ("Batik", 300_000, 27.5)]


def test_sales_by_buyer_province_count_orders_within_the_region(world):
    national = rows_by(
        region_report(scope="national", region=None, period=JANUARY), "buyers", "code"
    )
    assert national["31"]["gmv_idr"] == 840_000 and national["31"]["orders"] == 2
    assert national["32"]["gmv_idr"] == 250_000 and national["32"]["orders"] == 1
    bali = region_report(scope="national", region="51", period=JANUARY)
    buyers = rows_by(bali, "buyers", "code")
    assert {c: (r["gmv_idr"], r["orders"]) for c, r in buyers.items()} == {
        "31": (500_000, 1),
        "32": (250_000, 1),
    }
    assert bali.map_mode == "buyers" and bali.map_values["31"] == 500_000


def test_artisan_page_figures(world):
    report = artisan_report(scope="32.73", artisan_id=world.kota, period=JANUARY)
    got = figures(report)
    assert got["gmv_idr"][0] == 300_000 and got["orders"][0] == 2 and got["items"][0] == 3
    assert got["aov_idr"][0] == 150_000
    assert [r["name"] for r in report.tables["products"].rows] == ["Kain Batik Mega Mendung"]
    assert [c.code for c in report.breadcrumbs][-1] == "32.73"


@pytest.mark.parametrize(
    ("scope", "region"),
    [("32", "51"), ("32", "national"), ("32.73", "32"), ("32.73", "32.04"), ("32", "99"),
     ("32", "32.99"), ("national", "bogus")],
)  # fmt: skip
def test_regions_outside_the_scope_or_unknown_are_not_found(world, scope, region):
    with pytest.raises(NotFound):
        region_report(scope=scope, region=region, period=JANUARY)


def test_artisans_outside_the_scope_are_not_found(world):
    with pytest.raises(NotFound):
        artisan_report(scope="32", artisan_id=world.bali, period=JANUARY)
    with pytest.raises(NotFound):
        artisan_report(scope="32.73", artisan_id=world.kabupaten, period=JANUARY)
    with pytest.raises(NotFound):
        artisan_report(scope="national", artisan_id=999_999, period=JANUARY)


def test_artisans_without_a_sale_in_sixty_days_are_listed_for_help(ctx):
    world = build_catalog()
    p = world.products
    now = jakarta(*today().timetuple()[:3], 12)
    make_order(items=[(p.batik, 1)], paid_at=now - timedelta(days=1))
    make_order(items=[(p.tas, 1)], paid_at=now - timedelta(days=61))
    make_order(items=[(p.keranjang, 1)], paid_at=now - timedelta(days=59))
    report = region_report(scope="32", region=None, period=Period(today(), today()))
    dormant = rows_by(report, "dormant")
    assert set(dormant) == {"Anyaman Soreang"}  # the pending artisan is not listed
    assert dormant["Anyaman Soreang"]["last_sale"] == (now - timedelta(days=61)).date()
    set_verified_at(world.pending, jakarta(2026, 1, 1))
    report = region_report(scope="national", region=None, period=Period(today(), today()))
    dormant = rows_by(report, "dormant")
    assert set(dormant) == {"Anyaman Soreang", "Keramik Baru"}
    assert dormant["Keramik Baru"]["last_sale"] is None
