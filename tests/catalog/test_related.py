"""The product page's related products: the same cards, in the same order, as the single sort
that the two index-backed halves replaced, on a generated catalogue with hidden shops in it."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from marketplace.artisans.models import Artisan
from marketplace.catalog.generate import generate_data
from marketplace.catalog.models import Product, ProductPhoto
from marketplace.catalog.queries import (
    CARD_COLUMNS,
    ProductDetail,
    cards,
    product_by_slug,
    related_cards,
    visible_products,
)
from marketplace.db import atomic
from marketplace.extensions import db


def related_by_one_sort(product: ProductDetail, limit: int = 4) -> list:
    """The related products as the product page asked for them before issue 12 (the reference)."""
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


@pytest.fixture
def generated(ctx):
    """A generated catalogue in which a fifth of the shops are hidden, a few shops are small,
    some products share their publication time (the id decides between them), and photos."""
    generate_data(artisans=40, products=800, seed=3)
    ids = db.session.scalars(sa.select(Artisan.id).order_by(Artisan.id)).all()
    statuses = ["suspended", "pending", "rejected"]
    with atomic():
        for n, artisan_id in enumerate(ids[::5]):
            db.session.execute(
                sa.update(Artisan)
                .where(Artisan.id == artisan_id)
                .values(status=statuses[n % len(statuses)])
            )
        # Ties: every tenth product takes the publication time of the one before it.
        rows = db.session.execute(
            sa.select(Product.id, Product.published_at).order_by(Product.id)
        ).all()
        for (_, before), (product_id, _) in list(itertools.pairwise(rows))[::10]:
            if before is not None:
                db.session.execute(
                    sa.update(Product).where(Product.id == product_id).values(published_at=before)
                )
        # Small shops: a few keep only one, two or three visible products (the rest archived),
        # so their pages are topped up from the category.
        for n, artisan_id in enumerate(ids[1::5][:6]):
            keep = sa.select(Product.id).where(Product.artisan_id == artisan_id)
            keep = keep.where(Product.status == "active").order_by(Product.id).limit(n % 3 + 1)
            db.session.execute(
                sa.update(Product)
                .where(Product.artisan_id == artisan_id, Product.id.not_in(keep.scalar_subquery()))
                .values(status="archived")
            )
        # Photos: none, one, or several whose positions tie (the lower id comes first).
        product_ids = db.session.scalars(sa.select(Product.id).order_by(Product.id)).all()
        for product_id in product_ids[::3]:
            for n, position in enumerate([(2, 0, 0), (1,), (0, 3)][product_id % 3]):
                db.session.add(
                    ProductPhoto(
                        product_id=product_id,
                        key=f"{product_id:024x}{n:08x}",
                        width=1200,
                        height=900 + n,
                        alt_text=f"foto {n}",
                        position=position,
                    )
                )
        # A few active products without a publication time: each database sorts NULL its way.
        db.session.execute(
            sa.update(Product)
            .where(Product.status == "active", Product.id % 37 == 0)
            .values(published_at=None)
        )
    return ctx


def visible_slugs() -> list[str]:
    """Every product a buyer can open."""
    return db.session.scalars(visible_products(Product.slug).order_by(Product.id)).all()


def test_related_products_are_the_same_cards_in_the_same_order_as_the_single_sort(generated):
    slugs = visible_slugs()
    assert len(slugs) > 300
    compared = 0
    for slug in slugs:
        product = product_by_slug(slug)
        expected = related_by_one_sort(product)
        assert related_cards(product) == expected, slug
        compared += bool(expected)
    assert compared == len(slugs)


def test_a_small_shop_is_topped_up_from_its_category_skipping_hidden_shops(generated):
    hidden = set(
        db.session.scalars(sa.select(Artisan.id).where(Artisan.status != "verified")).all()
    )
    # A shop with a single visible product, among the newest of a category full of hidden shops.
    artisan_id = db.session.scalars(
        visible_products(Product.artisan_id)
        .group_by(Product.artisan_id)
        .order_by(sa.func.count(), Product.artisan_id)
    ).first()
    slug = db.session.scalars(
        visible_products(Product.slug).where(Product.artisan_id == artisan_id)
    ).first()
    product = product_by_slug(slug)
    with atomic():  # the category's newest products now belong to hidden shops
        newest = db.session.scalar(sa.select(sa.func.max(Product.published_at)))
        hidden_ids = db.session.scalars(
            sa.select(Product.id)
            .where(Product.category_id == product.category_id, Product.artisan_id.in_(hidden))
            .limit(20)
        ).all()
        db.session.execute(
            sa.update(Product)
            .where(Product.id.in_(hidden_ids))
            .values(status="active", published_at=newest + timedelta(days=1))
        )
    related = related_cards(product)
    assert len(related) == 4
    assert related == related_by_one_sort(product)
    shown = db.session.execute(
        sa.select(Product.artisan_id, Product.status).where(
            Product.id.in_([card.id for card in related])
        )
    ).all()
    assert all(status == "active" and artisan not in hidden for artisan, status in shown)


def test_related_products_with_their_photos_cost_one_query_whatever_the_shop(generated):
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    products = [product_by_slug(slug) for slug in visible_slugs()[::100]]
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        counts = set()
        for product in products:
            statements.clear()
            related_cards(product)
            counts.add(len(statements))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert counts == {1}


def test_each_half_reads_its_index_newest_first_instead_of_sorting_the_shop(generated, database):
    if database.name != "sqlite":
        pytest.skip("reads SQLite's EXPLAIN QUERY PLAN (PostgreSQL plans by its statistics)")
    seen: list[tuple[str, tuple]] = []

    def record(conn, cursor, statement, parameters, *args):
        seen.append((statement, parameters))

    product = product_by_slug(visible_slugs()[0])
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        related_cards(product)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    statement, parameters = seen[0]
    plan = [
        row[-1]
        for row in db.session.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement}", parameters
        )
    ]
    assert any("ix_products_artisan_status_published" in line for line in plan), plan
    assert any("ix_products_category_status_published" in line for line in plan), plan
    # Only the outer merge of at most 2 x 4 rows sorts: neither half sorts its products, and
    # each card's first photo is read in order from ix_product_photos_product_position.
    assert sum("TEMP B-TREE" in line for line in plan) == 1, plan
