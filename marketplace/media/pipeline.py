"""The one way a picture enters the shop: check it, clean it, resize it, store it.

Demo data and artisans' uploads both go through `store_image`. What it promises:

- Only real JPEG, PNG and WebP content is opened (the bytes are sniffed; the file name and the
  declared content type are never trusted). SVG, HTML, GIF, BMP, TIFF, text... are refused.
- Size limits come before any decoding: bytes first, then the pixel count and longest side read
  from the header, well below Pillow's own decompression-bomb threshold.
- Truncated or damaged files are refused (Pillow's LOAD_TRUNCATED_IMAGES stays off).
- EXIF orientation is applied, colours are converted to sRGB, transparency is flattened onto
  white, and every variant is encoded from bare pixels: no EXIF (GPS!), XMP, ICC or comments
  survive, nor anything appended after the image data (polyglots).
- Files get server-made names; the caller keeps only the key and the size.
- At most MEDIA_DECODE_CONCURRENCY pictures are decoded at once per process (see decode_slot).
"""

from __future__ import annotations

import io
import logging
import re
import threading
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from PIL import Image, ImageCms, ImageFile, ImageOps

from marketplace.errors import DomainError
from marketplace.media.storage import Storage, get_storage

log = logging.getLogger(__name__)

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
# Phones save multi-picture JPEGs (depth maps, previews); Pillow's JPEG opener reports them as MPO.
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # in the header: a 40 MP phone JPEG; Pillow only warns at ~89 MP
# Pillow holds an RGB pixel in 4 bytes. A JPEG decodes at 1/2..1/8 scale when the largest variant
# needs no more (a 40 MP photo: 2.5 MP, ~10 MB); PNG and WebP decode at full size, so they are
# held to this many pixels (~128 MB, ~150 MB with the resize that follows).
MAX_DECODED_PIXELS = 32_000_000
MAX_SIDE = 12_000
# A decode holds up to ~150 MB (see MAX_DECODED_PIXELS); without a cap, a burst of uploads on
# one worker's threads would hold that many times over.
DECODE_CONCURRENCY = 2
DECODE_WAIT_SECONDS = 30

SIZES = {"thumb": 240, "medium": 640, "large": 1280}  # longest side in pixels; never upscaled
SIZES_SMALL_FIRST = sorted(SIZES.items(), key=lambda item: item[1])
FORMATS = {"webp": "webp", "jpeg": "jpg"}  # format name -> file extension
QUALITY = 80

KEY_RE = re.compile(r"[0-9a-f]{32}")
SRGB = ImageCms.createProfile("sRGB")


class ImageRejected(DomainError):
    """The file is not a photo we accept; the message tells the artisan why."""

    status_code = 422


class ImageTooLarge(ImageRejected):
    """The file is bigger in bytes than we take in (HTTP's 413 "content too large")."""

    status_code = 413


class ImageBusy(ImageRejected):
    """Every decode slot stayed taken for DECODE_WAIT_SECONDS: the artisan should try again."""

    status_code = 503


@dataclass(frozen=True)
class StoredImage:
    """A processed photo: the key to save in ProductPhoto, the largest variant's size, the files."""

    key: str
    width: int
    height: int
    variants: dict[str, dict[str, str]] = field(default_factory=dict)  # {size: {fmt: path}}


def setting(name: str, default: int) -> int:
    """A limit from the app config (MEDIA_MAX_BYTES...), else this module's default."""
    return int(current_app.config.get(name, default))


def store_image(source: bytes | BinaryIO, *, storage: Storage | None = None) -> StoredImage:
    """Check, clean and store a picture in every size and format; return what the catalog keeps.

    Refuses with ImageTooLarge (bytes) or ImageRejected (anything else) before writing a thing;
    every variant is encoded in memory first, and a failure while saving removes what was saved.
    """
    data = read_limited(source, setting("MEDIA_MAX_BYTES", MAX_BYTES))
    with decode_slot():
        # No name here holds the decoded original, so clean_pixels can let it go once it has
        # made a converted copy (if it needs one): one full-size picture at a time, not two.
        base = clean_pixels(open_checked(data))
        encoded = encode_variants(base)
        width, height = fit(base.size, SIZES["large"])
        del base
    key = uuid.uuid4().hex
    storage = storage or get_storage()
    saved: list[str] = []
    try:
        for (size, fmt), blob in encoded.items():
            path = variant_path(key, size, fmt)
            storage.save(path, blob)
            saved.append(path)
    except BaseException:
        for path in saved:
            storage.delete(path)
        raise
    variants = {size: {fmt: variant_path(key, size, fmt) for fmt in FORMATS} for size in SIZES}
    return StoredImage(key=key, width=width, height=height, variants=variants)


