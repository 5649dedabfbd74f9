"""Storefront pages as a buyer's browser gets them."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from marketplace.catalog.models import ProductPhoto
from marketplace.db import atomic
from marketplace.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def html(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


@pytest.fixture
def bandung(shop):
    """A verified batik artisan in Kota Bandung with two products, one nearly sold out."""
    artisan = shop.artisan(regency="32.73", shop_name="Batik Sari Cigadung", story="Motif bunga.")
    category = shop.category(slug="batik", name_id="Batik", name_en="Batik")
    low = shop.product(
        artisan_id=artisan.id, category_id=category.id, title="Kain Batik Tulis",
        price_idr=450_000, stock=2, description="Batik tulis halus.\n\nDikerjakan tiga minggu.",
    )  # fmt: skip
    plenty = shop.product(
        artisan_id=artisan.id, category_id=category.id, title="Selendang Batik", stock=30
    )
    return {"artisan": artisan, "category": category, "low": low, "plenty": plenty}


def test_home_shows_featured_products_categories_and_provinces(client, bandung):
    page = html(client.get("/"))
    assert "Kain Batik Tulis" in page
    assert 'href="/products?category=batik"' in page
    assert 'href="/products?province=32"' in page and "Jawa Barat" in page
    assert "Mengapa belanja di sini?" in page


def test_product_list_shows_count_cards_and_filter_form(client, bandung):
    page = html(client.get("/products"))
    assert "2 produk" in page
    assert "Kain Batik Tulis" in page and "Selendang Batik" in page
    assert "Rp450.000" in page
    assert "Tinggal 2" in page
    assert '<form method="get" action="/products"' in page
    for name in ("q", "category", "province", "min_price", "max_price", "sort"):
        assert f'name="{name}"' in page


def test_regency_choice_appears_once_a_province_is_chosen(client, bandung):
    assert 'name="regency"' not in html(client.get("/products"))
    page = html(client.get("/products?province=32"))
    assert 'name="regency"' in page and "Kota Bandung" in page


@pytest.mark.parametrize(
    "query",
    [
        "page=abc", "page=-1", "page=99999", "min_price=-5", "max_price=abc", "category=tidak-ada",
        "province=99", "regency=xx.yy", "sort=drop%20table", "q=%22NEAR(%20*",  # (a NUL: test_edge)
        "min_price=99999999999999999999", "q=" + "a" * 3000, "page=1.5&sort=", "lang=xx",
    ],
)  # fmt: skip
def test_bad_parameters_never_fail(client, bandung, query):
    response = client.get(f"/products?{query}")
    assert response.status_code == 200
    assert "produk" in html(response)


def test_a_page_past_the_end_shows_the_last_page(client, bandung):
    page = html(client.get("/products?page=50"))
    assert "Kain Batik Tulis" in page


def test_no_match_shows_the_empty_state_with_a_way_back(client, bandung):
    page = html(client.get("/products?q=zzzzzz"))
    assert "Tidak ada produk yang cocok" in page
    assert "0 produk" in page
    assert 'href="/products"' in page


def test_pagination_links_keep_the_filters(client, shop, bandung):
    for n in range(25):
        shop.product(artisan_id=bandung["artisan"].id, category_id=bandung["category"].id,
                     title=f"Batik Cap {n}")  # fmt: skip
    page = html(client.get("/products?category=batik&sort=price_asc"))
    assert "Halaman 1 dari 2" in page
    assert 'href="/products?category=batik&amp;sort=price_asc&amp;page=2"' in page
    second = html(client.get("/products?category=batik&sort=price_asc&page=2"))
    assert "Halaman 2 dari 2" in second and 'rel="prev"' in second


def test_product_page_shows_price_stock_form_artisan_and_breadcrumbs(client, bandung):
    page = html(client.get(f"/products/{bandung['low'].slug}"))
    assert "<h1>Kain Batik Tulis</h1>" in page
    assert "Rp450.000" in page and "Tinggal 2" in page
    assert '<form class="add-to-cart" method="post" action="/cart/add">' in page
    assert f'name="product_id" value="{bandung["low"].id}"' in page
    assert 'name="quantity"' in page and 'name="csrf_token"' in page
    assert "Batik Sari Cigadung" in page and "Kota Bandung, Jawa Barat" in page
    assert "Motif bunga." in page
    assert 'aria-current="page">Kain Batik Tulis</li>' in page
    assert "<p>Dikerjakan tiga minggu.</p>" in page
    assert "Selendang Batik" in page  # related


def test_sold_out_product_says_so_and_offers_no_cart_form(client, shop, bandung):
    shop.change_product(bandung["low"].id, stock=0)
    page = html(client.get(f"/products/{bandung['low'].slug}"))
    assert "Stok habis" in page
    assert "add-to-cart" not in page


def test_product_page_has_opengraph_and_schema_org_data(client, bandung):
    page = html(client.get(f"/products/{bandung['low'].slug}"))
    assert '<meta property="og:title" content="Kain Batik Tulis">' in page
    assert '<meta property="og:type" content="product">' in page
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page)[1])
    assert data["@type"] == "Product" and data["name"] == "Kain Batik Tulis"
    assert data["offers"]["price"] == "450000" and data["offers"]["priceCurrency"] == "IDR"
    assert data["offers"]["availability"] == "https://schema.org/InStock"


def test_a_title_cannot_break_out_of_the_json_ld_script(client, shop, bandung):
    title = "</script><script>alert(1)</script>"
    product = shop.product(artisan_id=bandung["artisan"].id, title=title)
    page = html(client.get(f"/products/{product.slug}"))
    assert "<script>alert(1)" not in page
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page)[1])
    assert data["name"] == title


def test_gallery_uses_responsive_lazy_images(client, app, bandung):
    with app.app_context(), atomic():
        for position in range(2):
            db.session.add(
                ProductPhoto(product_id=bandung["low"].id, key=f"{position:x}" * 32, width=1200,
                             height=900, alt_text=f"Foto {position}", position=position)
            )  # fmt: skip
    page = html(client.get(f"/products/{bandung['low'].slug}"))
    assert 'type="image/webp"' in page and "640w" in page and 'sizes="' in page
    assert 'alt="Foto 0"' in page and 'alt="Foto 1"' in page
    assert 'loading="lazy"' in page and 'fetchpriority="high"' in page
    assert 'property="og:image" content="http://localhost/media/' in page


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_a_hidden_product_is_404_and_absent_everywhere(client, shop, bandung, status):
    shop.change_product(bandung["low"].id, status=status)
    assert client.get(f"/products/{bandung['low'].slug}").status_code == 404
    for url in ("/products", "/products?q=tulis", "/", f"/artisans/{bandung['artisan'].slug}"):
        assert "Kain Batik Tulis" not in html(client.get(url)), url
    assert bandung["low"].slug not in html(client.get("/sitemap.xml"))
    assert "1 produk" in html(client.get("/products"))


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_products_of_an_unverified_artisan_are_404_and_absent(client, shop, bandung, status):
    shop.change_artisan(bandung["artisan"].id, status=status)
    assert client.get(f"/products/{bandung['low'].slug}").status_code == 404
    assert client.get(f"/artisans/{bandung['artisan'].slug}").status_code == 404
    assert "0 produk" in html(client.get("/products"))
    assert "Kain Batik Tulis" not in html(client.get("/products?q=batik"))
    sitemap = html(client.get("/sitemap.xml"))
    assert bandung["low"].slug not in sitemap and bandung["artisan"].slug not in sitemap


def test_artisan_page_shows_story_region_and_products(client, bandung):
    page = html(client.get(f"/artisans/{bandung['artisan'].slug}"))
    assert "<h1>Batik Sari Cigadung</h1>" in page
    assert "Kota Bandung, Jawa Barat" in page and "Motif bunga." in page
    assert "Kain Batik Tulis" in page and "Selendang Batik" in page


def test_unknown_product_and_artisan_are_404(client, bandung):
    assert client.get("/products/tidak-ada").status_code == 404
    assert client.get("/artisans/tidak-ada").status_code == 404


@pytest.mark.parametrize("which", ["product", "artisan"])
def test_private_details_of_the_artisan_never_appear(client, app, bandung, which):
    from marketplace.artisans.models import Artisan, TrainingRecord

    with app.app_context():
        artisan = db.session.get(Artisan, bandung["artisan"].id)
        training = db.session.query(TrainingRecord).filter_by(artisan_id=artisan.id).one()
        secrets = [artisan.legal_name, artisan.phone, artisan.village,
                   training.certificate_number, training.programme, training.batch]  # fmt: skip
    url = f"/products/{bandung['low'].slug}" if which == "product" else (
        f"/artisans/{bandung['artisan'].slug}")  # fmt: skip
    page = html(client.get(url))
    for secret in secrets:
        assert secret not in page


def test_english_pages_use_english_names_and_prices(client, shop, bandung):
    shop.category(slug="anyaman", name_id="Anyaman", name_en="Basketry")
    page = html(client.get("/products?lang=en"))
    assert '<html lang="en">' in page
    assert "IDR 450,000" in page and "Basketry" in page


def test_sitemap_and_robots(client, bandung):
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    sitemap = html(response)
    assert f"http://localhost/products/{bandung['low'].slug}</loc>" in sitemap
    assert f"http://localhost/artisans/{bandung['artisan'].slug}</loc>" in sitemap
    assert "http://localhost/products?category=batik</loc>" in sitemap
    robots = client.get("/robots.txt")
    assert robots.mimetype == "text/plain"
    assert "Sitemap: http://localhost/sitemap.xml" in html(robots)
    assert "Disallow: /account/" in html(robots)


def add_products(app, artisan_id: int, category_id: int, count: int, start: int = 0) -> None:
    """count products with a photo each, written in one transaction like generate-data."""
    from marketplace.catalog.cache import bump_catalog_version
    from marketplace.catalog.models import Product
    from marketplace.catalog.search import rebuild_index
    from marketplace.db import now_utc

    with app.app_context(), atomic():
        for n in range(start, start + count):
            product = Product(
                artisan_id=artisan_id, category_id=category_id, slug=f"produk-massal-{n}",
                title=f"Kain Tenun Ikat Motif Nomor {n}", description="Tenun ikat.",
                price_idr=250_000 + n, stock=10, weight_grams=400, status="active",
                published_at=now_utc(),
            )  # fmt: skip
            db.session.add(product)
            db.session.flush()
            db.session.add(ProductPhoto(product_id=product.id, key=f"{n:032x}", width=1200,
                                        height=900, alt_text=product.title))  # fmt: skip
        rebuild_index()
        bump_catalog_version()


@pytest.mark.parametrize("url", ["/products", "/products?q=tenun", "/", "/products?province=32"])
def test_list_queries_do_not_grow_with_the_number_of_products(
    client, app, shop, count_queries, url
):
    artisan = shop.artisan(regency="32.73")
    category = shop.category()
    add_products(app, artisan.id, category.id, 5)
    client.get("/robots.txt?warm=1")  # region names are loaded once per app: not per product
    client.get("/products?warm=1")
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add_products(app, artisan.id, category.id, 35, start=5)
    with count_queries() as many:
        page = html(client.get(url))
    assert "Nomor 39" in page or url == "/"
    assert len(few) == len(many), many.statements


def test_list_page_with_24_products_weighs_under_60_kb_compressed(client, app, shop):
    artisan = shop.artisan(regency="32.73", shop_name="Tenun Ikat Sumba Timur Lestari")
    category = shop.category()
    add_products(app, artisan.id, category.id, 30)
    page = client.get("/products").get_data()
    assert page.count(b'class="card"') == 24
    css = (ROOT / "static" / "css" / "main.css").read_bytes()
    scripts = b"".join(p.read_bytes() for p in (ROOT / "static" / "js").glob("**/*.js"))
    total = sum(len(gzip.compress(part)) for part in (page, css, scripts))
    assert total < 60 * 1024, total
