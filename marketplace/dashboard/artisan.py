"""One artisan's sales, for staff whose scope holds the artisan's regency."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.accounts.scope import covers
from marketplace.artisans.models import Artisan
from marketplace.dashboard import sections
from marketplace.dashboard.periods import Period
from marketplace.dashboard.queries import Region, aov, read
from marketplace.dashboard.reports import Report, breadcrumbs, figures_table
from marketplace.dashboard.tables import COUNT, IDR
from marketplace.errors import NotFound
from marketplace.extensions import db

FIGURES = {
    "gmv_idr": (_l("Penjualan kotor (GMV)"), IDR),
    "orders": (_l("Pesanan"), COUNT),
    "items": (_l("Barang terjual"), COUNT),
    "aov_idr": (_l("Rata-rata per pesanan"), IDR),
}


def artisan_in_scope(scope: str | None, artisan_id: int) -> Artisan:
    """The artisan, or NotFound when missing or outside the scope (the same answer for both)."""
    artisan = db.session.get(Artisan, artisan_id)
    if artisan is None or not covers(scope, artisan.regency_code):
        from flask_babel import gettext as _

        raise NotFound(_("Perajin tidak ditemukan."))
    return artisan


def artisan_report(
    *, scope: str, artisan_id: int, period: Period, interval: str | None = None,
    locale: str = "id",
) -> Report:  # fmt: skip
    """Figures, time series, products, categories and buyer provinces of one artisan's sales."""
    artisan = artisan_in_scope(scope, artisan_id)
    area = Region("artisan", artisan.regency_code, artisan.shop_name, artisan_id=artisan.id)
    interval = interval if interval in sections.INTERVALS else sections.default_interval(period)
    previous = period.previous()
    now, before = (_totals(area, p) for p in (period, previous))
    values = {
        "gmv_idr": (now["gmv_idr"], before["gmv_idr"]),
        "orders": (now["orders"], before["orders"]),
        "items": (now["items"], before["items"]),
        "aov_idr": (aov(now["gmv_idr"], now["orders"]), aov(before["gmv_idr"], before["orders"])),
    }
    report = Report(
        area,
        period,
        interval,
        figures_table(values, FIGURES),
        breadcrumbs=[*breadcrumbs(scope, area), area],
        artisan=artisan,
    )
    buyers = sections.buyers_table(area, period)
    for table in (
        report.figures,
        sections.series_table(area, period, interval),
        sections.products_table(area, period),
        sections.categories_table(area, period, locale),
        buyers,
    ):
        report.tables[table.key] = table
    report.tables["products"].link = None
    report.map_values, report.map_mode = sections.province_values(buyers), "buyers"
    return report


def _totals(area: Region, period: Period) -> dict[str, int]:
    """GMV, items and orders of the artisan in a period."""
    rows = read(area, period, measures=("gmv_idr", "items", "orders_artisan"))
    row = rows[0] if rows else {"gmv_idr": 0, "items": 0, "orders_artisan": 0}
    return {"gmv_idr": row["gmv_idr"], "items": row["items"], "orders": row["orders_artisan"]}
