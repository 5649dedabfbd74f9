"""Parts shared by the region and artisan reports: time series, top lists, buyer provinces."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.artisans.models import Artisan, ArtisanStatus
from marketplace.catalog.models import Category, Product
from marketplace.dashboard.models import ArtisanLastSale
from marketplace.dashboard.periods import Period, month_start, report_day, today
from marketplace.dashboard.queries import Region, read
from marketplace.dashboard.tables import COUNT, DAY, IDR, PERCENT, Column, Table
from marketplace.extensions import db
from marketplace.regions.services import provinces, region_name

INTERVALS = {"day": _l("Harian"), "week": _l("Mingguan"), "month": _l("Bulanan")}
TOP_N = 10
DORMANT_DAYS = 60


def default_interval(period: Period) -> str:
    """Days for up to two months, weeks up to about seven months, months beyond."""
    if period.days <= 62:
        return "day"
    return "week" if period.days <= 210 else "month"


def _bucket_of(day: date, interval: str) -> date:
    """The first day of the series bucket (day, Monday-started week, month) holding a day."""
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return month_start(day)
    return day


def series_table(region: Region, period: Period, interval: str) -> Table:
    """Sales per day, week or month of the period, every bucket present (zeros included)."""
    counter = region.order_counter
    rows = read(
        region,
        period,
        measures=("gmv_idr", "items", counter),
        by_bucket=True,
        grains=("M",) if interval == "month" else (),
    )
    sums: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        total = sums[_bucket_of(row["bucket"], interval)]
        total[0] += row["gmv_idr"]
        total[1] += row[counter]
        total[2] += row["items"]
    points, day = [], _bucket_of(period.start, interval)
    while day <= period.end:
        gmv, orders, items = sums.get(day, (0, 0, 0))
        points.append({"start": day, "name": _bucket_label(day, interval), "gmv_idr": gmv,
                       "orders": orders, "items": items})  # fmt: skip
        day = _next_bucket(day, interval)
    columns = [
        Column("name", INTERVALS[interval]),
        Column("gmv_idr", _l("Penjualan (Rp)"), IDR),
        Column("orders", _l("Pesanan"), COUNT),
        Column("items", _l("Barang terjual"), COUNT),
    ]
    return Table("series", _l("Penjualan dari waktu ke waktu"), columns, points)


def _next_bucket(day: date, interval: str) -> date:
    """The start of the following bucket."""
    if interval == "month":
        return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return day + timedelta(days=7 if interval == "week" else 1)


def _bucket_label(day: date, interval: str) -> str:
    """`2026-01-31`, `2026-W05` or `2026-01`."""
    if interval == "month":
        return day.strftime("%Y-%m")
    if interval == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d} ({day.isoformat()})"
    return day.isoformat()


def products_table(region: Region, period: Period) -> Table:
    """The best-selling products by sales value."""
    rows = read(region, period, ("product_id",), measures=("gmv_idr", "items"),
                order_by="gmv_idr", limit=TOP_N)  # fmt: skip
    ids = [r["product_id"] for r in rows]
    info = {}
    if ids:
        query = (
            sa.select(Product.id, Product.title, Artisan.id, Artisan.shop_name)
            .join(Artisan, Artisan.id == Product.artisan_id)
            .where(Product.id.in_(ids))
        )
        info = {pid: (title, aid, shop) for pid, title, aid, shop in db.session.execute(query)}
    for row in rows:
        title, aid, shop = info.get(row["product_id"], ("?", None, ""))
        row.update(name=title, artisan=shop, artisan_id=aid)
    columns = [
        Column("name", _l("Produk")),
        Column("artisan", _l("Perajin")),
        Column("gmv_idr", _l("Penjualan (Rp)"), IDR),
        Column("items", _l("Barang terjual"), COUNT),
    ]
    return Table("products", _l("Produk terlaris"), columns, rows, link="artisan")


def categories_table(region: Region, period: Period, locale: str) -> Table:
    """Sales per craft category, largest first, with each one's share."""
    rows = read(region, period, ("category_id",), measures=("gmv_idr", "items"),
                order_by="gmv_idr")  # fmt: skip
    _add_share(rows)
    rows = rows[:TOP_N]
    names = {
        c.id: c.name(locale)
        for c in db.session.scalars(
            sa.select(Category).where(Category.id.in_([r["category_id"] for r in rows]))
        )
    }
    for row in rows:
        row["name"] = names.get(row["category_id"], "?")
    columns = [
        Column("name", _l("Kategori")),
        Column("gmv_idr", _l("Penjualan (Rp)"), IDR),
        Column("items", _l("Barang terjual"), COUNT),
        Column("share", _l("Porsi (%)"), PERCENT),
    ]
    return Table("categories", _l("Kategori terlaris"), columns, rows)


