"""The region dashboard: figures, the table one level down, and every other section, in scope.

Definitions (DESIGN.md section 7): sales are the lines of paid or completed orders, dated by the
payment's report day; GMV is their total, orders the distinct orders with a line in the region,
active artisans those with at least one such line. Verified artisans are those verified now whose
verification is dated before the period's end (or undated); new artisans those whose verification
is dated inside the period, whatever their status now.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.accounts.models import NATIONAL
from marketplace.artisans.models import Artisan, ArtisanStatus
from marketplace.dashboard import sections
from marketplace.dashboard.periods import Period
from marketplace.dashboard.queries import (
    CHILD_DIM,
    ORDER_COUNTER,
    Region,
    aov,
    change,
    distinct_count,
    read,
    region_in_scope,
)
from marketplace.dashboard.tables import (
    COUNT,
    IDR,
    PERCENT,
    Column,
    Table,
    gmv_columns,
    sort_rows,
)
from marketplace.extensions import db
from marketplace.regions.services import provinces, regencies_of, region_name

DORMANT_SHOWN = 50  # the page lists this many; the export holds them all
FIGURES = {
    "gmv_idr": (_l("Penjualan kotor (GMV)"), IDR),
    "orders": (_l("Pesanan"), COUNT),
    "items": (_l("Barang terjual"), COUNT),
    "aov_idr": (_l("Rata-rata per pesanan"), IDR),
    "active": (_l("Perajin aktif (≥1 penjualan)"), COUNT),
    "verified": (_l("Perajin terverifikasi"), COUNT),
    "new": (_l("Perajin baru"), COUNT),
}


@dataclass
class Report:
    """Everything one dashboard page shows; `tables` by export key."""

    region: Region
    period: Period
    interval: str
    figures: Table
    tables: dict[str, Table] = field(default_factory=dict)
    map_values: dict[str, int] = field(default_factory=dict)
    map_mode: str = "sellers"
    breadcrumbs: list[Region] = field(default_factory=list)
    artisan: Artisan | None = None


def breadcrumbs(scope: str, region: Region) -> list[Region]:
    """The regions from the top of the viewer's scope down to this one."""
    chain = [Region("national", NATIONAL, "Indonesia")]
    if region.province_code:
        chain.append(Region("province", region.province_code, region_name(region.province_code)))
    if region.level in ("regency", "artisan") and "." in region.code:
        chain.append(Region("regency", region.code, region_name(region.code)))
    top = {"national": 0, "province": 1, "regency": 2}[region_in_scope(scope, scope).level]
    return chain[top:]


def region_report(
    *, scope: str, region: str | None, period: Period, interval: str | None = None,
    sort: str = "gmv_idr", direction: str = "desc", locale: str = "id",
) -> Report:  # fmt: skip
    """The dashboard of a region inside the scope (NotFound outside it) for a period."""
    area = region_in_scope(scope, region)
    interval = interval if interval in sections.INTERVALS else sections.default_interval(period)
    previous = period.previous()
    children, totals = _children(area, period, previous)
    figures = _figures(area, period, previous, totals)
    children.rows = sort_rows(children.rows, sort, direction)
    report = Report(area, period, interval, figures, breadcrumbs=breadcrumbs(scope, area))
    buyers = sections.buyers_table(area, period)
    for table in (
        figures,
        children,
        sections.series_table(area, period, interval),
        sections.products_table(area, period),
        sections.top_artisans_table(totals["artisan_sales"]),
        sections.categories_table(area, period, locale),
        buyers,
        sections.dormant_table(area),
    ):
        report.tables[table.key] = table
    if area.level == "national":
        report.map_values = sections.province_values(children)
    else:
        report.map_values, report.map_mode = sections.province_values(buyers), "buyers"
    return report


def _children(area: Region, period: Period, previous: Period) -> tuple[Table, dict]:
    """The table one level down, and the region's totals computed along the way."""
    level = area.child_level
    dim = CHILD_DIM[level]
    counters = tuple({area.order_counter, ORDER_COUNTER[level]})
    measures = ("gmv_idr", "items", *counters)
    now = {r[dim]: r for r in read(area, period, (dim,), measures=measures)}
    before = {r[dim]: r for r in read(area, previous, (dim,), measures=measures)}
    sold = read(area, period, ("artisan_id", dim) if level != "artisan" else ("artisan_id",),
                measures=("gmv_idr", "items", "orders_artisan"))  # fmt: skip
    active: dict[object, set] = {}
    for row in sold:
        active.setdefault(row[dim], set()).add(row["artisan_id"])
    rows = []
    counts = _artisan_counts(area, period, previous)
    for key, name, extra in _child_list(area, now):
        cur, old = now.get(key, {}), before.get(key, {})
        gmv, orders = cur.get("gmv_idr", 0), cur.get(ORDER_COUNTER[level], 0)
        row = {"name": name, "gmv_idr": gmv, "gmv_change": change(gmv, old.get("gmv_idr", 0)),
               "orders": orders, "items": cur.get("items", 0), "aov_idr": aov(gmv, orders),
               **extra}  # fmt: skip
        if level != "artisan":
            c = counts.get(key, {})
            row.update(code=key, active=len(active.get(key, ())), verified=c.get("verified", 0),
                       new=c.get("new", 0))  # fmt: skip
        rows.append(row)
    totals = {
        "now": _sum(now.values(), area.order_counter),
        "before": _sum(before.values(), area.order_counter),
        "active": len({r["artisan_id"] for r in sold}),
        "active_before": distinct_count(area, previous, "artisan_id"),
        "artisans": counts[None],
        "artisan_sales": sold,
    }
    return _children_table(level, rows), totals


