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

from dataclasses import dataclass
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from marketplace.artisans.models import Artisan, ArtisanStatus
from marketplace.catalog.categories import CategoryInfo
from marketplace.catalog.models import Category, Product, ProductPhoto, ProductStatus
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
    category: CategoryInfo | None = None


DETAIL_COLUMNS = (
    Product.id,
    Product.slug,
    Product.title,
    Product.description,
    Product.price_idr,
    Product.stock,
    Product.weight_grams,
    Product.category_id,
    Product.updated_at,
)
CATEGORY_COLUMNS = (Category.id, Category.slug, Category.name_id, Category.name_en)
PHOTO_COLUMNS = (ProductPhoto.key, ProductPhoto.width, ProductPhoto.height, ProductPhoto.alt_text)


@cache
def product_statement() -> sa.Select:
    """The visible product of :slug with its artisan, category and photos: one row a photo.

    Built once: making a select costs several times more than running it (a product page is
    two selects, and it asks for them on every cache miss).
    """
    columns = (*DETAIL_COLUMNS, *PUBLIC_ARTISAN_COLUMNS, *CATEGORY_COLUMNS, *PHOTO_COLUMNS)
    return (
        visible_products(*columns)
        .outerjoin(Category, Category.id == Product.category_id)
        .outerjoin(ProductPhoto, ProductPhoto.product_id == Product.id)
        .where(Product.slug == sa.bindparam("slug"))
        .order_by(ProductPhoto.position, ProductPhoto.id)
    )


def product_by_slug(slug: str) -> ProductDetail | None:
    """The visible product with this slug, with its public artisan, category and photos (in
    order); None if unknown or hidden."""
    rows = db.session.execute(product_statement(), {"slug": slug}).all()
    if not rows:
        return None
    first = rows[0]
    artisan_at, category_at = len(DETAIL_COLUMNS), len(DETAIL_COLUMNS) + 6
    photo_at = category_at + len(CATEGORY_COLUMNS)
    photos = tuple(Photo(*row[photo_at:]) for row in rows if row[photo_at] is not None)
    category = first[category_at:photo_at]
    return ProductDetail(
        *first[:artisan_at],
        artisan=PublicArtisan(*first[artisan_at:category_at]),
        photos=photos,
        category=CategoryInfo(*category) if category[0] is not None else None,
    )


def artisan_by_slug(slug: str) -> PublicArtisan | None:
    """The public side of a verified artisan; None if unknown or not (or no longer) verified."""
    row = db.session.execute(
        visible_artisans(*PUBLIC_ARTISAN_COLUMNS).where(Artisan.slug == slug)
    ).first()
    return PublicArtisan(*row) if row else None


@cache
def related_statement(limit: int) -> sa.Select:
    """Cards of :artisan_id's newest visible products but :product_id, then, when it has fewer
    than `limit`, of :category_id's newest by other artisans; each with its first photo.

    Asked as one "artisan OR category" filter sorted by "own first", the database sorted every
    visible product of both on each page (233 ms at 100,000 products on SQLite). Here each half
    reads its own index (ix_products_artisan_status_published,
    ix_products_category_status_published) newest first and stops after `limit` visible rows;
    one outer sort merges at most 2 x limit. The category half runs only for a shop with fewer
    than `limit` other products, so the rows it skips as the shop's own are fewer than `limit`;
    it also reads past the newer products of unverified artisans, checking each as it reads.
    The order, NULL publication times included, is the database's own, as in the single sort.
    """
    # Constants written into the SQL, not bound: PostgreSQL then keeps one generic plan of this
    # prepared statement instead of planning it again for every page (LIMIT $1 looks costly).
    limit_sql, own_rank, other_rank = (sa.literal_column(str(n)) for n in (limit, 0, 1))
    newest = (Product.published_at.desc(), Product.id.desc())
    mine = (
        Product.artisan_id == sa.bindparam("artisan_id"),
        Product.id != sa.bindparam("product_id"),
    )
    own = visible_products(*RELATED_COLUMNS, own_rank.label("rank")).where(*mine)
    few = visible_products(Product.id).where(*mine).limit(limit_sql).subquery()
    others = visible_products(*RELATED_COLUMNS, other_rank.label("rank")).where(
        Product.category_id == sa.bindparam("category_id"),
        Product.artisan_id != sa.bindparam("artisan_id"),
        sa.select(sa.func.count()).select_from(few).scalar_subquery() < limit_sql,
    )
    halves = [half.order_by(*newest).limit(limit_sql).subquery() for half in (own, others)]
    both = sa.union_all(*(sa.select(half) for half in halves)).subquery()
    photo = aliased(ProductPhoto)
    first_photo = (
        sa.select(ProductPhoto.id)
        .where(ProductPhoto.product_id == both.c.id)
        .order_by(ProductPhoto.position, ProductPhoto.id)
        .limit(1)
        .scalar_subquery()
    )
    return (
        sa.select(*(both.c[name] for name in CARD_NAMES))
        .add_columns(photo.key, photo.width, photo.height, photo.alt_text)
        .select_from(both)
        .outerjoin(photo, photo.id == first_photo)
        .order_by(both.c.rank, both.c.published_at.desc(), both.c.id.desc())
        .limit(limit_sql)
    )


def related_cards(product: ProductDetail, limit: int = 4) -> list[ProductCard]:
    """Other visible products of the same artisan or category, each with its first photo: the
    artisan's own first, then the newest (published_at, then id, descending). One query."""
    params = {
        "artisan_id": product.artisan.id,
        "category_id": product.category_id,
        "product_id": product.id,
    }
    size = len(CARD_NAMES)
    return [
        ProductCard(*row[:size], photo=Photo(*row[size:]) if row[size] is not None else None)
        for row in db.session.execute(related_statement(limit), params)
    ]


# CARD_COLUMNS under names of their own (two are "slug"), and the sort key, for the subqueries.
CARD_NAMES = ("id", "slug", "title", "price_idr", "stock", "shop_name", "artisan_slug", "regency")
RELATED_COLUMNS = (
    *(column.label(name) for column, name in zip(CARD_COLUMNS, CARD_NAMES, strict=True)),
    Product.published_at.label("published_at"),
)
