"""Categories, products and their photos."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base, TimestampMixin


class ProductStatus(enum.StrEnum):
    """Only `active` products of verified artisans are visible to buyers."""

    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


class Category(Base):
    """A craft category with its Indonesian and English names."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name_id: Mapped[str] = mapped_column(sa.String(80))
    name_en: Mapped[str] = mapped_column(sa.String(80))
    position: Mapped[int] = mapped_column(default=0)

    def name(self, locale: str) -> str:
        """The name in the page's language."""
        return self.name_en if str(locale).startswith("en") else self.name_id


class Product(TimestampMixin, Base):
    """A handicraft listed by an artisan. Price in whole Rupiah; stock never below zero."""

    __tablename__ = "products"
    __table_args__ = (
        sa.CheckConstraint("stock >= 0", name="stock_not_negative"),
        sa.CheckConstraint("price_idr > 0", name="price_positive"),
        sa.CheckConstraint("weight_grams > 0", name="weight_positive"),
        sa.CheckConstraint("status IN ('draft', 'active', 'archived')", name="status_known"),
        sa.Index("ix_products_status_artisan", "status", "artisan_id"),
        # The list pages' default order (newest first), read backwards: no sort of every
        # visible product per page.
        sa.Index("ix_products_status_published", "status", "published_at", "id"),
        # The product page's related products: an artisan's newest, a category's newest.
        sa.Index(
            "ix_products_artisan_status_published", "artisan_id", "status", "published_at", "id"
        ),
        sa.Index(
            "ix_products_category_status_published", "category_id", "status", "published_at", "id"
        ),
        # The home page's best sellers, read backwards: the top eight without sorting them all.
        sa.Index("ix_products_status_sold", "status", "sold_count", "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    artisan_id: Mapped[int] = mapped_column(sa.ForeignKey("artisans.id"), index=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    price_idr: Mapped[int] = mapped_column(sa.BigInteger)
    stock: Mapped[int] = mapped_column(default=0)
    # Units sold over the product's life; with stock it gives the stock ever received.
    sold_count: Mapped[int] = mapped_column(default=0)
    weight_grams: Mapped[int] = mapped_column(default=500)
    status: Mapped[str] = mapped_column(sa.String(16), default=ProductStatus.DRAFT.value)
    published_at: Mapped[datetime | None]

    photos: Mapped[list[ProductPhoto]] = relationship(
        back_populates="product", order_by="ProductPhoto.position", lazy="raise"
    )


class ProductPhoto(Base):
    """A photo of a product: a storage key of the media pipeline, its size and alt text."""

    __tablename__ = "product_photos"
    # A product's photos in order, and a card's first photo, read from the index in order.
    __table_args__ = (
        sa.Index("ix_product_photos_product_position", "product_id", "position", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    alt_text: Mapped[str] = mapped_column(sa.String(200), default="")
    position: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship(back_populates="photos", lazy="raise")


class ListEntry(Base):
    """A visible product in the list index (catalog/list_index.py): the keys lists use.

    One row per product buyers can see, kept by the same writers as the search index; an index
    per list the shop shows gives each its order without a sort.
    """

    __tablename__ = "list_entries"
    __table_args__ = (
        sa.Index("ix_list_entries_newest", "published_at", "product_id"),
        sa.Index("ix_list_entries_price", "price_idr", "product_id"),
        sa.Index("ix_list_entries_category_newest", "category_id", "published_at", "product_id"),
        sa.Index("ix_list_entries_category_price", "category_id", "price_idr", "product_id"),
        sa.Index("ix_list_entries_province_newest", "province_code", "published_at", "product_id"),
        sa.Index("ix_list_entries_province_price", "province_code", "price_idr", "product_id"),
        sa.Index("ix_list_entries_regency_newest", "regency_code", "published_at", "product_id"),
        sa.Index("ix_list_entries_regency_price", "regency_code", "price_idr", "product_id"),
        sa.Index("ix_list_entries_artisan_newest", "artisan_id", "published_at", "product_id"),
        sa.Index(
            "ix_list_entries_category_province_newest",
            "category_id",
            "province_code",
            "published_at",
            "product_id",
        ),
        sa.Index(
            "ix_list_entries_category_province_price",
            "category_id",
            "province_code",
            "price_idr",
            "product_id",
        ),
        sa.Index(
            "ix_list_entries_category_regency_newest",
            "category_id",
            "regency_code",
            "published_at",
            "product_id",
        ),
        sa.Index(
            "ix_list_entries_category_regency_price",
            "category_id",
            "regency_code",
            "price_idr",
            "product_id",
        ),
    )

    product_id: Mapped[int] = mapped_column(
        sa.ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    published_at: Mapped[datetime]
    price_idr: Mapped[int] = mapped_column(sa.BigInteger)
    category_id: Mapped[int]
    province_code: Mapped[str] = mapped_column(sa.String(2))
    regency_code: Mapped[str] = mapped_column(sa.String(5))
    artisan_id: Mapped[int]


class ListBlockNewest(Base):
    """A run of consecutive entries of one list in (published_at, id) order, and its position.

    A list (scope): "" the whole catalogue, c<category id>, p<province>, r<regency>, a<artisan
    id>, c<id>/p<province>, c<id>/r<regency>. The block holds the entries from its start key up
    to the next block's start.
    """

    __tablename__ = "list_blocks_newest"
    __table_args__ = (
        sa.Index(
            "ix_list_blocks_newest_position",
            "scope",
            "first_position",
            "entries",
            "start_at",
            "start_id",
        ),
    )

    scope: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    start_at: Mapped[datetime] = mapped_column(primary_key=True)
    start_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    entries: Mapped[int]
    first_position: Mapped[int]


class ListBlockPrice(Base):
    """The same as ListBlockNewest in (price, id) order (every scope but the artisans')."""

    __tablename__ = "list_blocks_price"
    __table_args__ = (
        sa.Index(
            "ix_list_blocks_price_position",
            "scope",
            "first_position",
            "entries",
            "start_price",
            "start_id",
        ),
    )

    scope: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    start_price: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    start_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    entries: Mapped[int]
    first_position: Mapped[int]
