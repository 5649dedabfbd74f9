"""Search lists the same products in the same order however the query is shaped for speed.

The list page asks "is this product a match" through an uncorrelated IN (the full-text search
runs once) and joins the search only to sort by relevance. Here every page of a search over a
generated catalogue is compared with the plain join of the products with the full-text matches,
the formulation the shop used before: the shopper must not see one product more, less or
elsewhere.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.artisans.models import Artisan
from marketplace.catalog import search
from marketplace.catalog.filters import parse_filters
from marketplace.catalog.generate import generate_data
from marketplace.catalog.models import Category, Product
from marketplace.catalog.queries import visible_products
from marketplace.catalog.services import list_products
from marketplace.extensions import db

QUERIES = ["batik", "tas rotan", "kain", "anyaman bambu", "tenun", "kayu", "ukir", "jawa"]
SORTS = ["relevance", "newest", "price_asc", "price_desc"]


@pytest.fixture
def catalogue(ctx):
    """A generated catalogue of 40 artisans and 600 products, as the benchmarks make it."""
    generate_data(artisans=40, products=600, seed=11)
    return ctx


def listed_ids(args: dict) -> list[int]:
    """Ids of every product the list pages show for args, page after page."""
    first = list_products(filters=parse_filters(args))
    ids = [card.id for card in first.cards]
    for page in range(2, first.pages + 1):
        later = list_products(filters=parse_filters({**args, "page": page}))
        ids += [card.id for card in later.cards]
    assert len(ids) == first.total
    return ids


def joined_ids(q: str, sort: str, province: str | None = None, category: str | None = None):
    """The same list as the plain join of products with the full-text matches."""
    found = search.matches(q)
    stmt = visible_products(Product.id).join(found, found.c.product_id == Product.id)
    if province:
        stmt = stmt.where(Artisan.province_code == province)
    if category:
        stmt = stmt.join(Category, Category.id == Product.category_id).where(
            Category.slug == category
        )
    ordering = {
        "relevance": (found.c.score.asc(), Product.id.desc()),
        "newest": (Product.published_at.desc(), Product.id.desc()),
        "price_asc": (Product.price_idr.asc(), Product.id.asc()),
        "price_desc": (Product.price_idr.desc(), Product.id.desc()),
    }[sort]
    return list(db.session.scalars(stmt.order_by(*ordering)))


@pytest.mark.parametrize("sort", SORTS)
def test_every_page_of_a_search_lists_what_the_plain_join_lists(catalogue, sort):
    seen_any = False
    for q in QUERIES:
        expected = joined_ids(q, sort)
        seen_any = seen_any or len(expected) > 24  # some searches run over several pages
        assert listed_ids({"q": q, "sort": sort}) == expected, q
    assert seen_any


def test_a_search_with_filters_lists_what_the_plain_join_lists(catalogue):
    province = db.session.scalar(
        sa.select(Artisan.province_code).group_by(Artisan.province_code).limit(1)
    )
    category = db.session.scalar(sa.select(Category.slug).order_by(Category.id).limit(1))
    for q in QUERIES:
        assert listed_ids({"q": q, "province": province}) == joined_ids(
            q, "relevance", province=province
        )
        assert listed_ids({"q": q, "category": category, "sort": "newest"}) == joined_ids(
            q, "newest", category=category
        )
