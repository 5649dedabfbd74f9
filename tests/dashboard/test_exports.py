"""Exports: CSV and XLSX hold what the page shows; both agree with the order lines to the Rupiah.

The data are generated orders from 20 December to early March, a fifth of them paid within half
an hour of midnight in Jakarta, some refunded, some never paid; the period is January 2026.
"""

from __future__ import annotations

import csv
import io
import random
import re
from html import unescape

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from marketplace.dashboard.formatting import Formatter
from marketplace.dashboard.periods import Period
from marketplace.extensions import db
from marketplace.orders.models import Order, OrderLine
from tests import factories
from tests.dashboard.conftest import build_catalog
from tests.dashboard.factories import jakarta, make_order, random_orders
from tests.factories import PASSWORD

JANUARY = "period=custom&from=2026-01-01&to=2026-01-31"


@pytest.fixture
def generated(in_app):
    """Eighty random orders over artisans in three regencies of two provinces."""

    def build():
        """The data, made inside the app."""
        world = build_catalog()
        extra = [
            factories.make_product(artisan_id=world.kota, price_idr=85_000),
            factories.make_product(artisan_id=world.bali, price_idr=1_250_000),
        ]
        products = [*vars(world.products).values(), *extra]
        random_orders(random.Random(2026), products, 80, jakarta(2025, 12, 20), 75)
        return world

    return in_app(build)


@pytest.fixture
def national(client, make, auth):
    """A national staff member, logged in."""
    user = make.user(role="staff", scope="national")
    auth.login(user.email, PASSWORD)
    return user


def raw_sales(group_column) -> dict:
    """Direct SQL over the order lines: (GMV, items, orders) per group, January in Jakarta."""
    start, end = Period(jakarta(2026, 1, 1).date(), jakarta(2026, 1, 31).date()).utc_bounds()
    query = (
        sa.select(
            group_column,
            sa.func.sum(OrderLine.line_total_idr),
            sa.func.sum(OrderLine.quantity),
            sa.func.count(sa.distinct(OrderLine.order_id)),
        )
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.status.in_(("paid", "completed")), Order.paid_at >= start, Order.paid_at < end)
        .group_by(group_column)
    )
    return {key: tuple(int(v) for v in values) for key, *values in db.session.execute(query)}


def csv_table(data: bytes) -> tuple[list[list[str]], list[str], list[list[str]]]:
    """(meta lines, header, rows) of an exported CSV."""
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    blank = lines.index([])
    return lines[:blank], lines[blank + 1], lines[blank + 2 :]


def same(value) -> object:
    """A cell as a comparable value: numbers as floats (300 == 300.0), blanks as ""."""
    if value is None or value == "":
        return ""
    try:
        return float(value)
    except ValueError:
        return str(value)


def page_table(html: str, key: str) -> list[list[str]]:
    """The text of each body row of a dashboard table on the page."""
    section = html.split(f'id="sec-{key}"')[1].split("</table>")[0]
    body = section.split("<tbody>")[1]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows


def test_province_export_equals_the_page_and_the_order_lines(app, client, national, generated):
    page = client.get(f"/dashboard/?{JANUARY}").get_data(as_text=True)
    response = client.get(f"/dashboard/export/regions.csv?{JANUARY}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert (
        "penjualan-regions-national-2026-01-01-2026-01-31.csv"
        in response.headers["Content-Disposition"]
    )
    meta, header, rows = csv_table(response.data)
    assert meta[1] == ["Wilayah", "Indonesia"]
    assert meta[2] == ["Cakupan akses", "Nasional"]
    assert meta[3] == ["Periode", "2026-01-01", "2026-01-31"]
    assert meta[5][0] == "Diekspor" and meta[5][1].endswith("+07:00")
    assert header[:4] == ["Provinsi", "Penjualan (Rp)", "Perubahan (%)", "Pesanan"]
    fmt = Formatter("id")
    shown = {r[0]: r for r in page_table(page, "regions")}
    names = {"Jawa Barat": "32", "Bali": "51"}
    with app.app_context():
        raw = raw_sales(OrderLine.artisan_province_code)
    assert raw, "the generated data have January sales"
    for row in rows:
        gmv, orders, items = int(row[1]), int(row[3]), int(row[4])
        assert shown[row[0]][1] == fmt.idr(gmv) and shown[row[0]][3] == fmt.number(orders)
        assert (gmv, items, orders) == raw.get(names.get(row[0]), (0, 0, 0)), row[0]
    total = sum(int(r[1]) for r in rows)
    assert total == sum(v[0] for v in raw.values())
    assert fmt.idr(total) in page  # the headline GMV figure