def _sum(rows, counter: str) -> dict[str, int]:
    """GMV, items and orders (at the region's own level) over child rows."""
    rows = list(rows)
    return {
        "gmv_idr": sum(r["gmv_idr"] for r in rows),
        "items": sum(r["items"] for r in rows),
        "orders": sum(r[counter] for r in rows),
    }


def _child_list(area: Region, sales: dict) -> list[tuple[object, str, dict]]:
    """(key, name, extra columns) of every child region, or of the regency's artisans."""
    if area.level == "national":
        return [(code, name, {}) for code, name in provinces()]
    if area.level == "province":
        return [(code, name, {}) for code, name in regencies_of(area.code)]
    query = sa.select(Artisan.id, Artisan.shop_name, Artisan.status).where(
        sa.or_(Artisan.regency_code == area.code, Artisan.id.in_(list(sales)))
    )
    return [(aid, shop, {"artisan_id": aid, "status": status_label(status)})
            for aid, shop, status in db.session.execute(query)]  # fmt: skip


def status_label(status: str) -> str:
    """An artisan status in the page's language."""
    labels = {
        ArtisanStatus.PENDING: _l("Menunggu verifikasi"),
        ArtisanStatus.VERIFIED: _l("Terverifikasi"),
        ArtisanStatus.REJECTED: _l("Ditolak"),
        ArtisanStatus.SUSPENDED: _l("Dibekukan"),
    }
    return str(labels.get(status, status))


def _children_table(level: str, rows: list[dict]) -> Table:
    """The drill-down table's columns for provinces, regencies or artisans."""
    if level == "artisan":
        first = Column("name", _l("Perajin"))
        columns = [first, Column("status", _l("Status")), *gmv_columns(first)[1:]]
        return Table("regions", _l("Perajin di wilayah ini"), columns, rows, link="artisan",
                     sortable=True)  # fmt: skip
    title = (
        _l("Penjualan per provinsi") if level == "province" else _l("Penjualan per kabupaten/kota")
    )
    label = _l("Provinsi") if level == "province" else _l("Kabupaten/kota")
    columns = [
        *gmv_columns(Column("name", label)),
        Column("active", _l("Perajin aktif"), COUNT),
        Column("verified", _l("Perajin terverifikasi"), COUNT),
        Column("new", _l("Perajin baru"), COUNT),
    ]
    return Table("regions", title, columns, rows, link="region", sortable=True)


def _artisan_counts(area: Region, period: Period, previous: Period) -> dict:
    """Verified and new artisans per child region (key None: the whole region), both periods."""
    start, end = period.utc_bounds()
    prev_start, prev_end = previous.utc_bounds()
    verified = Artisan.status == ArtisanStatus.VERIFIED.value

    def verified_before(moment):
        """Verified now, and verified before `moment` (or on an unknown day)."""
        return sa.and_(
            verified, sa.or_(Artisan.verified_at.is_(None), Artisan.verified_at < moment)
        )

    def new_between(first, last):
        """Verified in [first, last)."""
        return sa.and_(Artisan.verified_at >= first, Artisan.verified_at < last)

    sums = [
        sa.func.sum(sa.case((cond, 1), else_=0))
        for cond in (verified_before(end), verified_before(prev_end), new_between(start, end),
                     new_between(prev_start, prev_end))
    ]  # fmt: skip
    group = Artisan.province_code if area.level == "national" else Artisan.regency_code
    query = sa.select(group, *sums).group_by(group)
    if area.level == "province":
        query = query.where(Artisan.province_code == area.code)
    elif area.level == "regency":
        query = query.where(Artisan.regency_code == area.code)
    result, whole = {}, [0, 0, 0, 0]
    for code, *values in db.session.execute(query):
        values = [int(v or 0) for v in values]
        result[code] = dict(zip(("verified", "verified_before", "new", "new_before"), values,
                                strict=True))  # fmt: skip
        whole = [a + b for a, b in zip(whole, values, strict=True)]
    result[None] = dict(zip(("verified", "verified_before", "new", "new_before"), whole,
                            strict=True))  # fmt: skip
    return result


def _figures(area: Region, period: Period, previous: Period, totals: dict) -> Table:
    """The headline figures with the previous period and the change."""
    now, before, counts = totals["now"], totals["before"], totals["artisans"]
    values = {
        "gmv_idr": (now["gmv_idr"], before["gmv_idr"]),
        "orders": (now["orders"], before["orders"]),
        "items": (now["items"], before["items"]),
        "aov_idr": (aov(now["gmv_idr"], now["orders"]), aov(before["gmv_idr"], before["orders"])),
        "active": (totals["active"], totals["active_before"]),
        "verified": (counts.get("verified", 0), counts.get("verified_before", 0)),
        "new": (counts.get("new", 0), counts.get("new_before", 0)),
    }
    return figures_table(values, FIGURES)


def figures_table(values: dict, labels: dict) -> Table:
    """A table of figures: label, value, previous period's value, change in percent."""
    rows = [
        {"key": key, "name": labels[key][0], "kind": labels[key][1], "value": cur,
         "previous": old, "change": change(cur, old)}
        for key, (cur, old) in values.items()
    ]  # fmt: skip
    columns = [
        Column("name", _l("Ukuran")),
        Column("value", _l("Periode ini"), COUNT),
        Column("previous", _l("Periode sebelumnya"), COUNT),
        Column("change", _l("Perubahan (%)"), PERCENT),
    ]
    return Table("figures", _l("Ringkasan"), columns, rows)
