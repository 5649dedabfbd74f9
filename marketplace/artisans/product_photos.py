"""The seller's product photo use cases: add through the media pipeline, order, describe, remove.

Like listings.py, every function finds the product among the acting artisan's own (anyone else's
id is NotFound) and refreshes the product's search row and, when buyers see it, the catalog
version in the same transaction.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from marketplace.catalog import listings
from marketplace.catalog.models import Product, ProductPhoto, ProductStatus
from marketplace.db import after_commit, atomic
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.media.pipeline import delete_image, store_image

MAX_PHOTOS = 8


def max_photos() -> int:
    """Photos allowed per product (MAX_PHOTOS_PER_PRODUCT in the config, else 8)."""
    return int(current_app.config.get("MAX_PHOTOS_PER_PRODUCT", MAX_PHOTOS))


def _too_many() -> ValidationError:
    """The refusal for one photo more than the limit."""
    return ValidationError(
        _("Satu produk paling banyak %(n)d foto. Hapus foto lain dulu.", n=max_photos()),
        field="photo",
    )


def add_photo(*, artisan_id: int, product_id: int, upload, alt_text: str = "") -> ProductPhoto:
    """Run an upload through the media pipeline and add it as the product's last photo.

    Refused before anything is stored: another artisan's product, a full product, or a file the
    pipeline rejects (ImageRejected). The count is checked again under the product's row lock
    (SQLite: the write lock of BEGIN IMMEDIATE), so two uploads at once cannot pass the limit;
    if the insert fails, the stored files are deleted.
    """
    product = listings.owned_product(artisan_id=artisan_id, product_id=product_id)
    alt_text = (alt_text or "").strip()[:200]
    if len(listings.photo_ids(product.id)) >= max_photos():
        raise _too_many()
    stored = store_image(upload)
    try:
        with atomic():
            db.session.execute(
                sa.select(Product.id).where(Product.id == product.id).with_for_update()
            )
            ids = listings.photo_ids(product.id)
            if len(ids) >= max_photos():
                raise _too_many()
            photo = ProductPhoto(
                product_id=product.id,
                key=stored.key,
                width=stored.width,
                height=stored.height,
                alt_text=alt_text,
                position=len(ids),
            )
            db.session.add(photo)
            db.session.flush()
            listings.announce_change(product.id, visible=product.status == ProductStatus.ACTIVE)
    except BaseException:
        delete_image(stored.key)
        raise
    return photo


def _owned_photo(*, artisan_id: int, product_id: int, photo_id: int) -> ProductPhoto:
    """A photo of the artisan's own product; NotFound otherwise."""
    photo = db.session.scalar(
        sa.select(ProductPhoto)
        .join(Product, Product.id == ProductPhoto.product_id)
        .where(
            ProductPhoto.id == photo_id,
            ProductPhoto.product_id == product_id,
            Product.artisan_id == artisan_id,
        )
    )
    if photo is None:
        raise NotFound(_("Foto tidak ditemukan."))
    return photo


def reorder_photos(*, artisan_id: int, product_id: int, photo_ids: list[int]) -> None:
    """Put the product's photos in this order (the first is the main photo); all must be listed."""
    product = listings.owned_product(artisan_id=artisan_id, product_id=product_id)
    with atomic():
        current = listings.photo_ids(product.id)
        if sorted(current) != sorted(photo_ids):
            raise Conflict(_("Foto produk sudah berubah. Muat ulang halaman."))
        for position, photo_id in enumerate(photo_ids):
            db.session.execute(
                sa.update(ProductPhoto).where(ProductPhoto.id == photo_id).values(position=position)
            )
        listings.announce_change(product.id, visible=product.status == ProductStatus.ACTIVE)


def move_photo(*, artisan_id: int, product_id: int, photo_id: int, offset: int) -> None:
    """Move a photo earlier (offset < 0) or later; offset -999 makes it the main photo."""
    _owned_photo(artisan_id=artisan_id, product_id=product_id, photo_id=photo_id)
    order = listings.photo_ids(product_id)
    old = order.index(photo_id)
    new = min(max(old + offset, 0), len(order) - 1)
    order.insert(new, order.pop(old))
    reorder_photos(artisan_id=artisan_id, product_id=product_id, photo_ids=order)


def set_alt_text(*, artisan_id: int, product_id: int, photo_id: int, alt_text: str) -> None:
    """Describe a photo for people who cannot see it."""
    photo = _owned_photo(artisan_id=artisan_id, product_id=product_id, photo_id=photo_id)
    alt_text = (alt_text or "").strip()
    if len(alt_text) > 200:
        raise ValidationError(_("Maksimal %(max)d karakter.", max=200), field="alt_text")
    product = db.session.get(Product, product_id)
    with atomic():
        db.session.execute(
            sa.update(ProductPhoto).where(ProductPhoto.id == photo.id).values(alt_text=alt_text)
        )
        listings.announce_change(product_id, visible=product.status == ProductStatus.ACTIVE)


def remove_photo(*, artisan_id: int, product_id: int, photo_id: int) -> None:
    """Delete a photo and, once that is committed, its files. A published product keeps one."""
    photo = _owned_photo(artisan_id=artisan_id, product_id=product_id, photo_id=photo_id)
    product = db.session.get(Product, product_id)
    key = photo.key
    with atomic():
        if product.status == ProductStatus.ACTIVE and len(listings.photo_ids(product_id)) <= 1:
            raise Conflict(
                _("Produk yang tampil di toko perlu minimal satu foto. Unggah penggantinya dulu.")
            )
        db.session.execute(sa.delete(ProductPhoto).where(ProductPhoto.id == photo.id))
        listings.announce_change(product_id, visible=product.status == ProductStatus.ACTIVE)
        after_commit(lambda: delete_image(key))