_decode_slots: dict[int, threading.BoundedSemaphore] = {}
_decode_slots_lock = threading.Lock()


def decode_semaphore(concurrency: int) -> threading.BoundedSemaphore:
    """The process-wide semaphore for this many concurrent decodes (made once, then shared)."""
    with _decode_slots_lock:
        slots = _decode_slots.get(concurrency)
        if slots is None:
            slots = _decode_slots[concurrency] = threading.BoundedSemaphore(concurrency)
        return slots


@contextmanager
def decode_slot() -> Iterator[None]:
    """Hold one of MEDIA_DECODE_CONCURRENCY slots; after a long wait, refuse with "try again"."""
    slots = decode_semaphore(max(1, setting("MEDIA_DECODE_CONCURRENCY", DECODE_CONCURRENCY)))
    wait = float(current_app.config.get("MEDIA_DECODE_WAIT_SECONDS", DECODE_WAIT_SECONDS))
    if not slots.acquire(timeout=wait):
        log.warning("photo decode: no free slot after %.1f s", wait)
        raise ImageBusy(_("Server sedang memproses banyak foto. Coba unggah lagi sebentar lagi."))
    try:
        yield
    finally:
        slots.release()


def delete_image(key: str, *, storage: Storage | None = None) -> None:
    """Remove every variant of a stored photo (missing files are fine)."""
    storage = storage or get_storage()
    for size in SIZES:
        for fmt in FORMATS:
            storage.delete(variant_path(key, size, fmt))


