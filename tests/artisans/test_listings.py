"""The seller's product use cases: drafts, publishing, stock that never loses a sale, photos."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.artisans import product_photos
from marketplace.catalog import listings, search
from marketplace.catalog.cache import catalog_version
from marketplace.catalog.models import Product, ProductPhoto
from marketplace.db import atomic
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from tests.factories import make_artisan, make_category, make_product
from tests.media.images import jpeg_with_everything


def fields(category: int, **changes) -> dict:
    """A valid product form's values, in category (an id)."""
    values = {
        "title": "Tas Anyaman Pandan",
        "category_id": category,
        "description": "Dianyam tangan, 30 x 25 cm.",
        "price_idr": 150_000,
        "weight_grams": 400,
    }
    values.update(changes)
    return values


def photo_count(product_id: int) -> int:
    """Photos of a product."""
    return db.session.scalar(
        sa.select(sa.func.count()).where(ProductPhoto.product_id == product_id)
    )


def found(text: str) -> set[int]:
    """What the storefront's search finds."""
    return set(db.session.scalars(sa.select(search.matches(text).c.product_id)))


def take_units(product_id: int, quantity: int) -> None:
    """What checkout does when an order is placed: the conditional stock update."""
    with atomic():
        taken = db.session.execute(
            sa.update(Product)
            .where(Product.id == product_id, Product.stock >= quantity)
            .values(stock=Product.stock - quantity, sold_count=Product.sold_count + quantity)
        ).rowcount
    assert taken == 1


def stock_and_sold(product_id: int) -> tuple[int, int]:
    """The product's stock and units sold, read fresh."""
    db.session.expire_all()
    product = db.session.get(Product, product_id)
    return product.stock, product.sold_count


@pytest.fixture
def artisan(ctx):
    """A verified artisan."""
    return make_artisan(status="verified", shop_name="Anyaman Siti")


@pytest.fixture
def category(ctx):
    """A category to list under."""
    return make_category(name_id="Anyaman", name_en="Weaving")


@pytest.fixture
def draft(artisan, category):
    """A draft product of the artisan, 5 in stock."""
    return listings.create_product(artisan_id=artisan.id, stock=5, **fields(category.id))


def test_a_new_product_is_a_draft_buyers_do_not_see(ctx, draft, artisan):
    assert draft.status == "draft" and draft.artisan_id == artisan.id
    assert draft.slug == "tas-anyaman-pandan" and draft.sold_count == 0
    assert found("pandan") == set()


def test_two_products_with_the_same_title_get_different_addresses(ctx, draft, artisan, category):
    twin = listings.create_product(artisan_id=artisan.id, stock=1, **fields(category.id))
    assert twin.slug != draft.slug and twin.slug.startswith("tas-anyaman-pandan-")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "ab"}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"price_idr": 0}, "price"),
        ({"price_idr": 100_000_001}, "price"),
        ({"weight_grams": 0}, "weight_grams"),
        ({"category_id": 999_999}, "category_id"),
        ({"description": "x" * 5001}, "description"),
    ],
)
def test_a_product_with_a_bad_field_is_refused_and_nothing_is_written(
    ctx, artisan, category, changes, field
):
    with pytest.raises(ValidationError) as refused:
        listings.create_product(artisan_id=artisan.id, stock=1, **fields(category.id, **changes))
    assert refused.value.details["field"] == field
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Product)) == 0


def test_negative_stock_is_refused(ctx, artisan, category):
    with pytest.raises(ValidationError):
        listings.create_product(artisan_id=artisan.id, stock=-1, **fields(category.id))


def test_publishing_needs_a_photo(ctx, draft, artisan):
    with pytest.raises(ValidationError, match="minimal satu foto"):
        listings.publish(artisan_id=artisan.id, product_id=draft.id)
    assert stock_and_sold(draft.id) == (5, 0)
    assert db.session.get(Product, draft.id).status == "draft"


def test_a_published_product_is_in_the_shop_and_searchable_at_once(ctx, draft, artisan):
    product_photos.add_photo(
        artisan_id=artisan.id, product_id=draft.id, upload=jpeg_with_everything()
    )
    before = catalog_version()
    product = listings.publish(artisan_id=artisan.id, product_id=draft.id)
    assert product.status == "active" and product.published_at is not None
    assert found("pandan") == {draft.id} and found("Weaving") == {draft.id}
    assert catalog_version() > before


