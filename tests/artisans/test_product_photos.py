"""Product photos: through the media pipeline, within the limit, ordered, described, removed."""

from __future__ import annotations

import io
import threading

import pytest
import sqlalchemy as sa
from PIL import Image

from marketplace.artisans import product_photos
from marketplace.catalog import listings
from marketplace.catalog.models import ProductPhoto
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import db
from marketplace.media.pipeline import ImageRejected
from marketplace.media.storage import get_storage
from tests.factories import make_artisan, make_product
from tests.media.images import SVG, encoded, jpeg_with_everything, picture, png_declaring


def photo_count(product_id: int) -> int:
    """Photos of a product."""
    return db.session.scalar(
        sa.select(sa.func.count()).where(ProductPhoto.product_id == product_id)
    )


@pytest.fixture
def artisan(ctx):
    """A verified artisan."""
    return make_artisan(status="verified")


@pytest.fixture
def draft(artisan):
    """A draft product of the artisan."""
    return make_product(artisan_id=artisan.id, status="draft", title="Tas Anyaman Pandan")


def test_a_photo_with_gps_is_stored_upright_and_without_metadata(ctx, draft, artisan):
    photo = product_photos.add_photo(
        artisan_id=artisan.id,
        product_id=draft.id,
        upload=jpeg_with_everything((800, 600), orientation=6),
        alt_text=" Tas pandan dari depan ",
    )
    assert (photo.width, photo.height) == (600, 800) and photo.alt_text == "Tas pandan dari depan"
    with get_storage().open(f"{photo.key[:2]}/{photo.key}_large.jpg") as handle:
        raw = handle.read()
    image = Image.open(io.BytesIO(raw))
    assert image.size == (600, 800)
    assert not image.getexif() and b"Sukamaju" not in raw and b"GPS" not in raw


@pytest.mark.parametrize(
    "data",
    [b"bukan foto" * 50, SVG, png_declaring(30_000, 30_000)],
    ids=["text", "svg", "bomb-header"],
)
def test_a_hostile_upload_is_refused_and_stores_nothing(ctx, draft, artisan, media_files, data):
    with pytest.raises(ImageRejected):
        product_photos.add_photo(artisan_id=artisan.id, product_id=draft.id, upload=data)
    assert media_files() == [] and photo_count(draft.id) == 0


def test_one_photo_more_than_the_limit_is_refused_before_it_is_stored(
    ctx, draft, artisan, media_files
):
    ctx.config["MAX_PHOTOS_PER_PRODUCT"] = 2
    for _ in range(2):
        product_photos.add_photo(
            artisan_id=artisan.id, product_id=draft.id, upload=jpeg_with_everything()
        )
    stored = media_files()
    with pytest.raises(ValidationError, match="paling banyak 2 foto"):
        product_photos.add_photo(
            artisan_id=artisan.id, product_id=draft.id, upload=jpeg_with_everything()
        )
    assert media_files() == stored and photo_count(draft.id) == 2


def test_two_uploads_at_once_cannot_pass_the_photo_limit(app, media_files):
    app.config["MAX_PHOTOS_PER_PRODUCT"] = 1
    with app.app_context():
        artisan_id = make_artisan().id
        product_id = make_product(artisan_id=artisan_id, status="draft").id
        db.session.remove()
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def upload():
        with app.app_context():
            barrier.wait()
            try:
                product_photos.add_photo(
                    artisan_id=artisan_id, product_id=product_id, upload=jpeg_with_everything()
                )
                outcomes.append("stored")
            except ValidationError:
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "stored"]
    with app.app_context():
        assert photo_count(product_id) == 1
    assert len(media_files()) == 6  # one photo: 3 sizes x 2 formats, the loser's files removed


def test_photos_are_reordered_and_the_first_is_the_main_photo(ctx, draft, artisan):
    ids = [
        product_photos.add_photo(
            artisan_id=artisan.id, product_id=draft.id, upload=encoded(picture(), "PNG")
        ).id
        for _ in range(3)
    ]
    product_photos.move_photo(
        artisan_id=artisan.id, product_id=draft.id, photo_id=ids[2], offset=-999
    )
    assert listings.photo_ids(draft.id) == [ids[2], ids[0], ids[1]]
    product_photos.move_photo(artisan_id=artisan.id, product_id=draft.id, photo_id=ids[2], offset=1)
    assert listings.photo_ids(draft.id) == [ids[0], ids[2], ids[1]]
    with pytest.raises(Conflict):
        product_photos.reorder_photos(artisan_id=artisan.id, product_id=draft.id, photo_ids=ids[:2])


def test_alt_text_is_saved_and_limited(ctx, draft, artisan):
    photo = product_photos.add_photo(
        artisan_id=artisan.id, product_id=draft.id, upload=jpeg_with_everything()
    )
    product_photos.set_alt_text(
        artisan_id=artisan.id, product_id=draft.id, photo_id=photo.id, alt_text="Tampak samping"
    )
    db.session.expire_all()
    assert db.session.get(ProductPhoto, photo.id).alt_text == "Tampak samping"
    with pytest.raises(ValidationError):
        product_photos.set_alt_text(
            artisan_id=artisan.id, product_id=draft.id, photo_id=photo.id, alt_text="x" * 201
        )


def test_removing_a_photo_deletes_its_files_but_a_published_product_keeps_one(
    ctx, draft, artisan, media_files
):
    first = product_photos.add_photo(
        artisan_id=artisan.id, product_id=draft.id, upload=jpeg_with_everything()
    )
    second = product_photos.add_photo(
        artisan_id=artisan.id, product_id=draft.id, upload=jpeg_with_everything()
    )
    listings.publish(artisan_id=artisan.id, product_id=draft.id)
    product_photos.remove_photo(artisan_id=artisan.id, product_id=draft.id, photo_id=first.id)
    assert not any(first.key in path for path in media_files())
    assert any(second.key in path for path in media_files())
    with pytest.raises(Conflict, match="minimal satu foto"):
        product_photos.remove_photo(artisan_id=artisan.id, product_id=draft.id, photo_id=second.id)
    assert photo_count(draft.id) == 1
