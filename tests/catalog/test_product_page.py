"""The product page as a cache miss renders it: from the database, every request (issue 12)."""

from __future__ import annotations

import re

import pytest

from marketplace.catalog.models import ProductPhoto
from marketplace.db import atomic
from marketplace.extensions import db
from tests.catalog.test_views import add_products


@pytest.fixture
def uncached(app):
    """The app with the page cache off: each request renders its page from the database."""
    app.config["CATALOG_CACHE_SIZE"] = 0
    app.extensions.pop("catalog_page_cache", None)
    return app


def html(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def add_photos(app, product_id: int, positions: list[int], prefix: str) -> None:
    """Photos of a product at these positions, in this insertion order (ids ascending)."""
    with app.app_context(), atomic():
        for n, position in enumerate(positions):
            db.session.add(
                ProductPhoto(product_id=product_id, key=f"{prefix}{n:02x}".ljust(32, "0"),
                             width=1200, height=900, alt_text=f"{prefix} foto {n}",
                             position=position)
            )  # fmt: skip


@pytest.fixture
def tenun(uncached, shop):
    """A weaver's product with a category and a shop beside it in the same category."""
    artisan = shop.artisan(regency="53.10", shop_name="Tenun Ikat Sumba")
    neighbour = shop.artisan(regency="53.10", shop_name="Ikat Waingapu")
    category = shop.category(slug="tenun", name_id="Tenun", name_en="Woven textiles")
    product = shop.product(artisan_id=artisan.id, category_id=category.id, title="Kain Ikat Kuda",
                           stock=3, price_idr=1_250_000)  # fmt: skip
    other = shop.product(artisan_id=neighbour.id, category_id=category.id, title="Selendang Ikat")
    return {"artisan": artisan, "neighbour": neighbour, "category": category,
            "product": product, "other": other}  # fmt: skip


def test_photos_show_in_their_order_and_related_cards_show_their_first_photo(
    uncached, client, tenun
):
    add_photos(uncached, tenun["product"].id, [1, 0, 1], "aa")  # foto 1 first, then 0, then 2
    add_photos(uncached, tenun["other"].id, [3, 2, 2], "bb")  # foto 1 is its first
    page = html(client.get(f"/products/{tenun['product'].slug}"))
    gallery = page[page.index('class="gallery"') : page.index('class="product-info"')]
    assert re.findall(r'alt="(aa foto \d)"', gallery) == ["aa foto 1", "aa foto 0", "aa foto 2"]
    related = page[page.index('id="related-heading"') :]
    assert "Selendang Ikat" in related
    assert re.findall(r'alt="(bb foto \d)"', related) == ["bb foto 1"]
    assert 'href="/products?category=tenun"' in page and "<dd>Tenun</dd>" in page


def test_a_product_without_photos_shows_the_placeholder(uncached, client, tenun):
    page = html(client.get(f"/products/{tenun['product'].slug}"))
    gallery = page[page.index('class="gallery"') : page.index('class="product-info"')]
    assert re.search(r"/static/img/product-placeholder[^\"]*\.svg", gallery)
    assert 'property="og:image"' not in page


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"stock": 0}, 200),
        ({"status": "archived"}, 404),
        ({"status": "draft"}, 404),
        ({"artisan": "suspended"}, 404),
        ({"artisan": "pending"}, 404),
    ],
)
def test_sold_out_hidden_and_unverified_products_without_the_cache(
    uncached, client, shop, tenun, change, expected
):
    assert client.get(f"/products/{tenun['product'].slug}").status_code == 200
    if "artisan" in change:
        shop.change_artisan(tenun["artisan"].id, status=change["artisan"])
    else:
        shop.change_product(tenun["product"].id, **change)
    response = client.get(f"/products/{tenun['product'].slug}")
    assert response.status_code == expected
    if expected == 200:
        page = html(response)
        assert "Stok habis" in page and "add-to-cart" not in page
        assert '"availability": "https://schema.org/OutOfStock"' in page.replace('\\"', '"')


def test_a_hidden_product_is_never_related(uncached, client, shop, tenun):
    shop.change_artisan(tenun["neighbour"].id, status="suspended")
    page = html(client.get(f"/products/{tenun['product'].slug}"))
    assert "Selendang Ikat" not in page and 'id="related-heading"' not in page
    shop.change_artisan(tenun["neighbour"].id, status="verified")
    shop.change_product(tenun["other"].id, status="archived")
    assert "Selendang Ikat" not in html(client.get(f"/products/{tenun['product'].slug}"))


def test_product_page_queries_do_not_grow_with_photos_or_related_products(
    uncached, client, shop, tenun, count_queries
):
    client.get("/robots.txt?warm=1")  # region names are loaded once per app: not per page
    client.get(f"/products/{tenun['other'].slug}")
    with count_queries() as few:
        page = html(client.get(f"/products/{tenun['product'].slug}"))
    assert "Selendang Ikat" in page
    add_products(uncached, tenun["artisan"].id, tenun["category"].id, 12)
    add_photos(uncached, tenun["product"].id, [0, 1, 2, 3, 4], "cc")
    with count_queries() as many:
        page = html(client.get(f"/products/{tenun['product'].slug}"))
    assert page.count('alt="cc foto') == 5 and page.count('class="card"') == 4
    assert len(few) == len(many), many.statements
    selects = [s for s in many.statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2, selects  # the product with its photos; the related cards
