"""Storefront services: lists, filters, sorting, pages, and the one visibility rule."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.catalog import services
from marketplace.catalog.categories import CATEGORIES, all_categories, load_categories
from marketplace.catalog.filters import parse_filters
from marketplace.catalog.models import Product, ProductPhoto
from marketplace.db import atomic
from marketplace.errors import NotFound
from marketplace.extensions import db
from tests import factories
from tests.catalog.conftest import change_artisan, change_product, make_product


def listed(**args) -> list[str]:
    """Titles on the first page of /products with these parameters."""
    return [c.title for c in services.list_products(filters=parse_filters(args)).cards]


@pytest.fixture
def catalog(ctx):
    """Two artisans in two provinces, products at several prices, plus every kind of hidden one."""
    batik = factories.make_category(slug="batik")
    kayu = factories.make_category(slug="kerajinan-kayu")
    bandung = factories.make_artisan(regency="32.73", shop_name="Batik Bandung")
    bogor = factories.make_artisan(regency="32.01", shop_name="Batik Bogor")
    jepara = factories.make_artisan(regency="33.20", shop_name="Ukir Jepara")
    make_product(artisan_id=bandung.id, category_id=batik.id, title="Batik A", price_idr=100_000)
    make_product(artisan_id=bogor.id, category_id=batik.id, title="Batik B", price_idr=300_000)
    make_product(artisan_id=jepara.id, category_id=kayu.id, title="Patung C", price_idr=200_000)
    # Hidden: a draft, an archived product, and products of unverified artisans.
    make_product(artisan_id=bandung.id, category_id=batik.id, title="Draf", status="draft")
    make_product(artisan_id=bandung.id, category_id=batik.id, title="Arsip", status="archived")
    for status in ("pending", "rejected", "suspended"):
        hidden = factories.make_artisan(regency="32.73", status=status)
        make_product(artisan_id=hidden.id, category_id=batik.id, title=f"Toko {status}")
    return {"bandung": bandung, "bogor": bogor, "jepara": jepara, "batik": batik}


def test_list_shows_only_active_products_of_verified_artisans(catalog):
    result = services.list_products(filters=parse_filters({}))
    assert sorted(c.title for c in result.cards) == ["Batik A", "Batik B", "Patung C"]
    assert result.total == 3


def test_filter_by_category_province_and_regency(catalog):
    assert sorted(listed(category="batik")) == ["Batik A", "Batik B"]
    assert sorted(listed(province="32")) == ["Batik A", "Batik B"]
    assert listed(province="33") == ["Patung C"]
    assert listed(regency="32.73") == ["Batik A"]
    assert listed(province="33", regency="32.73") == ["Batik A"]  # the regency decides


def test_filter_by_price_range(catalog):
    assert sorted(listed(min_price="150000")) == ["Batik B", "Patung C"]
    assert sorted(listed(max_price="Rp 200.000")) == ["Batik A", "Patung C"]
    assert listed(min_price="150000", max_price="250000") == ["Patung C"]
    assert listed(min_price="250000", max_price="150000") == ["Patung C"]  # swapped back


def test_sort_by_price_and_newest(catalog):
    assert listed(sort="price_asc") == ["Batik A", "Patung C", "Batik B"]
    assert listed(sort="price_desc") == ["Batik B", "Patung C", "Batik A"]
    assert listed(sort="newest") == ["Patung C", "Batik B", "Batik A"]


def test_pages_hold_the_count_and_a_page_past_the_end_is_the_last(catalog):
    for n in range(5):
        make_product(artisan_id=catalog["jepara"].id, title=f"Ukiran {n}")
    filters = parse_filters({"page": "3"})
    page = services.list_products(filters=filters, per_page=3)
    assert (page.total, page.pages, page.page) == (8, 3, 3)
    assert len(page.cards) == 2
    past = services.list_products(filters=parse_filters({"page": "99"}), per_page=3)
    assert past.page == 3 and past.filters.page == 3 and len(past.cards) == 2


def test_an_empty_result_is_one_empty_page(catalog):
    page = services.list_products(filters=parse_filters({"q": "tidakadaapapun"}))
    assert (page.total, page.pages, page.page, page.cards) == (0, 1, 1, [])


def test_cards_carry_the_first_photo(catalog, ctx):
    product = make_product(artisan_id=catalog["bandung"].id, title="Bergambar")
    with atomic():
        for position, key in ((2, "b" * 32), (1, "a" * 32)):
            db.session.add(
                ProductPhoto(product_id=product.id, key=key, width=640, height=480,
                             alt_text=f"foto {position}", position=position)
            )  # fmt: skip
    card = next(c for c in services.list_products(filters=parse_filters({})).cards if c.photo)
    assert card.title == "Bergambar" and card.photo.key == "a" * 32 and card.photo.alt == "foto 1"


@pytest.mark.parametrize(
    "title", ["Draf", "Arsip", "Toko pending", "Toko rejected", "Toko suspended"]
)
def test_a_hidden_product_page_is_not_found(catalog, title):
    with pytest.raises(NotFound):
        services.product_page(slug=_slug(title))


def test_product_page_has_public_artisan_category_and_related_products(catalog):
    view = services.product_page(slug=_slug("Batik A"))
    assert view.product.artisan.shop_name == "Batik Bandung"
    assert view.category.slug == "batik"
    assert [c.title for c in view.related] == ["Batik B"]
    assert not hasattr(view.product.artisan, "legal_name")
    assert not hasattr(view.product.artisan, "phone")


def test_related_products_put_the_artisans_own_first_and_stay_visible(catalog):
    make_product(artisan_id=catalog["bandung"].id, title="Batik A2")
    view = services.product_page(slug=_slug("Batik A"))
    assert [c.title for c in view.related] == ["Batik A2", "Batik B"]


def test_archiving_or_suspending_hides_the_product_at_once(catalog):
    change_product(_id("Batik A"), status="archived")
    with pytest.raises(NotFound):
        services.product_page(slug=_slug("Batik A"))
    change_artisan(catalog["bogor"].id, status="suspended")
    with pytest.raises(NotFound):
        services.product_page(slug=_slug("Batik B"))
    assert listed() == ["Patung C"]


def test_artisan_page_lists_only_visible_products_of_a_verified_artisan(catalog):
    view = services.artisan_page(slug=catalog["bandung"].slug)
    assert [c.title for c in view.products.cards] == ["Batik A"]
    assert view.products.total == 1
    assert not hasattr(view.artisan, "legal_name")


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_artisan_page_of_an_unverified_artisan_is_not_found(ctx, status):
    artisan = factories.make_artisan(status=status)
    with pytest.raises(NotFound):
        services.artisan_page(slug=artisan.slug)


def test_home_counts_only_visible_products(catalog):
    home = services.home_page()
    assert home.total == 3
    assert dict((c.slug, n) for c, n in home.categories) == {"batik": 2, "kerajinan-kayu": 1}
    assert dict(home.provinces) == {"32": 2, "33": 1}
    assert sorted(c.title for c in home.featured) == ["Batik A", "Batik B", "Patung C"]


def test_sitemap_lists_only_visible_products_and_verified_artisans(catalog):
    sitemap = services.sitemap()
    assert sorted(slug for slug, _ in sitemap.products) == sorted(
        _slug(t) for t in ("Batik A", "Batik B", "Patung C")
    )
    assert sorted(sitemap.artisans) == sorted(
        catalog[k].slug for k in ("bandung", "bogor", "jepara")
    )
    assert sorted(sitemap.categories) == ["batik", "kerajinan-kayu"]


def test_load_categories_is_idempotent_and_has_both_languages(ctx):
    assert load_categories() == len(CATEGORIES)
    assert load_categories() == 0
    categories = all_categories()
    assert [c.slug for c in categories][:3] == ["batik", "tenun", "anyaman"]
    anyaman = next(c for c in categories if c.slug == "anyaman")
    assert (anyaman.name("id"), anyaman.name("en")) == ("Anyaman", "Basketry")


def _slug(title: str) -> str:
    """The slug of the product with this title."""
    return db.session.scalar(sa.select(Product.slug).where(Product.title == title))


def _id(title: str) -> int:
    """The id of the product with this title."""
    return db.session.scalar(sa.select(Product.id).where(Product.title == title))