def test_an_artisan_not_yet_verified_cannot_publish(ctx, category):
    pending = make_artisan(status="pending")
    product = listings.create_product(artisan_id=pending.id, stock=1, **fields(category.id))
    product_photos.add_photo(
        artisan_id=pending.id, product_id=product.id, upload=jpeg_with_everything()
    )
    with pytest.raises(Conflict, match="diverifikasi"):
        listings.publish(artisan_id=pending.id, product_id=product.id)


def test_archiving_hides_a_product_and_restoring_brings_it_back_as_a_draft(ctx, artisan):
    product = make_product(artisan_id=artisan.id, status="active")
    with atomic():
        search.rebuild_index()
    assert found(product.title) == {product.id}
    listings.archive(artisan_id=artisan.id, product_id=product.id)
    assert found(product.title) == set()
    restored = listings.restore(artisan_id=artisan.id, product_id=product.id)
    assert restored.status == "draft" and found(product.title) == set()
    with pytest.raises(Conflict):
        listings.restore(artisan_id=artisan.id, product_id=product.id)


def test_editing_changes_the_fields_and_keeps_status_artisan_and_sold_count(
    ctx, draft, artisan, category
):
    take_units(draft.id, 1)
    edited = listings.update_product(
        artisan_id=artisan.id,
        product_id=draft.id,
        stock_seen=4,
        stock_new=4,
        **fields(category.id, title="Tas Pandan Besar", price_idr=175_000),
    )
    assert (edited.title, edited.price_idr, edited.status) == ("Tas Pandan Besar", 175_000, "draft")
    assert (edited.artisan_id, edited.sold_count, edited.slug) == (artisan.id, 1, draft.slug)


def test_stock_set_after_an_order_came_in_keeps_the_sale(ctx, draft, artisan, category):
    # The artisan opens the form seeing 5; an order takes 2; the artisan saves 8 (made 3 more).
    take_units(draft.id, 2)
    listings.update_product(
        artisan_id=artisan.id, product_id=draft.id, stock_seen=5, stock_new=8, **fields(category.id)
    )
    assert stock_and_sold(draft.id) == (6, 2)  # 5 received + 3 made = 6 in stock + 2 sold


def test_lowering_stock_below_what_orders_left_is_refused_and_changes_nothing(
    ctx, draft, artisan, category
):
    take_units(draft.id, 4)  # one left
    with pytest.raises(Conflict, match="tinggal 1") as refused:
        listings.update_product(
            artisan_id=artisan.id,
            product_id=draft.id,
            stock_seen=5,
            stock_new=3,
            **fields(category.id, title="Judul Baru Sekali"),
        )
    assert refused.value.details["stock"] == 1
    assert stock_and_sold(draft.id) == (1, 4)
    assert db.session.get(Product, draft.id).title == "Tas Anyaman Pandan"


def test_an_unchanged_stock_field_leaves_the_stock_to_the_orders(ctx, draft, artisan, category):
    take_units(draft.id, 3)
    listings.update_product(
        artisan_id=artisan.id, product_id=draft.id, stock_seen=5, stock_new=5, **fields(category.id)
    )
    assert stock_and_sold(draft.id) == (2, 3)


def test_every_use_case_answers_not_found_for_another_artisans_product(ctx, draft, category):
    intruder = make_artisan()
    photo = product_photos.add_photo(
        artisan_id=draft.artisan_id, product_id=draft.id, upload=jpeg_with_everything()
    )
    attempts = [
        lambda: listings.owned_product(artisan_id=intruder.id, product_id=draft.id),
        lambda: listings.update_product(
            artisan_id=intruder.id,
            product_id=draft.id,
            stock_seen=5,
            stock_new=0,
            **fields(category.id),
        ),
        lambda: listings.publish(artisan_id=intruder.id, product_id=draft.id),
        lambda: listings.archive(artisan_id=intruder.id, product_id=draft.id),
        lambda: listings.restore(artisan_id=intruder.id, product_id=draft.id),
        lambda: product_photos.add_photo(
            artisan_id=intruder.id, product_id=draft.id, upload=jpeg_with_everything()
        ),
        lambda: product_photos.move_photo(
            artisan_id=intruder.id, product_id=draft.id, photo_id=photo.id, offset=1
        ),
        lambda: product_photos.reorder_photos(
            artisan_id=intruder.id, product_id=draft.id, photo_ids=[photo.id]
        ),
        lambda: product_photos.set_alt_text(
            artisan_id=intruder.id, product_id=draft.id, photo_id=photo.id, alt_text="x"
        ),
        lambda: product_photos.remove_photo(
            artisan_id=intruder.id, product_id=draft.id, photo_id=photo.id
        ),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()
    assert stock_and_sold(draft.id) == (5, 0) and photo_count(draft.id) == 1