def test_xlsx_export_holds_the_same_numbers_as_numbers(app, client, national, generated):
    response = client.get(f"/dashboard/export/regions.xlsx?region=32&{JANUARY}")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[1][:2] == ["Wilayah", "Provinsi Jawa Barat"]
    assert values[3][:3] == ["Periode", "2026-01-01", "2026-01-31"]
    header_at = values.index(next(r for r in values if r[0] == "Kabupaten/kota"))
    rows = {r[0]: r for r in values[header_at + 1 :]}
    assert len(rows) == 27
    with app.app_context():
        raw = raw_sales(OrderLine.artisan_regency_code)
    assert isinstance(rows["Kota Bandung"][1], int) and isinstance(rows["Kota Bandung"][3], int)
    assert (rows["Kota Bandung"][1], rows["Kota Bandung"][4], rows["Kota Bandung"][3]) == raw[
        "32.73"
    ]
    assert (rows["Kabupaten Bandung"][1], rows["Kabupaten Bandung"][3]) == (
        raw.get("32.04", (0, 0, 0))[0],
        raw.get("32.04", (0, 0, 0))[2],
    )
    csv_rows = csv_table(client.get(f"/dashboard/export/regions.csv?region=32&{JANUARY}").data)[2]
    assert [[same(c) for c in rows[r[0]]] for r in csv_rows] == [
        [same(c) for c in r] for r in csv_rows
    ]


def test_figures_series_and_buyer_exports_agree_with_the_order_lines(
    app, client, national, generated
):
    with app.app_context():
        by_buyer = raw_sales(Order.ship_province_code)
        everything = raw_sales(sa.literal("all"))["all"]
    _, _, figures = csv_table(client.get(f"/dashboard/export/figures.csv?{JANUARY}").data)
    values = {row[0]: row[1] for row in figures}
    assert int(values["Penjualan kotor (GMV)"]) == everything[0]
    assert int(values["Barang terjual"]) == everything[1]
    assert int(values["Pesanan"]) == everything[2]
    _, _, series = csv_table(
        client.get(f"/dashboard/export/series.csv?{JANUARY}&interval=day").data
    )
    assert len(series) == 31
    assert sum(int(r[1]) for r in series) == everything[0]
    _, _, buyers = csv_table(client.get(f"/dashboard/export/buyers.csv?{JANUARY}").data)
    names = {"DKI Jakarta": "31", "Daerah Khusus Ibukota Jakarta": "31", "Jawa Barat": "32",
             "Bali": "51", "Sumatera Utara": "12", "Jawa Timur": "35"}  # fmt: skip
    assert {names[r[0]]: (int(r[1]), int(r[3]), int(r[2])) for r in buyers} == by_buyer


@pytest.mark.parametrize("table", ["products", "artisans", "categories", "dormant", "series"])
def test_every_table_exports_in_both_formats(client, national, generated, table):
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/dashboard/export/{table}.{fmt}?{JANUARY}")
        assert response.status_code == 200, (table, fmt)
        assert response.headers["Content-Disposition"].startswith("attachment;")


def test_artisan_exports_hold_only_that_artisans_sales(app, client, national, generated):
    _, _, products = csv_table(
        client.get(f"/dashboard/sales/artisans/{generated.bali}/export/products.csv?{JANUARY}").data
    )
    with app.app_context():
        raw = raw_sales(OrderLine.artisan_id)
    assert sum(int(r[2]) for r in products) == raw[generated.bali][0]


