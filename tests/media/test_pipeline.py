"""Good photos come out upright, resized, in WebP and JPEG, with nothing but pixels inside."""

from __future__ import annotations

import io
import re

import pytest
from PIL import ExifTags, Image

from marketplace.media.demo import generate_demo_photo
from marketplace.media.pipeline import delete_image, photo_url, srcset, store_image
from marketplace.media.storage import LocalStorage, get_storage

from .images import SRGB_ICC, XMP, encoded, gps_exif, jpeg_with_everything, picture

SIZES = {"thumb": 240, "medium": 640, "large": 1280}


def open_variant(path: str) -> Image.Image:
    """A stored variant, opened and decoded with Pillow."""
    with get_storage().open(path) as fh:
        image = Image.open(io.BytesIO(fh.read()))
        image.load()
    return image


def raw(path: str) -> bytes:
    """A stored variant's bytes."""
    with get_storage().open(path) as fh:
        return fh.read()


def assert_bare(image: Image.Image, data: bytes) -> None:
    """No EXIF, GPS, XMP, ICC or comment in the decoded image nor in its bytes."""
    assert len(image.getexif()) == 0
    for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "dpi"):
        assert key not in image.info
    for marker in (b"Exif", b"GPS", b"xmpmeta", b"ICC_PROFILE", b"ICCP", b"Siti", b"PhoneMaker"):
        assert marker not in data


@pytest.mark.parametrize(
    "data",
    [
        jpeg_with_everything((3000, 2000)),
        encoded(picture((3000, 2000)), "PNG", icc_profile=SRGB_ICC, exif=gps_exif()),
        encoded(picture((3000, 2000)), "WEBP", icc_profile=SRGB_ICC, exif=gps_exif(), xmp=XMP),
    ],
    ids=["jpeg", "png", "webp"],
)
def test_photo_is_stored_in_every_size_and_format_with_no_metadata(ctx, data, media_files):
    stored = store_image(data)
    assert re.fullmatch(r"[0-9a-f]{32}", stored.key)
    assert (stored.width, stored.height) == (1280, 853)
    expected = {"thumb": (240, 160), "medium": (640, 426), "large": (1280, 853)}
    for size, dims in expected.items():
        for fmt, pillow_format in (("webp", "WEBP"), ("jpeg", "JPEG")):
            path = stored.variants[size][fmt]
            assert path == f"{stored.key[:2]}/{stored.key}_{size}.{'jpg' if fmt == 'jpeg' else fmt}"
            image = open_variant(path)
            assert image.format == pillow_format and image.mode == "RGB"
            assert image.size == dims
            assert_bare(image, raw(path))
    assert len(media_files()) == 6  # six variants, no temp files, not the original


def multi_frame(fmt: str) -> bytes:
    """A two-frame file: a phone's MPO JPEG (photo + preview) or an animated WebP."""
    buffer = io.BytesIO()
    picture().save(buffer, fmt, save_all=True, append_images=[picture().rotate(90)])
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        encoded(picture().convert("CMYK"), "JPEG"),
        encoded(picture().convert("L"), "JPEG"),
        encoded(picture().convert("P"), "PNG", transparency=0),
        encoded(picture().convert("LA"), "PNG"),
        encoded(picture(), "JPEG", icc_profile=b"not really a profile" * 10),
        multi_frame("MPO"),
        multi_frame("WEBP"),
    ],
    ids=[
        "cmyk-jpeg",
        "grey-jpeg",
        "palette-png",
        "grey-alpha-png",
        "broken-icc",
        "mpo",
        "anim-webp",
    ],
)
def test_every_ordinary_kind_of_photo_is_accepted_as_plain_rgb(ctx, data):
    stored = store_image(data)
    assert (stored.width, stored.height) == (800, 600)
    large = open_variant(stored.variants["large"]["webp"])
    assert large.mode == "RGB" and getattr(large, "n_frames", 1) == 1


def test_gps_location_in_the_original_never_reaches_the_stored_photo(ctx):
    data = jpeg_with_everything()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # it was there
    stored = store_image(data)
    for formats in stored.variants.values():
        for path in formats.values():
            image = open_variant(path)
            assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
            assert_bare(image, raw(path))


