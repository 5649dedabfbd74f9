"""Anything that is not an honest JPEG, PNG or WebP is refused, and nothing lands on disk."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from marketplace.media.pipeline import ImageRejected, ImageTooLarge, store_image
from marketplace.media.storage import get_storage

from .images import HTML, PAYLOAD, SVG, encoded, jpeg_with_everything, picture, png_declaring

NOT_A_PHOTO = "Berkas ini bukan foto JPEG, PNG, atau WebP."
NOISE = Image.merge("RGB", [Image.effect_noise((400, 300), 60 + i * 10) for i in range(3)])
NOISY_JPEG, NOISY_PNG, NOISY_WEBP = (encoded(NOISE, fmt) for fmt in ("JPEG", "PNG", "WEBP"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Harga grosir: hubungi 0812-3456-7890\n" * 20, NOT_A_PHOTO),
        (SVG, NOT_A_PHOTO),
        (HTML, NOT_A_PHOTO),
        (HTML + jpeg_with_everything(), NOT_A_PHOTO),
        (encoded(picture((40, 30)), "GIF"), NOT_A_PHOTO),
        (encoded(picture((40, 30)), "BMP"), NOT_A_PHOTO),
        (encoded(picture((40, 30)), "TIFF"), NOT_A_PHOTO),
        (b"", NOT_A_PHOTO),
        (NOISY_JPEG[: len(NOISY_JPEG) * 2 // 3], "Foto rusak atau tidak lengkap"),
        (NOISY_PNG[: len(NOISY_PNG) // 2], "Foto rusak atau tidak lengkap"),
        (NOISY_WEBP[: len(NOISY_WEBP) // 2], "Foto rusak atau tidak lengkap"),
        (png_declaring(30_000, 30_000), "Foto terlalu besar. Maksimal 40 megapiksel"),
        (png_declaring(7_000, 7_000), "Foto terlalu besar. Maksimal 40 megapiksel"),
        (png_declaring(12_001, 100), "sisi terpanjang 12.000 piksel"),
    ],
    ids=[
        "text-renamed-jpg",
        "svg",
        "html",
        "html-then-jpeg",
        "gif",
        "bmp",
        "tiff",
        "empty",
        "truncated-jpeg",
        "truncated-png",
        "truncated-webp",
        "png-header-30000x30000",
        "png-header-49-megapixels",
        "png-header-too-wide",
    ],
)
def test_hostile_file_is_refused_with_a_clear_message_and_nothing_is_written(
    ctx, media_files, data, message
):
    with pytest.raises(ImageRejected) as refused:
        store_image(data)
    assert refused.value.status_code == 422
    assert message in refused.value.message
    assert media_files() == []


def test_file_over_ten_megabytes_is_refused_before_it_is_opened(ctx, media_files):
    oversize = jpeg_with_everything() + b"\0" * (10 * 1024 * 1024)
    with pytest.raises(ImageTooLarge) as refused:
        store_image(oversize)
    assert refused.value.status_code == 413
    assert "maksimal 10 MB" in refused.value.message
    assert media_files() == []


def test_oversize_upload_stream_is_not_read_to_the_end(ctx, media_files):
    stream = io.BytesIO(b"\xff\xd8\xff" + b"\0" * (50 * 1024 * 1024))
    with pytest.raises(ImageTooLarge):
        store_image(stream)
    assert stream.tell() == 10 * 1024 * 1024 + 1
    assert media_files() == []


def test_pixel_limit_follows_the_app_setting(ctx, media_files):
    ctx.config["MEDIA_MAX_PIXELS"] = 100_000
    with pytest.raises(ImageRejected, match="Maksimal 0,1 megapiksel"):
        store_image(encoded(picture((800, 600)), "PNG"))
    assert media_files() == []


def zip_bytes() -> bytes:
    """A small zip archive, as appended in a JPEG+ZIP polyglot."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", PAYLOAD)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        jpeg_with_everything() + PAYLOAD,
        jpeg_with_everything() + zip_bytes(),
        encoded(picture(), "PNG") + PAYLOAD,
    ],
    ids=["jpeg+html", "jpeg+zip", "png+html"],
)
def test_polyglot_is_stored_as_a_clean_picture_without_its_payload(ctx, data):
    stored = store_image(data)
    for formats in stored.variants.values():
        for path in formats.values():
            with get_storage().open(path) as fh:
                body = fh.read()
            assert b"<script" not in body and b"alert" not in body and b"PK\x03\x04" not in body
            Image.open(io.BytesIO(body)).verify()
