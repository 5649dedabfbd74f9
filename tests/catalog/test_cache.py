"""Cached storefront pages: fast for everyone, and never older than the data they show."""

from __future__ import annotations

import os

import pytest

from marketplace.catalog.page_cache import CSRF_PLACEHOLDER, LRUCache


@pytest.fixture
def product(shop):
    """One visible product with plenty of stock."""
    artisan = shop.artisan(regency="32.73", shop_name="Batik Sari")
    return shop.product(artisan_id=artisan.id, title="Kain Batik Tulis", stock=30)


def text(client, url: str) -> str:
    """The page body."""
    response = client.get(url)
    assert response.status_code in (200, 404)
    return response.get_data(as_text=True)


def test_a_second_visit_is_served_from_the_cache(client, product, count_queries):
    client.get(f"/products/{product.slug}")
    with count_queries() as again:
        assert "Kain Batik Tulis" in text(client, f"/products/{product.slug}")
    # Only the catalog version is read (plus the transaction's BEGIN on SQLite).
    assert [s for s in again.statements if "catalog_state" not in s and s != "BEGIN"] == []


def test_a_stock_change_shows_at_once(client, shop, product):
    assert "Tinggal" not in text(client, f"/products/{product.slug}")
    shop.change_product(product.id, stock=3)
    assert "Tinggal 3" in text(client, f"/products/{product.slug}")
    assert "Tinggal 3" in text(client, "/products")
    shop.change_product(product.id, stock=0)
    assert "Stok habis" in text(client, f"/products/{product.slug}")


def test_a_price_change_shows_at_once_on_list_and_search(client, shop, product):
    assert "Rp150.000" in text(client, "/products?q=batik")
    shop.change_product(product.id, price_idr=175_000)
    assert "Rp175.000" in text(client, "/products?q=batik")
    assert "Rp175.000" in text(client, "/")


def test_archiving_a_product_hides_it_at_once(client, shop, product):
    for url in ("/products", "/", f"/products/{product.slug}", "/products?q=tulis"):
        assert "Kain Batik Tulis" in text(client, url)
    shop.change_product(product.id, status="archived")
    assert client.get(f"/products/{product.slug}").status_code == 404
    for url in ("/products", "/", "/products?q=tulis", "/sitemap.xml"):
        assert "Kain Batik Tulis" not in text(client, url) and product.slug not in text(client, url)


def test_suspending_the_artisan_hides_the_products_at_once(client, app, make, product):
    from marketplace.artisans.models import ArtisanStatus
    from marketplace.artisans.services import decide

    staff = make.user(role="staff", scope="national")
    assert "Kain Batik Tulis" in text(client, "/products")
    assert client.get(f"/products/{product.slug}").status_code == 200
    with app.app_context():
        decide(
            staff=staff,
            artisan_id=product.artisan_id,
            new_status=ArtisanStatus.SUSPENDED,
            reason="Pemeriksaan ulang.",
        )
    assert client.get(f"/products/{product.slug}").status_code == 404
    assert "Kain Batik Tulis" not in text(client, "/products")
    assert "Kain Batik Tulis" not in text(client, "/products?q=batik")


def test_each_visitor_gets_their_own_csrf_token_in_cached_pages(app, product):
    first, second = app.test_client(), app.test_client()
    one = text(first, f"/products/{product.slug}")
    two = text(second, f"/products/{product.slug}")
    assert CSRF_PLACEHOLDER not in one and CSRF_PLACEHOLDER not in two

    def token(page: str) -> str:
        return page.split('name="csrf_token" value="')[-1].split('"')[0]

    assert token(one) and token(two) and token(one) != token(two)


def test_a_signed_in_buyer_sees_the_cached_content_with_their_own_header(
    client, make, auth, product
):
    anonymous = text(client, f"/products/{product.slug}")
    buyer = make.user(email="rina@example.com")
    auth.login("rina@example.com", "kain-tenun-biru-77")
    signed_in = text(client, f"/products/{product.slug}")
    assert buyer.id and "Kain Batik Tulis" in signed_in
    assert "Keluar" in signed_in and "Keluar" not in anonymous
    assert CSRF_PLACEHOLDER not in signed_in and 'name="csrf_token" value="' in signed_in


def test_a_flashed_message_shows_on_a_cached_page_and_only_once(client, product):
    text(client, "/products")
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Produk masuk ke keranjang.")]
    assert "Produk masuk ke keranjang." in text(client, "/products")
    assert "Produk masuk ke keranjang." not in text(client, "/products")


def test_another_visitors_cart_count_is_never_served(app, product):
    from flask import request

    # Stands in for the cart: each visitor's count comes with their request here.
    app.extensions["cart_count"] = lambda: int(request.headers.get("X-Items", "0"))
    with_items = text_with(app.test_client(), "/products", {"X-Items": "3"})
    empty = text_with(app.test_client(), "/products", {})
    assert ">3</span>" in with_items
    assert ">3</span>" not in empty and ">0</span>" in empty


def text_with(client, url: str, headers: dict) -> str:
    """The page body of a request with extra headers."""
    return client.get(url, headers=headers).get_data(as_text=True)


def test_pages_are_cached_per_language(client, product):
    assert "Rp150.000" in text(client, f"/products/{product.slug}")
    assert "IDR 150,000" in text(client, f"/products/{product.slug}?lang=en")
    assert "Rp150.000" in text(client, f"/products/{product.slug}")


def test_the_lru_keeps_the_newest_entries_and_drops_old_versions():
    cache = LRUCache(2)
    cache.put(1, "a", {"content": "A"})
    cache.put(1, "b", {"content": "B"})
    cache.get(1, "a")
    cache.put(1, "c", {"content": "C"})
    assert cache.get(1, "b") is None and cache.get(1, "a") == {"content": "A"}
    cache.put(2, "d", {"content": "D"})
    assert cache.get(1, "a") is None and cache.get(2, "a") is None and len(cache) == 1
    cache.put(1, "old", {"content": "stale"})  # rendered from older data: not kept
    assert cache.get(2, "old") is None and cache.get(1, "old") is None


def test_the_cache_can_be_switched_off(app, product):
    app.config["CATALOG_CACHE_SIZE"] = 0
    client = app.test_client()
    assert "Kain Batik Tulis" in text(client, f"/products/{product.slug}")
    assert "catalog_page_cache" not in app.extensions


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL")
def test_workers_share_rendered_pages_through_redis(app, product, count_queries):
    app.config["REDIS_URL"] = os.environ["REDIS_URL"]
    app.test_client().get(f"/products/{product.slug}")
    app.extensions.pop("catalog_page_cache")  # another worker: an empty local cache
    with count_queries() as again:
        assert "Kain Batik Tulis" in text(app.test_client(), f"/products/{product.slug}")
    assert [s for s in again.statements if "catalog_state" not in s and s != "BEGIN"] == []
