"""The storefront on a phone: search, filter by province, open a product; axe-core on each page."""

from __future__ import annotations

import re

import pytest

from tests.e2e.accessibility import assert_accessible

pytestmark = pytest.mark.e2e
expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need playwright (pip install -e .[dev])"
).expect


def test_buyer_searches_filters_by_province_and_opens_a_product(page):
    """From the home page to a product page with the header search and the filter form."""
    page.goto("/")
    expect(page.get_by_role("heading", name="Pilihan untuk Anda")).to_be_visible()
    assert_accessible(page)

    search = page.locator("header").get_by_role("searchbox")
    search.fill("batik")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/products\?q=batik$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hasil pencarian “batik”")
    expect(page.locator(".product-grid .card").first).to_be_visible()
    assert_accessible(page)

    page.get_by_text("Saring dan urutkan").click()
    page.get_by_label("Provinsi").select_option(label="Jawa Barat")
    page.get_by_role("button", name="Terapkan").click()
    expect(page).to_have_url(re.compile(r"province=32"))
    expect(page.locator(".result-count")).to_contain_text("Jawa Barat")
    shops = page.locator(".card-shop").all_inner_texts()
    assert shops and all("Kota Bandung" in shop for shop in shops), shops
    assert_accessible(page)

    first = page.locator(".product-grid .card-title").first
    title = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("button", name="Masukkan ke keranjang")).to_be_visible()
    expect(page.get_by_role("heading", name="Perajin")).to_be_visible()
    assert_accessible(page)


def test_empty_search_result_and_artisan_page_are_accessible(page):
    """The empty state offers a way back; the artisan page shows the shop, not the person."""
    page.goto("/products?q=tidakadasamasekali")
    expect(page.get_by_role("heading", name="Tidak ada produk yang cocok")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Lihat semua produk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Semua produk")
    page.locator(".product-grid .card-link").first.click()
    page.locator(".artisan-card .shop-name a").click()
    expect(page).to_have_url(re.compile(r"/artisans/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
