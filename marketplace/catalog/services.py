"""Storefront use cases: what the buyer-facing pages show. Read-only; every query is visible-only.

Each function takes plain arguments and returns plain, cacheable values (dataclasses of
queries.py); a hidden or unknown product or artisan raises NotFound.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _

from marketplace.artisans.models import Artisan
from marketplace.catalog import list_index
from marketplace.catalog.categories import CategoryInfo, all_categories
from marketplace.catalog.lists import (  # noqa: F401  (list_products: a use case of the storefront)
    ProductPage,
    list_products,
    scope_page,
)
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

FEATURED = 8


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
    products = scope_page(list_index.NEWEST, list_index.scope_of(a=artisan.id), True, page)
    return ArtisanView(artisan=artisan, products=products)


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
    # The list index counts every category's and province's list already (one query).
    by_scope = list_index.counts(list_index.NEWEST, ("c", "p"))
    categories = [(c, by_scope.get(f"c{c.id}", 0)) for c in all_categories()]
    provinces = sorted((scope[1:], n) for scope, n in by_scope.items() if scope[0] == "p")
    return HomeView(
        featured=featured,
        categories=[(c, n) for c, n in categories if n],
        provinces=provinces,
        total=sum(n for _c, n in categories),
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
