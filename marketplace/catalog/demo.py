"""Demo products for `seed-demo`: about 60 products of the demo artisans, with real photos.

Idempotent: a product whose slug exists is skipped, so running it twice changes nothing. The
photos are drawn by media.demo and go through the same pipeline as an artisan's upload.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from slugify import slugify

from marketplace.accounts.models import User
from marketplace.artisans.models import Artisan
from marketplace.catalog import search
from marketplace.catalog.cache import bump_catalog_version
from marketplace.catalog.categories import all_categories, load_categories
from marketplace.catalog.demo_products import CLOSING, PRODUCTS
from marketplace.catalog.models import Product, ProductPhoto, ProductStatus
from marketplace.db import atomic, now_utc
from marketplace.extensions import db
from marketplace.media.demo import generate_demo_photo
from marketplace.media.pipeline import StoredImage, delete_image, store_image

ALT_SUFFIXES = ("", ", detail", ", tampak samping")


def photo_count(index: int) -> int:
    """1 to 3 photos: every third product has two, every sixth three."""
    return 1 + (index % 3 == 0) + (index % 6 == 0)


def seed_products() -> int:
    """Create the demo products that are missing, with their photos; returns how many were made."""
    load_categories()
    categories = {c.slug: c.id for c in all_categories()}
    artisans = dict(
        db.session.execute(
            sa.select(User.email, Artisan.id)
            .join(Artisan, Artisan.user_id == User.id)
            .where(User.email.in_(list(PRODUCTS)))
        ).all()
    )
    existing = set(db.session.scalars(sa.select(Product.slug)))
    todo = []
    for email, rows in PRODUCTS.items():
        if email not in artisans:
            continue
        for index, row in enumerate(rows):
            if slugify(row[0], max_length=120) not in existing:
                todo.append((artisans[email], index, row))
    if not todo:
        return 0
    photos = make_photos(todo)
    try:
        with atomic():
            for (artisan_id, index, row), stored in zip(todo, photos, strict=True):
                add_product(artisan_id, index, row, categories, stored)
            bump_catalog_version()
    except BaseException:
        for stored in photos:
            for image in stored:
                delete_image(image.key)
        raise
    return len(todo)


def make_photos(todo: list) -> list[list[StoredImage]]:
    """Draw and store every photo, in parallel: Pillow releases the GIL while it encodes."""
    app = current_app._get_current_object()

    def one(job) -> StoredImage:
        seed, title, colour = job
        with app.app_context():
            return store_image(generate_demo_photo(seed, title, colour))

    jobs, shape = [], []
    for _artisan_id, index, row in todo:
        title, colour = row[0], row[5]
        count = photo_count(index)
        shape.append(count)
        jobs.extend((f"{slugify(title)}-{n}", title, colour) for n in range(count))
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        stored = list(pool.map(one, jobs))
    result, at = [], 0
    for count in shape:
        result.append(stored[at : at + count])
        at += count
    return result


def add_product(artisan_id, index, row, categories, photos: list[StoredImage]) -> None:
    """Insert one demo product with its photos and index it for search."""
    title, category, price, stock, weight, _colour, intro = row
    published = now_utc() - timedelta(hours=index * 7 + artisan_id)
    product = Product(
        artisan_id=artisan_id,
        category_id=categories[category],
        slug=slugify(title, max_length=120),
        title=title,
        description=f"{intro}\n\n{CLOSING}",
        price_idr=price,
        stock=stock,
        sold_count=(index * 7) % 23,
        weight_grams=weight,
        status=ProductStatus.ACTIVE.value,
        published_at=published,
    )
    db.session.add(product)
    db.session.flush()
    for position, image in enumerate(photos):
        db.session.add(
            ProductPhoto(
                product_id=product.id,
                key=image.key,
                width=image.width,
                height=image.height,
                alt_text=f"{title}{ALT_SUFFIXES[position % len(ALT_SUFFIXES)]}"[:200],
                position=position,
            )
        )
    db.session.flush()
    search.reindex_product(product.id)
