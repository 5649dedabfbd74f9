"""The sales summary the dashboard reads: additive "cubes" of the sales lines, plus order markers.

Why cubes. Sales are order lines of paid or completed orders (DESIGN.md section 7). Summing a
million lines per page view is far too slow, and summing one fine summary table is not much faster
once its key is as detailed as the lines themselves (day x artisan x category x buyer province is
nearly one row per line at that volume). So the same sums are kept in several tables, each keyed
by fewer dimensions, and every query reads the smallest table that still holds the dimensions it
groups or filters by (queries.cube_for):

| table                      | key (besides grain, bucket)                     | read for          |
|----------------------------|-------------------------------------------------|-------------------|
| sales_national             | -                                               | national series   |
| sales_national_by_category | category                                        | national top cat. |
| sales_national_by_buyer    | buyer province                                  | national buyers   |
| sales_by_province          | province                                        | national figures  |
| sales_by_regency           | province, regency                               | province figures  |
| sales_by_category          | province, category                              | province top cat. |
| sales_by_buyer             | province, buyer province                        | province buyers   |
| sales_by_artisan           | province, regency, artisan                      | artisans, active  |
| sales_summary              | regency, artisan, category, buyer prov., prov.  | regency, artisan  |
| sales_by_product           | province, regency, artisan, product             | top products      |

Each table holds rows at four grains: `D` (bucket = the report day, cut in REPORT_TIMEZONE), `M`,
`Q` and `Y` (bucket = the first day of the month, quarter or year). A period is read as its whole
years, quarters and months plus its ragged days (periods.buckets), so "the last 12 months" costs
two or three buckets, not 365.

Exact order counts. An order that spans two regencies counts once in each and once nationally,
so order counts are not additive over regions. Every row therefore carries four order counters:
a line adds 1 to `orders_national` if it is its order's first line (lowest id), to
`orders_province` if it is the order's first line in that province, to `orders_regency` if first
in that regency, to `orders_artisan` if first of that artisan. Summing the counter of a level over
the rows of one region of that level counts each order touching the region exactly once, for any
period and any other grouping (all lines of an order share its day and its buyer province). This
costs four small integers per row instead of a table of (order, region) pairs.

Rows that a refund brings to zero lines are deleted, so the tables always equal a rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base

# Every dimension a cube may be keyed by, with its column type.
DIMENSIONS: dict[str, sa.types.TypeEngine] = {
    "artisan_province_code": sa.String(2),
    "artisan_regency_code": sa.String(5),
    "artisan_id": sa.Integer(),
    "category_id": sa.Integer(),
    "buyer_province_code": sa.String(2),
    "product_id": sa.Integer(),
}
MEASURES = (
    "gmv_idr",
    "items",
    "line_count",
    "orders_national",
    "orders_province",
    "orders_regency",
    "orders_artisan",
)
# Grains, finest first; a row's bucket is the first day of its day, month, quarter or year.
DAY, MONTH, QUARTER, YEAR = "D", "M", "Q", "Y"
GRAINS = (DAY, MONTH, QUARTER, YEAR)


@dataclass(frozen=True)
class Cube:
    """One summary table: its name, key dimensions and extra indexes."""

    name: str
    dims: tuple[str, ...]
    table: sa.Table

    def has(self, *dims: str) -> bool:
        """True if the cube can group or filter by all these dimensions."""
        return all(d in self.dims for d in dims)


def _cube(name: str, key: tuple[str, ...], indexes: tuple[tuple[str, ...], ...] = ()) -> Cube:
    """Define a cube table: primary key (grain, key...) and measure columns, all NOT NULL."""
    columns = [
        sa.Column("grain", sa.String(1), nullable=False),
        sa.Column("bucket", sa.Date(), nullable=False),
    ]
    columns += [sa.Column(dim, DIMENSIONS[dim], nullable=False) for dim in key if dim != "bucket"]
    columns += [sa.Column(m, sa.BigInteger(), nullable=False) for m in MEASURES]
    table = sa.Table(
        name,
        Base.metadata,
        *columns,
        sa.PrimaryKeyConstraint("grain", *key, name=f"pk_{name}"),
        sa.CheckConstraint("grain IN ('D', 'M', 'Q', 'Y')", name="grain_known"),
        *(sa.Index(f"ix_{name}_{'_'.join(cols)}", "grain", *cols) for cols in indexes),
        # SQLite: rows stored in key order, so a range of buckets is read contiguously.
        sqlite_with_rowid=False,
    )
    dims = tuple(d for d in key if d != "bucket")
    return Cube(name, dims, table)


# Key order = index order: the leading columns are the ones each level filters on. The first
# three tables serve the national level only, where no region filter applies.
NATIONAL = _cube("sales_national", ("bucket",))
NATIONAL_CATEGORY = _cube("sales_national_by_category", ("bucket", "category_id"))
NATIONAL_BUYER = _cube("sales_national_by_buyer", ("bucket", "buyer_province_code"))
BY_PROVINCE = _cube("sales_by_province", ("bucket", "artisan_province_code"))
BY_REGENCY = _cube("sales_by_regency", ("artisan_province_code", "bucket", "artisan_regency_code"))
BY_CATEGORY = _cube("sales_by_category", ("artisan_province_code", "bucket", "category_id"))
BY_BUYER = _cube("sales_by_buyer", ("artisan_province_code", "bucket", "buyer_province_code"))
BY_ARTISAN = _cube(
    "sales_by_artisan",
    ("bucket", "artisan_province_code", "artisan_regency_code", "artisan_id"),
    indexes=(("artisan_province_code", "bucket"), ("artisan_id", "bucket")),
)
SUMMARY = _cube(
    "sales_summary",
    (
        "artisan_regency_code",
        "bucket",
        "artisan_province_code",
        "artisan_id",
        "category_id",
        "buyer_province_code",
    ),
    indexes=(("artisan_id", "bucket"),),
)
BY_PRODUCT = _cube(
    "sales_by_product",
    ("bucket", "artisan_province_code", "artisan_regency_code", "artisan_id", "product_id"),
    indexes=(("artisan_province_code", "bucket"), ("artisan_id", "bucket")),
)

# Smallest first: a query reads the first cube that has every dimension it needs.
CUBES: tuple[Cube, ...] = (
    NATIONAL,
    NATIONAL_CATEGORY,
    NATIONAL_BUYER,
    BY_PROVINCE,
    BY_REGENCY,
    BY_CATEGORY,
    BY_BUYER,
    BY_ARTISAN,
    SUMMARY,
    BY_PRODUCT,
)


class SalesOrderMarker(Base):
    """Which orders the summary counts, and on which report day.

    add_order_sales() flips `counted` with a conditional update, so calling it twice with the same
    sign changes nothing, and a refund subtracts on the day the sale was added even if
    REPORT_TIMEZONE changed since (a rebuild recomputes every day).
    """

    __tablename__ = "sales_summary_orders"

    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), primary_key=True)
    report_day: Mapped[date] = mapped_column(sa.Date())
    counted: Mapped[bool] = mapped_column(default=True)


class SalesShipmentMarker(Base):
    """Shipments whose lines were taken out of a still-counted order (the shipment was cancelled).

    remove_shipment_sales() inserts the row once (primary key), so taking a shipment out twice
    changes nothing; add_order_sales() leaves these lines out, so a later refund of the whole
    order does not subtract them a second time.
    """

    __tablename__ = "sales_summary_shipments"

    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id"), primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)


class ArtisanLastSale(Base):
    """The last report day each artisan sold anything (refunds taken out), for "no sale in 60 days".

    Kept by add_order_sales() beside the cubes, so the dashboard reads one row per artisan instead
    of searching each artisan's day rows.
    """

    __tablename__ = "sales_artisan_last"

    artisan_id: Mapped[int] = mapped_column(sa.ForeignKey("artisans.id"), primary_key=True)
    last_day: Mapped[date] = mapped_column(sa.Date(), index=True)
