"""Storefront use cases: what the buyer-facing pages show. Read-only; every query is visible-only.

Each function takes plain arguments and returns plain, cacheable values (dataclasses of
queries.py); a hidden or unknown product or artisan raises NotFound.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from marketplace.artisans.models import Artisan
from marketplace.catalog import search
from marketplace.catalog.categories import CategoryInfo, all_categories
from marketplace.catalog.filters import ListFilters
from marketplace.catalog.models import Product
from marketplace.catalog.queries import (
    CARD_COLUMNS,
    ProductCard,
    ProductDetail,
    PublicArtisan,
    artisan_by_slug,
    cards,
    product_by_slug,
    related_cards,
    visible_artisans,
    visible_products,
)
from marketplace.errors import NotFound
from marketplace.extensions import db

PER_PAGE = 24
FEATURED = 8


@dataclass(frozen=True)
class ProductPage:
    """One page of a product list, with the total count of the whole list."""

    cards: list[ProductCard]
    total: int
    page: int
    pages: int
    filters: ListFilters | None = None


def list_products(*, filters: ListFilters, per_page: int = PER_PAGE) -> ProductPage:
    """The visible products the filters select, sorted, one page of them (3 queries at most).

    A page past the end is corrected to the last page. A search text without any searchable word
    (only punctuation) lists as if there were none.
    """
    stmt = visible_products(*CARD_COLUMNS)
    if filters.category:
        stmt = stmt.where(Product.category_id == filters.category.id)
    if filters.regency:
        stmt = stmt.where(Artisan.regency_code == filters.regency)
    elif filters.province:
        stmt = stmt.where(Artisan.province_code == filters.province)
    if filters.min_price is not None:
        stmt = stmt.where(Product.price_idr >= filters.min_price)
    if filters.max_price is not None:
        stmt = stmt.where(Product.price_idr <= filters.max_price)
    found = search.matches(filters.q) if filters.q else None
    count_stmt = stmt
    if found is not None:
        # "Is it a match" is asked through an uncorrelated IN, so the full-text search runs
        # once. Joined, SQLite's planner puts the FTS5 table in the inner loop of the count and
        # runs the MATCH again for every visible product (hundreds of milliseconds at 10,000
        # products). Only the relevance order needs the score: there the search is joined, and
        # it is the outer loop of that join (the rows are read in score order).
        count_stmt = stmt.where(Product.id.in_(sa.select(found.c.product_id)))
        if filters.sort == "relevance":
            stmt = stmt.join(found, found.c.product_id == Product.id)
        else:
            stmt = count_stmt
    order = {
        "newest": (Product.published_at.desc(), Product.id.desc()),
        "price_asc": (Product.price_idr.asc(), Product.id.asc()),
        "price_desc": (Product.price_idr.desc(), Product.id.desc()),
    }
    if found is not None and filters.sort == "relevance":
        ordering = (found.c.score.asc(), Product.id.desc())
    else:
        ordering = order.get(filters.sort, order["newest"])
    return paginate(
        stmt.order_by(*ordering),
        page=filters.page,
        per_page=per_page,
        filters=filters,
        count_stmt=count_stmt,
    )


def paginate(
    stmt: sa.Select,
    *,
    page: int,
    per_page: int,
    filters: ListFilters | None = None,
    count_stmt: sa.Select | None = None,
) -> ProductPage:
    """Count the select's rows (or count_stmt's, the same rows asked more cheaply), clamp the
    page number, fetch that page as cards."""
    counted = stmt if count_stmt is None else count_stmt
    count = counted.with_only_columns(sa.func.count(Product.id), maintain_column_froms=True)
    total = db.session.scalar(count.order_by(None)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    rows = cards(stmt.limit(per_page).offset((page - 1) * per_page)) if total else []
    if filters is not None and page != filters.page:
        filters = filters.with_page(page)
    return ProductPage(cards=rows, total=total, page=page, pages=pages, filters=filters)


@dataclass(frozen=True)
class ProductView:
    """A product page: the product, its category and related products."""

    product: ProductDetail
    category: CategoryInfo | None
    related: list[ProductCard] = field(default_factory=list)


def product_page(*, slug: str) -> ProductView:
    """The visible product with this slug; NotFound when it is unknown or hidden (two queries:
    the product with its artisan, category and photos; the related cards with theirs)."""
    product = product_by_slug(slug)
    if product is None:
        raise NotFound(_("Produk tidak ditemukan."))
    return ProductView(product=product, category=product.category, related=related_cards(product))


@dataclass(frozen=True)
class ArtisanView:
    """An artisan's public shop page."""

    artisan: PublicArtisan
    products: ProductPage


def artisan_page(*, slug: str, page: int = 1) -> ArtisanView:
    """A verified artisan's public side and visible products; NotFound otherwise."""
    artisan = artisan_by_slug(slug)
    if artisan is None:
        raise NotFound(_("Perajin tidak ditemukan."))
    stmt = (
        visible_products(*CARD_COLUMNS)
        .where(Product.artisan_id == artisan.id)
        .order_by(Product.published_at.desc(), Product.id.desc())
    )
    return ArtisanView(artisan=artisan, products=paginate(stmt, page=page, per_page=PER_PAGE))


@dataclass(frozen=True)
class HomeView:
    """The home page: featured products, categories and provinces with their counts."""

    featured: list[ProductCard]
    categories: list[tuple[CategoryInfo, int]]
    provinces: list[tuple[str, int]]
    total: int


def home_page() -> HomeView:
    """Best sellers first, then the newest; categories and provinces that have products."""
    featured = cards(
        visible_products(*CARD_COLUMNS)
        .where(Product.stock > 0)
        .order_by(Product.sold_count.desc(), Product.published_at.desc(), Product.id.desc())
        .limit(FEATURED)
    )
    by_category = dict(
        db.session.execute(
            visible_products(Product.category_id, sa.func.count()).group_by(Product.category_id)
        ).all()
    )
    by_province = db.session.execute(
        visible_products(Artisan.province_code, sa.func.count())
        .group_by(Artisan.province_code)
        .order_by(Artisan.province_code)
    ).all()
    categories = [(c, by_category.get(c.id, 0)) for c in all_categories()]
    return HomeView(
        featured=featured,
        categories=[(c, n) for c, n in categories if n],
        provinces=[(code, n) for code, n in by_province],
        total=sum(by_category.values()),
    )


# One sitemap file holds at most 50,000 URLs; past that it needs a sitemap index.
SITEMAP_LIMIT = 50_000


@dataclass(frozen=True)
class SitemapView:
    """What sitemap.xml lists."""

    products: list[tuple[str, datetime]]
    artisans: list[str]
    categories: list[str]


def sitemap() -> SitemapView:
    """The slugs of every visible product, verified artisan and category that has products."""
    products = db.session.execute(
        visible_products(Product.slug, Product.updated_at).order_by(Product.id).limit(SITEMAP_LIMIT)
    ).all()
    artisans = db.session.scalars(visible_artisans(Artisan.slug).order_by(Artisan.id)).all()
    used = set(db.session.scalars(visible_products(Product.category_id).distinct()).all())
    categories = [c.slug for c in all_categories() if c.id in used]
    return SitemapView(
        products=[(slug, updated) for slug, updated in products],
        artisans=list(artisans),
        categories=categories,
    )