def read_limited(source: bytes | BinaryIO, limit: int) -> bytes:
    """The upload's bytes, refused past the limit; a stream is read no further than limit + 1."""
    data = bytes(source) if isinstance(source, bytes | bytearray) else source.read(limit + 1)
    if len(data) > limit:
        raise ImageTooLarge(
            _("Foto terlalu besar. Ukuran berkas maksimal %(mb)d MB.", mb=limit // (1024 * 1024))
        )
    if not data:
        raise ImageRejected(_("Berkas ini bukan foto JPEG, PNG, atau WebP."))
    return data


def open_checked(data: bytes) -> Image.Image:
    """Open the bytes as JPEG/PNG/WebP, check the size in the header, then decode them fully."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise RuntimeError("ImageFile.LOAD_TRUNCATED_IMAGES must stay off: truncated photos pass")
    try:
        # Pillow warns past MAX_IMAGE_PIXELS (and raises at twice that); the warning is an error.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_many_pixels() from exc
    except Exception as exc:  # UnidentifiedImageError, or a header Pillow chokes on
        if has_photo_signature(data):
            raise damaged() from exc
        raise ImageRejected(_("Berkas ini bukan foto JPEG, PNG, atau WebP.")) from exc
    if image.format not in ACCEPTED_FORMATS:
        raise ImageRejected(_("Berkas ini bukan foto JPEG, PNG, atau WebP."))
    width, height = image.size
    max_pixels = setting("MEDIA_MAX_PIXELS", MAX_PIXELS)
    if width * height > max_pixels or max(width, height) > setting("MEDIA_MAX_SIDE", MAX_SIDE):
        raise too_many_pixels()
    if image.format in {"JPEG", "MPO"}:
        # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the big variant needs no more:
        # a tenth of the memory and time for a typical phone photo.
        image.draft("RGB", (SIZES["large"], SIZES["large"]))
    max_decoded = setting("MEDIA_MAX_DECODED_PIXELS", MAX_DECODED_PIXELS)
    if image.size[0] * image.size[1] > max_decoded:
        raise too_many_pixels(min(max_pixels, max_decoded))
    try:
        image.load()
    except Exception as exc:  # truncated, corrupt, or a decoder error
        log.info("refused a damaged image: %s", exc)
        raise damaged() from exc
    return image


def has_photo_signature(data: bytes) -> bool:
    """True when the bytes begin like a JPEG, PNG or WebP (so a failure means damage, not type)."""
    return data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) or (
        data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    )


def damaged() -> ImageRejected:
    """The refusal for a photo that is cut short or corrupt (often a broken upload)."""
    return ImageRejected(_("Foto rusak atau tidak lengkap. Coba simpan ulang lalu unggah."))


def too_many_pixels(max_pixels: int | None = None) -> ImageRejected:
    """The refusal for a picture whose header declares too many pixels."""
    return ImageRejected(
        _(
            "Foto terlalu besar. Maksimal %(mp)s megapiksel dan sisi terpanjang %(side)s piksel.",
            mp=format_decimal((max_pixels or setting("MEDIA_MAX_PIXELS", MAX_PIXELS)) / 1_000_000),
            side=format_decimal(setting("MEDIA_MAX_SIDE", MAX_SIDE)),
        )
    )


def clean_pixels(image: Image.Image) -> Image.Image:
    """Upright, sRGB, opaque RGB pixels (still carrying the file's info: see bare_pixels).

    An upright, opaque RGB photo without a colour profile comes back as the very same image:
    a full-size copy costs ~120 MB at the pixel limit.
    """
    icc = image.info.get("icc_profile")
    try:
        ImageOps.exif_transpose(image, in_place=True)  # in place: no copy of an upright photo
    except Exception:  # a malformed EXIF block: keep the pixels as they are
        log.info("ignored unreadable EXIF orientation")
    alpha = alpha_channel(image)
    image = colour_base(image)
    if icc:
        image = to_srgb(image, icc)
    if image.mode != "RGB":
        image = image.convert("RGB")
    if alpha is not None:
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=alpha)
        image = flat
    return image


def bare_pixels(image: Image.Image) -> Image.Image:
    """A brand-new image of the same pixels: no info, EXIF cache or palette of the original file."""
    bare = Image.new("RGB", image.size)
    bare.paste(image)
    return bare


def alpha_channel(image: Image.Image) -> Image.Image | None:
    """The transparency as an L mask, or None for an opaque picture."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        return image.convert("RGBA").getchannel("A")
    return None


def colour_base(image: Image.Image) -> Image.Image:
    """The colour channels in a mode an ICC profile can describe (RGB, L or CMYK)."""
    if image.mode in ("RGB", "L", "CMYK"):
        return image
    if image.mode.startswith("I"):
        # 16-bit greyscale PNG: scale to 8 bits instead of clipping everything bright to white.
        return image.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    if image.mode in ("LA", "1"):
        return image.convert("L")
    return image.convert("RGB")


def to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    """Convert from the embedded profile to sRGB; a broken or mismatched profile is ignored."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(image, source, SRGB, outputMode="RGB")
    except Exception:  # PyCMSError, OSError: treat the pixels as sRGB rather than refuse a photo
        log.info("ignored an unusable ICC profile")
        return image
    return converted if converted is not None else image


def fit(size: tuple[int, int], longest: int) -> tuple[int, int]:
    """size scaled so its longest side is at most `longest`, keeping the aspect; never upscaled."""
    width, height = size
    if max(width, height) <= longest:
        return width, height
    scale = longest / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def encode_variants(base: Image.Image) -> dict[tuple[str, str], bytes]:
    """Every (size, format) encoded in memory, largest first, each resized from the one above.

    Every variant comes from bare pixels, made once the picture is no larger than the largest
    variant: the full-size picture is never copied whole.
    """
    out: dict[tuple[str, str], bytes] = {}
    large = fit(base.size, SIZES["large"])
    current = base
    if current.size != large:
        current = current.resize(large, Image.Resampling.LANCZOS, reducing_gap=3.0)
    current = bare_pixels(current)
    for size, longest in sorted(SIZES.items(), key=lambda item: -item[1]):
        target = fit(large, longest)
        if current.size != target:
            current = current.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
        for fmt in FORMATS:
            out[(size, fmt)] = encode(current, fmt)
    return out


def encode(image: Image.Image, fmt: str) -> bytes:
    """Bare pixels as WebP or progressive JPEG at QUALITY; no metadata is passed to the encoder."""
    buffer = io.BytesIO()
    if fmt == "webp":
        image.save(buffer, "WEBP", quality=QUALITY, method=4)
    else:
        image.save(buffer, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


def variant_path(key: str, size: str, fmt: str) -> str:
    """`<first two hex digits>/<key>_<size>.<ext>`: the shard keeps directories small."""
    if not KEY_RE.fullmatch(key or "") or size not in SIZES or fmt not in FORMATS:
        raise ValueError(f"no such photo variant: {key!r} {size!r} {fmt!r}")
    return f"{key[:2]}/{key}_{size}.{FORMATS[fmt]}"


def photo_url(key: str, size: str = "medium", fmt: str = "jpeg") -> str:
    """The URL of one variant of a stored photo."""
    return get_storage().url(variant_path(key, size, fmt))


def srcset(key: str, fmt: str = "webp", width: int | None = None, height: int | None = None) -> str:
    """`url 240w, url 640w, url 1280w` for <img srcset> / <source srcset>.

    Pass the stored width and height to get each variant's true width (portraits and small
    originals are narrower than the nominal sizes); sizes that came out the same are listed once.
    """
    storage = get_storage()  # once: a list page asks for a srcset per card
    entries: dict[int, str] = {}
    for size, longest in SIZES_SMALL_FIRST:
        w = fit((width, height), longest)[0] if width and height else longest
        if w not in entries:
            entries[w] = storage.url(variant_path(key, size, fmt))
    return ", ".join(f"{url} {w}w" for w, url in entries.items())