FORMULA = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture
def formula_world(in_app):
    """A Kota Bandung shop and product named like a formula: 1 sold in January, 3 in December."""

    def build():
        """The data, made inside the app."""
        artisan = factories.make_artisan(regency="32.73", shop_name=FORMULA)
        product = factories.make_product(artisan_id=artisan.id, title=FORMULA, price_idr=50_000)
        make_order(items=[(product, 3)], paid_at=jakarta(2025, 12, 10))
        make_order(items=[(product, 1)], paid_at=jakarta(2026, 1, 10))
        return artisan.id

    return in_app(build)


def xlsx_rows(data: bytes) -> list[list]:
    """Every row of an exported workbook as openpyxl cells."""
    return [list(row) for row in load_workbook(io.BytesIO(data)).active.iter_rows()]


def test_xlsx_exports_write_formula_like_names_as_text_and_numbers_as_numbers(
    client, national, formula_world
):
    for url in (
        f"/dashboard/export/products.xlsx?{JANUARY}",
        f"/dashboard/export/artisans.xlsx?{JANUARY}",
        f"/dashboard/sales/artisans/{formula_world}/export/products.xlsx?{JANUARY}",
    ):
        rows = xlsx_rows(client.get(url).data)
        formula_cells = [cell for row in rows for cell in row if cell.value == FORMULA]
        assert formula_cells, url
        assert all(cell.data_type == "s" for cell in formula_cells), url
        assert not [cell for row in rows for cell in row if cell.data_type == "f"], url
        sold = next(row for row in rows if row[0].value == FORMULA)
        numbers = [cell for cell in sold if isinstance(cell.value, int)]
        assert 50_000 in [cell.value for cell in numbers], url
        assert all(cell.data_type == "n" for cell in numbers), url
    regencies = xlsx_rows(client.get(f"/dashboard/export/regions.xlsx?region=32&{JANUARY}").data)
    bandung = next(row for row in regencies if row[0].value == "Kota Bandung")
    assert bandung[2].value < 0 and bandung[2].data_type == "n"  # -66.7 % against December


def test_csv_exports_quote_formula_like_names_and_leave_numbers_alone(
    client, national, formula_world
):
    _, _, rows = csv_table(client.get(f"/dashboard/export/products.csv?{JANUARY}").data)
    assert rows[0][:4] == ["'" + FORMULA, "'" + FORMULA, "50000", "1"]
    _, _, regencies = csv_table(
        client.get(f"/dashboard/export/regions.csv?region=32&{JANUARY}").data
    )
    bandung = next(row for row in regencies if row[0] == "Kota Bandung")
    assert float(bandung[2]) < 0 and bandung[1] == "50000"  # a negative change is a number
    meta, _, _ = csv_table(
        client.get(f"/dashboard/sales/artisans/{formula_world}/export/products.csv?{JANUARY}").data
    )
    assert meta[1] == ["Wilayah", "'" + FORMULA]


def test_csv_is_declared_text_csv_utf8_once(client, national, formula_world):
    response = client.get(f"/dashboard/export/products.csv?{JANUARY}")
    assert response.headers.getlist("Content-Type") == ["text/csv; charset=utf-8"]


@pytest.mark.parametrize(
    ("scope", "region", "query", "words"),
    [
        ("national", "Indonesia", "", "Nasional"),
        ("32", "Provinsi Jawa Barat", "", "Provinsi Jawa Barat"),
        ("32.73", "Kota Bandung", "", "Kota Bandung"),
        ("national", "Jawa Barat Province", "&region=32&lang=en", "National"),
        ("32", "Jawa Barat Province", "&lang=en", "Jawa Barat Province"),
    ],
)
def test_the_csv_says_the_region_and_scope_in_words(
    client, make, auth, formula_world, scope, region, query, words
):
    user = make.user(role="staff", scope=scope)
    auth.login(user.email, PASSWORD)
    meta, _, _ = csv_table(client.get(f"/dashboard/export/regions.csv?{JANUARY}{query}").data)
    assert meta[1][1:] == [region]
    assert meta[2][1:] == [words]
