"""The list index stays exact while writers change the catalogue.

Lists read page N at the position the blocks give (catalog/list_index.py), so a block whose count
is off by one shows a buyer a product twice or skips one. Every test here changes the catalogue
as the writers do (through the search index's hooks) and then checks each block of every list
against the entries themselves, and the entries against the products buyers may see. Blocks are
made tiny so that a few hundred products already make many blocks, splits and empty blocks.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
import sqlalchemy as sa

from marketplace.artisans.models import Artisan
from marketplace.catalog import list_index
from marketplace.catalog.generate import generate_data
from marketplace.catalog.list_index import NEWEST, ORDERS, PRICE
from marketplace.catalog.models import Category, ListEntry, Product
from marketplace.catalog.search import rebuild_index
from marketplace.db import atomic, now_utc
from marketplace.extensions import db
from marketplace.regions.models import Regency
from tests import factories
from tests.catalog.conftest import change_artisan, change_product, make_product


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 4 entries, cut past 8."""
    monkeypatch.setattr(list_index, "BLOCK", 4)
    monkeypatch.setattr(list_index, "MAX_BLOCK", 8)


@pytest.fixture
def catalogue(ctx, small_blocks):
    """A generated catalogue of 12 artisans and 300 products, indexed in blocks of 4."""
    generate_data(artisans=12, products=300, seed=3)
    return ctx


def entries_of_visible_products() -> set[tuple]:
    """What list_entries must hold: a row per visible product, from products and artisans."""
    return {tuple(row) for row in db.session.execute(list_index.visible_entries())}


def assert_index_is_exact() -> None:
    """Entries are the visible products; each scope's blocks count its entries exactly."""
    entries = db.session.execute(sa.select(*list_index.ENTRY_COLUMNS)).all()
    assert {tuple(row) for row in entries} == entries_of_visible_products()
    for order in ORDERS:
        keys: dict[str, list[tuple]] = defaultdict(list)
        for row in entries:
            for scope in list_index.scopes_of(row, order):
                keys[scope].append((getattr(row, order.entry_key.key), row.product_id))
        block = order.block
        stored: dict[str, list[tuple]] = defaultdict(list)
        for row in db.session.execute(
            sa.select(
                block.scope, order.block_key, block.start_id, block.entries, block.first_position
            ).order_by(block.scope, order.block_key, block.start_id)
        ):
            stored[row.scope].append(((row[1], row.start_id), row.entries, row.first_position))
        assert set(stored) == set(keys), order.name
        for scope, blocks in stored.items():
            ordered = sorted(keys[scope])
            assert blocks[0][0] == (order.lowest, 0), (order.name, scope)
            position = 0
            for i, (start, count, first_position) in enumerate(blocks):
                end = blocks[i + 1][0] if i + 1 < len(blocks) else None
                inside = [k for k in ordered if k >= start and (end is None or k < end)]
                assert (count, first_position) == (len(inside), position), (order.name, scope, i)
                assert 0 < count <= list_index.MAX_BLOCK
                position += count
            assert position == len(ordered)


def test_a_generated_catalogue_is_indexed_exactly(catalogue):
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ListEntry)) > 250
    blocks = db.session.scalar(sa.select(sa.func.count()).select_from(NEWEST.block))
    assert blocks > 100  # 300 products in blocks of 4, in every scope
    assert_index_is_exact()


def test_publishing_archiving_and_repricing_keep_every_block_exact(catalogue):
    ids = db.session.scalars(sa.select(Product.id).order_by(Product.id)).all()
    for product_id in ids[::7]:
        change_product(product_id, status="archived")
    for product_id in ids[3::11]:
        change_product(product_id, price_idr=1_000 + product_id)
    drafts = db.session.scalars(sa.select(Product.id).where(Product.status == "draft")).all()
    for product_id in drafts:
        change_product(product_id, status="active", published_at=now_utc())
    other = db.session.scalar(sa.select(Category.id).order_by(Category.id.desc()).limit(1))
    for product_id in ids[5::13]:
        change_product(product_id, category_id=other)
    assert_index_is_exact()


def test_many_products_entering_one_block_cut_it(catalogue):
    artisan = db.session.scalar(sa.select(Artisan).limit(1))
    oldest = db.session.scalar(sa.select(sa.func.min(Product.published_at)))
    for n in range(30):  # older and cheaper than every other product: into the first blocks
        product = make_product(artisan_id=artisan.id, title=f"Lama {n}", price_idr=5)
        change_product(product.id, published_at=oldest)
    assert_index_is_exact()


def artisan_regency(artisan_id: int) -> str:
    """The artisan's regency code."""
    return db.session.scalar(sa.select(Artisan.regency_code).where(Artisan.id == artisan_id))


def test_suspending_and_verifying_an_artisan_moves_all_their_products(catalogue):
    busiest = db.session.scalar(
        sa.select(Product.artisan_id).group_by(Product.artisan_id).order_by(sa.func.count().desc())
    )
    change_artisan(busiest, status="suspended")
    assert not db.session.scalar(
        sa.select(sa.func.count()).select_from(ListEntry).where(ListEntry.artisan_id == busiest)
    )
    assert_index_is_exact()
    change_artisan(busiest, status="verified")
    assert_index_is_exact()
    elsewhere = db.session.scalar(
        sa.select(Regency.code).where(Regency.code != artisan_regency(busiest)).limit(1)
    )
    change_artisan(busiest, regency_code=elsewhere, province_code=elsewhere.split(".")[0])
    assert_index_is_exact()


def test_the_last_product_of_a_list_leaving_empties_it(ctx, small_blocks):
    artisan = factories.make_artisan(regency="32.73")
    product = make_product(artisan_id=artisan.id)
    assert_index_is_exact()
    change_product(product.id, status="archived")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PRICE.block)) == 0
    assert_index_is_exact()


def test_a_block_count_out_of_step_is_counted_again(catalogue):
    block = NEWEST.block
    with atomic():
        db.session.execute(sa.update(block).where(block.scope == "").values(entries=0))
    product_id = db.session.scalar(sa.select(ListEntry.product_id).limit(1))
    change_product(product_id, status="archived")  # the scope's counts would go below zero
    assert_index_is_exact()


def test_rebuilding_twice_gives_the_same_index(catalogue):
    def snapshot():
        return [
            [tuple(row) for row in db.session.execute(sa.select(*columns).order_by(*columns))]
            for columns in (table.__table__.c for table in (ListEntry, NEWEST.block, PRICE.block))
        ]

    before = snapshot()
    with atomic():
        rebuild_index()
    assert snapshot() == before