def buyers_table(region: Region, period: Period) -> Table:
    """Sales by the buyer's province (shipping address): where the buyers come from."""
    counter = region.order_counter
    rows = read(region, period, ("buyer_province_code",),
                measures=("gmv_idr", "items", counter), order_by="gmv_idr")  # fmt: skip
    _add_share(rows)
    for row in rows:
        row.update(code=row["buyer_province_code"], name=region_name(row["buyer_province_code"]),
                   orders=row.pop(counter))  # fmt: skip
    columns = [
        Column("name", _l("Provinsi pembeli")),
        Column("gmv_idr", _l("Penjualan (Rp)"), IDR),
        Column("orders", _l("Pesanan"), COUNT),
        Column("items", _l("Barang terjual"), COUNT),
        Column("share", _l("Porsi (%)"), PERCENT),
    ]
    return Table("buyers", _l("Penjualan menurut provinsi pembeli"), columns, rows)


def _add_share(rows: list[dict]) -> None:
    """Each row's share of the rows' total sales, in percent with one decimal."""
    grand = sum(r["gmv_idr"] for r in rows)
    for row in rows:
        row["share"] = round(row["gmv_idr"] * 100 / grand, 1) if grand else None


def province_values(table: Table, key: str = "code") -> dict[str, int]:
    """Sales per province code from a table's rows (for the map); every province present."""
    values = dict.fromkeys((code for code, _ in provinces()), 0)
    for row in table.rows:
        if row.get(key) in values:
            values[row[key]] = row["gmv_idr"]
    return values


def top_artisans_table(sold: list[dict]) -> Table:
    """The artisans with the largest sales in the period."""
    sums: dict[int, list[int]] = {}
    for row in sold:
        total = sums.setdefault(row["artisan_id"], [0, 0, 0])
        total[0] += row["gmv_idr"]
        total[1] += row["orders_artisan"]
        total[2] += row["items"]
    best = sorted(sums.items(), key=lambda kv: (-kv[1][0], kv[0]))[:TOP_N]
    query = sa.select(Artisan.id, Artisan.shop_name, Artisan.regency_code).where(
        Artisan.id.in_([a for a, _ in best])
    )
    info = {aid: (shop, regency) for aid, shop, regency in db.session.execute(query)}
    rows = [
        {"artisan_id": aid, "name": info.get(aid, ("?",))[0],
         "regency": region_name(info.get(aid, ("", ""))[1]),
         "gmv_idr": gmv, "orders": orders, "items": items}
        for aid, (gmv, orders, items) in best
    ]  # fmt: skip
    columns = [
        Column("name", _l("Perajin")),
        Column("regency", _l("Kabupaten/kota")),
        Column("gmv_idr", _l("Penjualan (Rp)"), IDR),
        Column("orders", _l("Pesanan"), COUNT),
        Column("items", _l("Barang terjual"), COUNT),
    ]
    return Table("artisans", _l("Perajin terlaris"), columns, rows, link="artisan")


def dormant_table(area: Region) -> Table:
    """Verified artisans of the region without a sale in the last 60 days (who may need help).

    Read from the artisans' last sale days (models.ArtisanLastSale), not by scanning 60 days.
    """
    on = today()
    cutoff = on - timedelta(days=DORMANT_DAYS - 1)
    query = sa.select(
        Artisan.id,
        Artisan.shop_name,
        Artisan.regency_code,
        Artisan.verified_at,
        ArtisanLastSale.last_day.label("last_sale"),
    )
    query = query.outerjoin(ArtisanLastSale, ArtisanLastSale.artisan_id == Artisan.id).where(
        Artisan.status == ArtisanStatus.VERIFIED.value,
        sa.or_(ArtisanLastSale.last_day.is_(None), ArtisanLastSale.last_day < cutoff),
    )
    if area.level == "province":
        query = query.where(Artisan.province_code == area.code)
    elif area.level == "regency":
        query = query.where(Artisan.regency_code == area.code)
    rows = [
        {"artisan_id": a.id, "name": a.shop_name, "regency": region_name(a.regency_code),
         "verified_on": report_day(a.verified_at) if a.verified_at else None,
         "last_sale": a.last_sale}
        for a in db.session.execute(query)
    ]  # fmt: skip
    rows.sort(key=lambda r: (r["last_sale"] is not None, r["last_sale"] or on, r["name"]))
    columns = [
        Column("name", _l("Perajin")),
        Column("regency", _l("Kabupaten/kota")),
        Column("verified_on", _l("Terverifikasi sejak"), DAY),
        Column("last_sale", _l("Penjualan terakhir"), DAY),
    ]
    table = Table("dormant", _l("Perajin tanpa penjualan 60 hari terakhir"), columns, rows,
                  link="artisan")  # fmt: skip
    table.total_rows = len(rows)
    return table
