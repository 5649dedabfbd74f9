"""Photos uploaded from a phone through the seller centre: clean ones kept, hostile ones refused."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from PIL import ExifTags, Image

from marketplace.catalog.models import Product, ProductPhoto
from marketplace.extensions import db
from marketplace.media.storage import get_storage
from tests.factories import PASSWORD
from tests.media.images import HTML, PAYLOAD, SVG, encoded, jpeg_with_everything, png_declaring

NOISE = Image.merge("RGB", [Image.effect_noise((400, 300), 60 + i * 10) for i in range(3)])
NOISY_JPEG = encoded(NOISE, "JPEG")
NOT_A_PHOTO = "Berkas ini bukan foto JPEG, PNG, atau WebP."
TOO_MANY_PIXELS = "Foto terlalu besar. Maksimal 40 megapiksel"


@pytest.fixture
def seller(make, auth):
    """A verified artisan, logged in."""
    artisan = make.artisan(email="sari@example.com")
    auth.login("sari@example.com", PASSWORD)
    return artisan


@pytest.fixture
def product(make, seller):
    """A draft of the logged-in artisan."""
    return make.product(artisan_id=seller.id, status="draft", title="Tas Pandan")


def upload(client, product_id: int, *files: tuple[bytes, str], alt_text: str = ""):
    """Post files to the product's photo form as a phone's browser does."""
    return client.post(
        f"/seller/products/{product_id}/photos",
        data={"photos": [(io.BytesIO(data), name) for data, name in files], "alt_text": alt_text},
        content_type="multipart/form-data",
    )


def photos_of(app, product_id: int) -> list[ProductPhoto]:
    """The product's stored photo rows, in order."""
    with app.app_context():
        rows = db.session.scalars(
            sa.select(ProductPhoto)
            .where(ProductPhoto.product_id == product_id)
            .order_by(ProductPhoto.position)
        ).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def stored_variant(app, key: str, size: str = "large", ext: str = "jpg") -> bytes:
    """The bytes of one stored variant."""
    with app.app_context(), get_storage().open(f"{key[:2]}/{key}_{size}.{ext}") as handle:
        return handle.read()


def test_a_phone_photo_is_stored_upright_without_gps_and_shown_on_the_product(client, app, product):
    response = upload(
        client,
        product.id,
        (jpeg_with_everything((800, 600), orientation=6), "IMG_20261128.jpg"),
        alt_text="Tas pandan tampak depan",
    )
    assert response.status_code == 302
    [photo] = photos_of(app, product.id)
    assert (photo.width, photo.height, photo.alt_text) == (600, 800, "Tas pandan tampak depan")
    image = Image.open(io.BytesIO(stored_variant(app, photo.key)))
    assert image.size == (600, 800)
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    page = client.get(response.location).get_data(as_text=True)
    assert "1 foto ditambahkan." in page and photo.key in page
    assert client.get(f"/media/{photo.key[:2]}/{photo.key}_thumb.jpg").status_code == 200


def test_several_photos_can_be_chosen_at_once(client, app, product):
    response = upload(
        client,
        product.id,
        (jpeg_with_everything(), "a.jpg"),
        (encoded(NOISE, "PNG"), "b.png"),
        (encoded(NOISE, "WEBP"), "c.webp"),
    )
    assert response.status_code == 302 and len(photos_of(app, product.id)) == 3


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"Harga grosir: hubungi 0812-3456-7890\n" * 30, "katalog.jpg", NOT_A_PHOTO),
        (SVG, "logo.svg", NOT_A_PHOTO),
        (SVG, "logo.jpg", NOT_A_PHOTO),
        (HTML, "halaman.jpg", NOT_A_PHOTO),
        (HTML + jpeg_with_everything(), "polyglot.jpg", NOT_A_PHOTO),
        (NOISY_JPEG[: len(NOISY_JPEG) // 2], "terpotong.jpg", "Foto rusak atau tidak lengkap"),
        (png_declaring(30_000, 30_000), "raksasa.png", TOO_MANY_PIXELS),
    ],
    ids=["text-as-jpg", "svg", "svg-as-jpg", "html-as-jpg", "html-jpeg-polyglot", "truncated",
         "1kb-declaring-30000x30000"],
)  # fmt: skip
def test_a_hostile_upload_gets_a_clear_error_and_nothing_is_stored(
    client, app, product, media_files, data, name, message
):
    response = upload(client, product.id, (data, name))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and name in page
    assert media_files() == [] and photos_of(app, product.id) == []


