"""What buyers may see, in one place: the visibility rule and the lean queries built on it.

THE rule (DESIGN.md section 4): a product is shown to buyers only while it is `active` and its
artisan is `verified`. Every buyer-facing query (lists, search, counts, sitemap, product page,
artisan page, related products, home) starts from visible_products() or, for artisans,
visible_artisans(), so the rule cannot be forgotten in one place and kept in another. The list
index (list_index.py) that pages the lists is filled from visible_products() too, and the cards
of every page are read back through it.

The queries select plain columns into small frozen dataclasses rather than ORM objects: cheaper
to build, safe to cache, and they can never lazy-load anything (no N+1, no private column).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa

from marketplace.artisans.models import Artisan, ArtisanStatus
from marketplace.catalog.models import Product, ProductPhoto, ProductStatus
from marketplace.extensions import db


def artisan_visible() -> sa.ColumnElement[bool]:
    """An artisan's shop is public only while BNN has them verified."""
    return Artisan.status == ArtisanStatus.VERIFIED.value


def product_visible() -> sa.ColumnElement[bool]:
    """The visibility rule; needs Product and Artisan in the FROM clause."""
    return sa.and_(Product.status == ProductStatus.ACTIVE.value, artisan_visible())


def visible_products(*columns) -> sa.Select:
    """SELECT columns FROM products JOIN artisans WHERE the product is visible to buyers."""
    return (
        sa.select(*columns)
        .select_from(Product)
        .join(Artisan, Artisan.id == Product.artisan_id)
        .where(product_visible())
    )


def visible_artisans(*columns) -> sa.Select:
    """SELECT columns FROM artisans WHERE the shop is public."""
    return sa.select(*columns).select_from(Artisan).where(artisan_visible())


@dataclass(frozen=True)
class Photo:
    """A stored photo: the media key, the largest variant's size and its alt text."""

    key: str
    width: int
    height: int
    alt: str


@dataclass(frozen=True)
class ProductCard:
    """A product as a list shows it: no description, the first photo only."""

    id: int
    slug: str
    title: str
    price_idr: int
    stock: int
    shop_name: str
    artisan_slug: str
    regency_code: str
    photo: Photo | None = None


CARD_COLUMNS = (
    Product.id,
    Product.slug,
    Product.title,
    Product.price_idr,
    Product.stock,
    Artisan.shop_name,
    Artisan.slug,
    Artisan.regency_code,
)


def cards(stmt: sa.Select) -> list[ProductCard]:
    """Run a select of CARD_COLUMNS (from visible_products) with each product's first photo."""
    return read_cards(with_first_photo(stmt))


def with_first_photo(stmt: sa.Select) -> sa.Select:
    """A select of CARD_COLUMNS with the four columns of each product's first photo added.

    The photo comes in the same statement, by a left join on the id of the product's photo with
    the lowest position: one query for the whole list.
    """
    first_photo = (
        sa.select(ProductPhoto.id)
        .where(ProductPhoto.product_id == Product.id)
        .order_by(ProductPhoto.position, ProductPhoto.id)
        .limit(1)
        .correlate(Product)
        .scalar_subquery()
    )
    return stmt.add_columns(*PHOTO_COLUMNS).outerjoin(ProductPhoto, ProductPhoto.id == first_photo)


def read_cards(stmt: sa.Select, params: dict | None = None) -> list[ProductCard]:
    """The cards of a with_first_photo() select, run with these bound parameters."""
    width = len(CARD_COLUMNS)
    return [
        ProductCard(*row[:width], photo=Photo(*row[width:]) if row[width] is not None else None)
        for row in db.session.execute(stmt, params or {})
    ]


PHOTO_COLUMNS = (ProductPhoto.key, ProductPhoto.width, ProductPhoto.height, ProductPhoto.alt_text)


def photos_of(product_id: int) -> list[Photo]:
    """Every photo of one product, in order."""
    stmt = (
        sa.select(ProductPhoto.key, ProductPhoto.width, ProductPhoto.height, ProductPhoto.alt_text)
        .where(ProductPhoto.product_id == product_id)
        .order_by(ProductPhoto.position, ProductPhoto.id)
    )
    return [Photo(*row) for row in db.session.execute(stmt)]


@dataclass(frozen=True)
class PublicArtisan:
    """The public side of an artisan: never the legal name, phone, village or training."""

    id: int
    slug: str
    shop_name: str
    story: str
    regency_code: str
    province_code: str


PUBLIC_ARTISAN_COLUMNS = (
    Artisan.id,
    Artisan.slug,
    Artisan.shop_name,
    Artisan.story,
    Artisan.regency_code,
    Artisan.province_code,
)


@dataclass(frozen=True)
class ProductDetail:
    """Everything a product page shows."""

    id: int
    slug: str
    title: str
    description: str
    price_idr: int
    stock: int
    weight_grams: int
    category_id: int
    updated_at: datetime
    artisan: PublicArtisan
    photos: tuple[Photo, ...] = ()


def product_by_slug(slug: str) -> ProductDetail | None:
    """The visible product with this slug, with its public artisan and photos; None if hidden."""
    stmt = visible_products(
        Product.id,
        Product.slug,
        Product.title,
        Product.description,
        Product.price_idr,
        Product.stock,
        Product.weight_grams,
        Product.category_id,
        Product.updated_at,
        *PUBLIC_ARTISAN_COLUMNS,
    ).where(Product.slug == slug)
    row = db.session.execute(stmt).first()
    if row is None:
        return None
    artisan = PublicArtisan(*row[9:])
    detail = ProductDetail(*row[:9], artisan=artisan)
    return replace(detail, photos=tuple(photos_of(detail.id)))


def artisan_by_slug(slug: str) -> PublicArtisan | None:
    """The public side of a verified artisan; None if unknown or not (or no longer) verified."""
    row = db.session.execute(
        visible_artisans(*PUBLIC_ARTISAN_COLUMNS).where(Artisan.slug == slug)
    ).first()
    return PublicArtisan(*row) if row else None


def related_cards(product: ProductDetail, limit: int = 4) -> list[ProductCard]:
    """Other visible products of the same artisan or category: the artisan's own first."""
    same_artisan = sa.case((Product.artisan_id == product.artisan.id, 0), else_=1)
    stmt = (
        visible_products(*CARD_COLUMNS)
        .where(
            Product.id != product.id,
            sa.or_(
                Product.artisan_id == product.artisan.id,
                Product.category_id == product.category_id,
            ),
        )
        .order_by(same_artisan, Product.published_at.desc(), Product.id.desc())
        .limit(limit)
    )
    return cards(stmt)
