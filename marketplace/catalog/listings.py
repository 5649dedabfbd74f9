"""The seller's product use cases: listing, editing, publishing and stock.

Every function takes the acting artisan's id and finds the product among that artisan's own:
anyone else's product id is NotFound, never a hint that it exists. Each change that buyers can
see tells the page cache (catalog/cache.py: the catalog version, or for a stock change alone the
change log) and refreshes the product's search row in the same transaction.
Photos have their own module, marketplace/artisans/product_photos.py.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_babel import gettext as _
from slugify import slugify
from sqlalchemy.orm import selectinload

from marketplace.artisans import integrations
from marketplace.artisans.models import Artisan, ArtisanStatus
from marketplace.catalog.cache import bump_catalog_version, log_stock_changes
from marketplace.catalog.models import Category, Product, ProductPhoto, ProductStatus
from marketplace.db import atomic, now_utc
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db

MAX_PRICE_IDR = 100_000_000
MAX_STOCK = 100_000
MAX_WEIGHT_GRAMS = 50_000


def owned_product(*, artisan_id: int, product_id: int, photos: bool = False) -> Product:
    """The artisan's own product (with its photos if asked); NotFound for anyone else's."""
    query = sa.select(Product).where(Product.id == product_id, Product.artisan_id == artisan_id)
    if photos:
        query = query.options(selectinload(Product.photos))
    product = db.session.scalar(query)
    if product is None:
        raise NotFound(_("Produk tidak ditemukan."))
    return product


def products_of(*, artisan_id: int, status: str | None = None) -> list[Product]:
    """The artisan's products, newest first, with their photos loaded."""
    query = (
        sa.select(Product)
        .where(Product.artisan_id == artisan_id)
        .options(selectinload(Product.photos))
        .order_by(Product.created_at.desc(), Product.id.desc())
    )
    if status:
        query = query.where(Product.status == status)
    return list(db.session.scalars(query))


def status_counts(*, artisan_id: int) -> dict[str, int]:
    """How many of the artisan's products are active, drafts and archived."""
    counts = {status.value: 0 for status in ProductStatus}
    counts.update(
        db.session.execute(
            sa.select(Product.status, sa.func.count())
            .where(Product.artisan_id == artisan_id)
            .group_by(Product.status)
        ).all()
    )
    return counts


def _checked(*, title, category_id, description, price_idr, weight_grams) -> dict:
    """The editable columns after checking each; ValidationError names the field."""
    title, description = (title or "").strip(), (description or "").strip()
    if not 3 <= len(title) <= 120:
        raise ValidationError(_("Nama produk harus 3 sampai 120 karakter."), field="title")
    if len(description) > 5000:
        raise ValidationError(_("Maksimal %(max)d karakter.", max=5000), field="description")
    if not db.session.get(Category, category_id or 0):
        raise ValidationError(_("Pilih kategori dari daftar."), field="category_id")
    if not isinstance(price_idr, int) or not 1 <= price_idr <= MAX_PRICE_IDR:
        raise ValidationError(_("Harga harus antara Rp1 dan Rp100.000.000."), field="price")
    if not isinstance(weight_grams, int) or not 1 <= weight_grams <= MAX_WEIGHT_GRAMS:
        raise ValidationError(_("Berat harus antara 1 dan 50.000 gram."), field="weight_grams")
    return {
        "title": title,
        "category_id": category_id,
        "description": description,
        "price_idr": price_idr,
        "weight_grams": weight_grams,
    }


def _check_stock(stock: int, field: str = "stock") -> None:
    """A stock figure an artisan may type."""
    if not isinstance(stock, int) or not 0 <= stock <= MAX_STOCK:
        raise ValidationError(_("Stok harus antara 0 dan 100.000."), field=field)


def announce_change(product_id: int, visible: bool) -> None:
    """Keep the search row current; tell caches when buyers could see the change."""
    integrations.reindex_product(product_id)
    if visible:
        bump_catalog_version()


def _slug_for(title: str) -> str:
    """A product URL slug from the title; a random tail when the plain one is taken."""
    base = slugify(title, max_length=100) or "produk"
    if db.session.scalar(sa.select(Product.id).where(Product.slug == base)) is None:
        return base
    return f"{base}-{secrets.token_hex(3)}"


def create_product(
    *, artisan_id: int, title, category_id, description, price_idr, stock, weight_grams
) -> Product:
    """A new product of the artisan, as a draft that buyers do not see until it is published."""
    values = _checked(
        title=title,
        category_id=category_id,
        description=description,
        price_idr=price_idr,
        weight_grams=weight_grams,
    )
    _check_stock(stock)
    with atomic():
        product = Product(
            artisan_id=artisan_id,
            slug=_slug_for(values["title"]),
            stock=stock,
            status=ProductStatus.DRAFT.value,
            **values,
        )
        db.session.add(product)
        db.session.flush()
        announce_change(product.id, visible=False)
    return product