def test_a_jpeg_carrying_a_payload_is_stored_as_a_clean_picture_only(client, app, product):
    upload(client, product.id, (jpeg_with_everything() + PAYLOAD, "foto.jpg"))
    [photo] = photos_of(app, product.id)
    for size in ("thumb", "medium", "large"):
        for ext in ("jpg", "webp"):
            assert b"<script" not in stored_variant(app, photo.key, size, ext)


def test_a_photo_over_the_size_limit_is_refused(client, app, product, media_files):
    app.config["MEDIA_MAX_BYTES"] = 50 * 1024
    big = encoded(Image.effect_noise((600, 600), 80).convert("RGB"), "PNG")
    assert len(big) > 50 * 1024
    response = upload(client, product.id, (big, "besar.png"))
    assert response.status_code == 413
    assert "Foto terlalu besar. Ukuran berkas maksimal" in response.get_data(as_text=True)
    assert media_files() == [] and photos_of(app, product.id) == []


def test_a_request_over_the_server_limit_gets_the_friendly_413_page(client, app, product):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = upload(client, product.id, (b"\xff\xd8\xff" + b"\0" * 100_000, "foto.jpg"))
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.get_data(as_text=True)
    assert photos_of(app, product.id) == []


def test_more_photos_than_the_limit_are_refused_and_the_rest_kept(
    client, app, product, media_files
):
    app.config["MAX_PHOTOS_PER_PRODUCT"] = 2
    response = upload(
        client,
        product.id,
        (jpeg_with_everything(), "1.jpg"),
        (jpeg_with_everything(), "2.jpg"),
        (jpeg_with_everything(), "3.jpg"),
    )
    assert len(photos_of(app, product.id)) == 2 and len(media_files()) == 12
    page = client.get(response.location).get_data(as_text=True)
    assert "2 foto ditambahkan." in page and "3.jpg: Satu produk paling banyak 2 foto" in page
    again = upload(client, product.id, (jpeg_with_everything(), "4.jpg"))
    assert again.status_code == 422 and len(media_files()) == 12


def test_an_empty_upload_asks_to_choose_a_photo(client, product):
    response = client.post(
        f"/seller/products/{product.id}/photos", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 422 and "Pilih foto dulu." in response.get_data(as_text=True)


def test_photos_are_moved_described_and_removed_from_the_page(client, app, product, media_files):
    upload(client, product.id, (jpeg_with_everything(), "1.jpg"), (encoded(NOISE, "PNG"), "2.png"))
    first, second = photos_of(app, product.id)
    client.post(
        f"/seller/products/{product.id}/photos/{second.id}/move", data={"direction": "first"}
    )
    assert [p.id for p in photos_of(app, product.id)] == [second.id, first.id]
    client.post(
        f"/seller/products/{product.id}/photos/{first.id}/alt", data={"alt_text": "Tampak atas"}
    )
    assert photos_of(app, product.id)[1].alt_text == "Tampak atas"
    client.post(f"/seller/products/{product.id}/photos/{second.id}/delete")
    assert [p.id for p in photos_of(app, product.id)] == [first.id]
    assert not any(second.key in path for path in media_files())


def test_a_product_with_a_photo_is_published_and_appears_in_the_storefront(client, app, product):
    upload(client, product.id, (jpeg_with_everything(), "tas.jpg"))
    response = client.post(f"/seller/products/{product.id}/publish", follow_redirects=True)
    assert "Produk sudah tampil di toko." in response.get_data(as_text=True)
    with app.app_context():
        slug = db.session.get(Product, product.id).slug
    assert client.get(f"/products/{slug}").status_code == 200
    assert "Tas Pandan" in client.get("/products?q=pandan").get_data(as_text=True)
