"""Reading the sales cubes: regions in a staff scope, which cube answers, and summed rows.

Every query names the dimensions it groups by; read() picks the smallest cube that has them and
the region's filter column, and reads the period as whole months plus ragged days
(periods.buckets). Sums come back as Python ints on both databases.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.accounts.models import NATIONAL
from marketplace.accounts.scope import covers_region
from marketplace.dashboard import models
from marketplace.dashboard.models import MEASURES, Cube
from marketplace.dashboard.periods import Period, buckets
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.regions.services import is_province, is_regency, region_name

COARSE = (models.YEAR, models.QUARTER, models.MONTH)
LEVELS = ("national", "province", "regency", "artisan")
ORDER_COUNTER = {
    "national": "orders_national",
    "province": "orders_province",
    "regency": "orders_regency",
    "artisan": "orders_artisan",
}
CHILD_LEVEL = {"national": "province", "province": "regency", "regency": "artisan"}
CHILD_DIM = {
    "province": "artisan_province_code",
    "regency": "artisan_regency_code",
    "artisan": "artisan_id",
}


@dataclass(frozen=True)
class Region:
    """Where a report looks: the whole country, a province, a regency, or one artisan's sales."""

    level: str
    code: str
    name: str
    artisan_id: int | None = None

    @property
    def province_code(self) -> str | None:
        """`32` for the province 32 and the regency 32.73; None nationally."""
        return None if self.level == "national" else self.code.split(".")[0]

    @property
    def child_level(self) -> str | None:
        """The level one step down (country -> provinces -> regencies -> artisans)."""
        return CHILD_LEVEL.get(self.level)

    @property
    def order_counter(self) -> str:
        """The cube column that counts each order once within a region of this level."""
        return ORDER_COUNTER[self.level]

    def filters(self, cube: Cube) -> list[sa.ColumnElement[bool]]:
        """WHERE clauses limiting a cube's rows to this region."""
        table = cube.table
        if self.level == "national":
            return []
        if self.level == "artisan":
            return [table.c.artisan_id == self.artisan_id]
        clauses = [table.c.artisan_province_code == self.province_code]
        if self.level == "regency":
            clauses.append(table.c.artisan_regency_code == self.code)
        return clauses

    def filter_dims(self) -> tuple[str, ...]:
        """The dimensions filters() needs in a cube."""
        return {
            "national": (),
            "province": ("artisan_province_code",),
            "regency": ("artisan_province_code", "artisan_regency_code"),
            "artisan": ("artisan_id",),
        }[self.level]


def region_in_scope(scope: str | None, code: str | None) -> Region:
    """The region `code` (default: the whole scope), or NotFound if unknown or outside the scope."""
    code = (code or scope or "").strip()
    if not scope or not code or not covers_region(scope, code):
        raise NotFound(_not_found())
    if code == NATIONAL:
        return Region("national", NATIONAL, "Indonesia")
    if is_province(code):
        return Region("province", code, region_name(code))
    if is_regency(code):
        return Region("regency", code, region_name(code))
    raise NotFound(_not_found())


def _not_found() -> str:
    """The one message for a region or artisan that is missing or not the viewer's to see."""
    from flask_babel import gettext as _

    return _("Wilayah tidak ditemukan.")


def cube_for(region: Region, dims: tuple[str, ...]) -> Cube:
    """The smallest cube holding the grouping dimensions and the region's filter columns."""
    needed = (*dims, *region.filter_dims())
    for cube in models.CUBES:
        if cube.has(*needed):
            return cube
    raise LookupError(f"no cube has {needed}")


def total(column) -> sa.ColumnElement:
    """SUM as a BIGINT (PostgreSQL would hand back a Decimal), 0 for no rows."""
    return sa.cast(sa.func.coalesce(sa.func.sum(column), 0), sa.BigInteger)


def period_clause(table: sa.Table, period: Period, grains: tuple[str, ...] = COARSE):
    """WHERE clause selecting the rows that make up a period exactly once (periods.buckets)."""
    parts = [
        sa.and_(table.c.grain == grain, table.c.bucket.between(first, last))
        for grain, first, last in buckets(period, grains=grains)
    ]
    return sa.or_(*parts)


def read(
    region: Region,
    period: Period,
    dims: tuple[str, ...] = (),
    *,
    measures: tuple[str, ...] = MEASURES,
    by_bucket: bool = False,
    grains: tuple[str, ...] = COARSE,
    extra=None,
    order_by: str | None = None,
    limit: int | None = None,
) -> list[dict]:
    """Summed measures of the region's sales in the period, grouped by `dims`.

    With by_bucket the rows also carry `grain` and `bucket` (for time series, which choose the
    coarser grains they may use with `grains`: none for days and weeks); `extra(cube)` may
    add WHERE clauses; `order_by` (a measure) sorts descending, for top-N lists.
    """
    cube = cube_for(region, dims)
    table = cube.table
    groups = [table.c[d] for d in dims]
    if by_bucket:
        groups = [table.c.grain, table.c.bucket, *groups]
    sums = [total(table.c[m]).label(m) for m in measures]
    query = (
        sa.select(*groups, *sums)
        .where(period_clause(table, period, grains), *region.filters(cube))
        .group_by(*groups)
    )
    if extra is not None:
        query = query.where(*extra(cube))
    if order_by:
        ordering = [sa.desc(order_by), *groups]
        query = query.order_by(*ordering)
    if limit:
        query = query.limit(limit)
    result = db.session.execute(query)
    keys = list(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result.all()]


def distinct_count(region: Region, period: Period, dim: str) -> int:
    """How many distinct values of a dimension (e.g. artisans) sold in the region and period."""
    cube = cube_for(region, (dim,))
    table = cube.table
    query = sa.select(sa.func.count(sa.distinct(table.c[dim]))).where(
        period_clause(table, period), *region.filters(cube)
    )
    return int(db.session.scalar(query) or 0)


def aov(gmv: int, orders: int) -> int:
    """Average order value in whole Rupiah, rounded half up; 0 without orders."""
    if not orders:
        return 0
    return (2 * gmv + orders) // (2 * orders)


def change(current: int | float, previous: int | float) -> float | None:
    """Percent change against the previous period, one decimal; None when there was nothing."""
    if not previous:
        return None
    return round((current - previous) * 100 / previous, 1)