def update_product(
    *,
    artisan_id: int,
    product_id: int,
    title,
    category_id,
    description,
    price_idr,
    weight_grams,
    stock_seen: int,
    stock_new: int,
) -> Product:
    """Save the edit form. Stock changes by what the artisan changed, never to a copied figure.

    The form carries the stock the artisan saw. Orders may take units between showing the form
    and saving it, so the update is `stock = stock + (new - seen)` guarded by the result staying
    >= 0: a sale made meanwhile is never undone, and stock + sold stays equal to the units ever
    received. When the orders took more than the artisan's change allows, Conflict says how many
    are left. An unchanged stock field leaves the stock alone.
    """
    values = _checked(
        title=title,
        category_id=category_id,
        description=description,
        price_idr=price_idr,
        weight_grams=weight_grams,
    )
    _check_stock(stock_new)
    _check_stock(stock_seen, field="stock")
    product = owned_product(artisan_id=artisan_id, product_id=product_id)
    delta = stock_new - stock_seen
    edited = any(getattr(product, name) != value for name, value in values.items())
    with atomic():
        db.session.execute(
            sa.update(Product)
            .where(Product.id == product.id, Product.artisan_id == artisan_id)
            .values(**values)
        )
        if delta:
            stock = db.session.execute(
                sa.update(Product)
                .where(Product.id == product.id, Product.stock + delta >= 0)
                .values(stock=Product.stock + delta)
                .returning(Product.stock)
            ).scalar()
            if stock is None:
                left = db.session.scalar(sa.select(Product.stock).where(Product.id == product.id))
                raise Conflict(
                    _(
                        "Ada pesanan masuk saat Anda mengubah stok: sekarang tinggal %(n)d. "
                        "Periksa lalu simpan lagi.",
                        n=left,
                    ),
                    stock=left,
                )
        visible = product.status == ProductStatus.ACTIVE
        # A new title, price or category changes which pages show the product and what they
        # say: every page goes. A stock change alone drops only the pages that show it.
        announce_change(product.id, visible=visible and edited)
        if visible and delta and not edited:
            log_stock_changes([(product.id, stock - delta, stock)])
    db.session.refresh(product)
    return product


def _set_status(
    product: Product, allowed_from: set[ProductStatus], new: ProductStatus, **values
) -> Product:
    """Move a product to a new status by a conditional update on its old one."""
    with atomic():
        changed = db.session.execute(
            sa.update(Product)
            .where(Product.id == product.id, Product.status.in_([s.value for s in allowed_from]))
            .values(status=new.value, **values)
        ).rowcount
        if changed != 1:
            raise Conflict(_("Status produk sudah berubah. Muat ulang halaman."))
        announce_change(product.id, visible=True)
    db.session.refresh(product)
    return product


def publish(*, artisan_id: int, product_id: int) -> Product:
    """Show a draft to buyers: the artisan must be verified and the product needs a photo."""
    product = owned_product(artisan_id=artisan_id, product_id=product_id)
    status = db.session.scalar(sa.select(Artisan.status).where(Artisan.id == artisan_id))
    if status != ArtisanStatus.VERIFIED:
        raise Conflict(_("Produk baru bisa diterbitkan setelah akun Anda diverifikasi BNN."))
    if not photo_ids(product.id):
        raise ValidationError(_("Tambahkan minimal satu foto sebelum menerbitkan."))
    return _set_status(
        product,
        {ProductStatus.DRAFT},
        ProductStatus.ACTIVE,
        published_at=product.published_at or now_utc(),
    )


def archive(*, artisan_id: int, product_id: int) -> Product:
    """Take a product off the shop (and out of the drafts); it can be restored later."""
    product = owned_product(artisan_id=artisan_id, product_id=product_id)
    return _set_status(product, {ProductStatus.DRAFT, ProductStatus.ACTIVE}, ProductStatus.ARCHIVED)


def restore(*, artisan_id: int, product_id: int) -> Product:
    """Bring an archived product back as a draft, to check before publishing it again."""
    product = owned_product(artisan_id=artisan_id, product_id=product_id)
    return _set_status(product, {ProductStatus.ARCHIVED}, ProductStatus.DRAFT)


def photo_ids(product_id: int) -> list[int]:
    """The product's photo ids in display order."""
    return list(
        db.session.scalars(
            sa.select(ProductPhoto.id)
            .where(ProductPhoto.product_id == product_id)
            .order_by(ProductPhoto.position, ProductPhoto.id)
        )
    )