def test_phone_photo_taken_sideways_is_shown_upright(ctx):
    # Orientation 6: the camera stored the pixels turned; viewers turn them 90 degrees clockwise.
    stored = store_image(jpeg_with_everything((800, 600), orientation=6))
    assert (stored.width, stored.height) == (600, 800)
    large = open_variant(stored.variants["large"]["jpeg"])
    assert large.size == (600, 800)
    # The red top of the stored pixels ends up on the right, as the photographer saw it.
    right, left = large.getpixel((580, 400)), large.getpixel((20, 400))
    assert right[0] > 200 and right[2] < 60
    assert left[2] > 200 and left[0] < 60


def test_small_photo_is_never_blown_up(ctx):
    stored = store_image(encoded(picture((200, 150)), "PNG"))
    assert (stored.width, stored.height) == (200, 150)
    for formats in stored.variants.values():
        assert open_variant(formats["webp"]).size == (200, 150)
    assert srcset(stored.key, "webp", stored.width, stored.height) == (
        f"{photo_url(stored.key, 'thumb', 'webp')} 200w"
    )


def test_transparent_png_gets_a_white_background(ctx):
    image = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    image.paste((0, 128, 0, 255), (100, 100, 300, 200))
    stored = store_image(encoded(image, "PNG"))
    large = open_variant(stored.variants["large"]["jpeg"])
    assert all(c > 245 for c in large.getpixel((10, 10)))
    green = large.getpixel((200, 150))
    assert green[1] > 100 and green[0] < 40 and green[2] < 40


def test_sixteen_bit_greyscale_png_keeps_its_tones(ctx):
    image = Image.new("I;16", (300, 200), 32768)
    stored = store_image(encoded(image, "PNG"))
    grey = open_variant(stored.variants["large"]["jpeg"]).getpixel((150, 100))
    assert all(110 < c < 145 for c in grey)


def test_urls_and_srcset_point_at_the_served_variants(ctx):
    stored = store_image(jpeg_with_everything((3000, 2000)))
    key = stored.key
    assert photo_url(key, "thumb", "webp") == f"/media/{key[:2]}/{key}_thumb.webp"
    assert photo_url(key, "large", "jpeg") == f"/media/{key[:2]}/{key}_large.jpg"
    assert srcset(key, "webp") == ", ".join(
        f"/media/{key[:2]}/{key}_{size}.webp {w}w" for size, w in SIZES.items()
    )
    portrait = srcset(key, "jpeg", width=853, height=1280)
    assert portrait.endswith("_large.jpg 853w") and "_thumb.jpg 160w" in portrait
    with pytest.raises(ValueError):
        photo_url("../../etc/passwd", "thumb", "webp")


def test_deleting_a_photo_removes_all_its_files(ctx, media_files):
    keep = store_image(jpeg_with_everything())
    gone = store_image(jpeg_with_everything())
    delete_image(gone.key)
    assert len(media_files()) == 6
    assert all(keep.key in name for name in media_files())


def test_a_failed_save_leaves_no_half_stored_photo(ctx, media_files):
    class FailingStorage(LocalStorage):
        def __init__(self, root):
            super().__init__(root)
            self.saves = 0

        def save(self, path, data):
            self.saves += 1
            if self.saves == 4:
                raise OSError("disk full")
            super().save(path, data)

    with pytest.raises(OSError, match="disk full"):
        store_image(jpeg_with_everything(), storage=FailingStorage(ctx.config["MEDIA_ROOT"]))
    assert media_files() == []


def test_local_storage_refuses_paths_outside_media_root(ctx, media_files):
    storage = get_storage()
    for path in ("../escape.jpg", "/etc/passwd", "ab\\..\\..\\x.jpg", "", "ab/../../x.jpg"):
        with pytest.raises(ValueError):
            storage.save(path, b"x")
    assert media_files() == []


def test_demo_photo_is_a_pleasant_jpeg_the_pipeline_accepts(ctx):
    data = generate_demo_photo(7, "Tas Anyaman Pandan", "#2f6b4f")
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.size == (1200, 900)
    assert len(image.convert("RGB").resize((60, 45)).getcolors(4096)) > 50  # not a flat colour
    assert data == generate_demo_photo(7, "Tas Anyaman Pandan", "#2f6b4f")
    assert data != generate_demo_photo(8, "Tas Anyaman Pandan", "#2f6b4f")
    stored = store_image(data)
    assert (stored.width, stored.height) == (1200, 900)
