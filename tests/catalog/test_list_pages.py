"""Every page of every list shows what the plain sorted query with OFFSET showed, page by page.

The list pages now seek page N through the list index (or count a long list only up to a cap);
a buyer must not see one product more, less or elsewhere for any page, sort or filter, nor on an
artisan's shop. The reference is the query the shop ran before: the visible products, filtered,
sorted, and cut into pages of 24.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from marketplace.artisans.models import Artisan
from marketplace.catalog import list_index, lists
from marketplace.catalog.filters import parse_filters
from marketplace.catalog.generate import generate_data
from marketplace.catalog.models import Category, Product
from marketplace.catalog.queries import visible_products
from marketplace.catalog.services import artisan_page, list_products
from marketplace.extensions import db
from tests.catalog.conftest import change_artisan, change_product

ORDERINGS = {
    "newest": (Product.published_at.desc(), Product.id.desc()),
    "price_asc": (Product.price_idr.asc(), Product.id.asc()),
    "price_desc": (Product.price_idr.desc(), Product.id.desc()),
}


@pytest.fixture
def catalogue(ctx, monkeypatch):
    """A generated catalogue of 30 artisans and 1,200 products, in small blocks (many seeks)."""
    monkeypatch.setattr(list_index, "BLOCK", 16)
    monkeypatch.setattr(list_index, "MAX_BLOCK", 32)
    generate_data(artisans=30, products=1200, seed=7)
    return ctx


def plain_ids(args: dict, sort: str) -> list[int]:
    """The visible products the old query listed for these filters, in its order."""
    stmt = visible_products(Product.id)
    if "category" in args:
        stmt = stmt.join(Category, Category.id == Product.category_id).where(
            Category.slug == args["category"]
        )
    if "regency" in args:
        stmt = stmt.where(Artisan.regency_code == args["regency"])
    elif "province" in args:
        stmt = stmt.where(Artisan.province_code == args["province"])
    if "min_price" in args:
        stmt = stmt.where(Product.price_idr >= int(args["min_price"]))
    if "max_price" in args:
        stmt = stmt.where(Product.price_idr <= int(args["max_price"]))
    return list(db.session.scalars(stmt.order_by(*ORDERINGS[sort])))


def listed_pages(args: dict) -> list[list[int]]:
    """The ids on each page of the list, from page 1 to the last, and one page past it."""
    pages, number = [], 1
    while True:
        page = list_products(filters=parse_filters({**args, "page": str(number)}))
        if page.page != number:  # asked past the end: the last page again
            assert [card.id for card in page.cards] == pages[-1]
            return pages
        pages.append([card.id for card in page.cards])
        number += 1


def in_pages(ids: list[int]) -> list[list[int]]:
    """ids cut into pages of 24 (one empty page for none)."""
    return [ids[i : i + 24] for i in range(0, len(ids), 24)] or [[]]


def some_filters() -> list[dict]:
    """Filters of every kind on the generated catalogue: one of each, two at once, prices."""
    busiest = db.session.execute(
        sa.select(Artisan.province_code, Artisan.regency_code)
        .join(Product, Product.artisan_id == Artisan.id)
        .group_by(Artisan.province_code, Artisan.regency_code)
        .order_by(sa.func.count().desc())
        .limit(1)
    ).one()
    category = db.session.scalar(
        sa.select(Category.slug)
        .join(Product, Product.category_id == Category.id)
        .group_by(Category.slug)
        .order_by(sa.func.count().desc())
        .limit(1)
    )
    return [
        {},
        {"category": category},
        {"province": busiest.province_code},
        {"regency": busiest.regency_code},
        {"province": busiest.province_code, "category": category},
        {"min_price": "100000"},
        {"max_price": "250000", "category": category},
        {"min_price": "50000", "max_price": "400000", "province": busiest.province_code},
    ]


@pytest.mark.parametrize("sort", ["newest", "price_asc", "price_desc"])
def test_every_page_of_every_list_is_the_plain_querys_page(catalogue, sort):
    for args in some_filters():
        expected = plain_ids(args, sort)
        assert listed_pages({**args, "sort": sort}) == in_pages(expected), args
    assert len(plain_ids({}, sort)) > 24 * 30  # the whole catalogue runs over many blocks


def test_lists_follow_the_writers(catalogue):
    ids = db.session.scalars(sa.select(Product.id).order_by(Product.id)).all()
    for product_id in ids[::5]:
        change_product(product_id, price_idr=7_000 + product_id % 13)
    for product_id in ids[1::9]:
        change_product(product_id, status="archived")
    artisan = db.session.scalar(sa.select(Product.artisan_id).where(Product.id == ids[2]))
    change_artisan(artisan, status="suspended")
    for sort in ORDERINGS:
        for args in some_filters()[:4]:
            assert listed_pages({**args, "sort": sort}) == in_pages(plain_ids(args, sort))


def test_every_page_of_an_artisans_shop_is_the_plain_querys_page(catalogue):
    artisans = db.session.execute(
        sa.select(Artisan.id, Artisan.slug)
        .join(Product, Product.artisan_id == Artisan.id)
        .group_by(Artisan.id, Artisan.slug)
        .order_by(sa.func.count().desc())
        .limit(3)
    ).all()
    for artisan_id, slug in artisans:
        expected = list(
            db.session.scalars(
                visible_products(Product.id)
                .where(Product.artisan_id == artisan_id)
                .order_by(*ORDERINGS["newest"])
            )
        )
        first = artisan_page(slug=slug).products
        assert first.total == len(expected) and first.pages == len(in_pages(expected))
        pages = [
            [card.id for card in artisan_page(slug=slug, page=n).products.cards]
            for n in range(1, first.pages + 1)
        ]
        assert pages == in_pages(expected)
        assert artisan_page(slug=slug, page=first.pages + 5).products.page == first.pages
    assert first.pages > 2


def test_a_list_longer_than_the_cap_says_so_and_pages_on(catalogue, monkeypatch):
    monkeypatch.setattr(lists, "COUNT_CAP", 100)
    args = {"min_price": "1000"}  # a price range: counted, not a list the index keeps
    expected = plain_ids(args, "newest")
    assert len(expected) > 200
    first = list_products(filters=parse_filters(args))
    assert (first.total, first.capped, first.pages, first.has_next) == (100, True, None, True)
    pages = listed_pages(args)
    assert pages == in_pages(expected)
    last = list_products(filters=parse_filters({**args, "page": str(len(pages))}))
    assert last.has_next is False
    past = list_products(filters=parse_filters({**args, "page": "9999"}))
    # Past the end of a long list it is counted to its end: the last page, and the exact count.
    assert (past.page, past.pages, past.total, past.capped) == (
        len(pages),
        len(pages),
        len(expected),
        False,
    )
    assert [card.id for card in past.cards] == pages[-1]


@pytest.fixture
def served(app):
    """A generated catalogue of 1,200 products for view tests (no app context left open)."""
    with app.app_context():
        generate_data(artisans=30, products=1200, seed=7)
        long_enough = len(plain_ids({"min_price": "1000"}, "newest")) > 1000
        db.session.remove()
    assert long_enough
    return app


def test_the_list_page_says_a_thousand_plus_and_links_the_next_page(served, client, monkeypatch):
    monkeypatch.setattr(lists, "COUNT_CAP", 1000)
    page = client.get("/products?min_price=1000&page=2").get_data(as_text=True)
    assert "1.000+ produk" in page
    assert re.search(r"Halaman 2\s*</span>", page)  # no "of N": the last page is not counted
    assert 'rel="next" href="/products?min_price=1000&amp;page=3"' in page
    assert 'rel="prev"' in page
    english = client.get("/products?min_price=1000&lang=en").get_data(as_text=True)
    assert "1,000+ products" in english
