"""Pictures made on the fly for the tests: honest photos and hostile files."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image, ImageCms

SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    b'syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="Siti '
    b'Rahayu"/></rdf:RDF></x:xmpmeta>'
)


def picture(size=(800, 600), mode="RGB") -> Image.Image:
    """Top half red, bottom half blue, so a rotation shows where the top went."""
    image = Image.new(mode, size, "blue")
    image.paste("red", (0, 0, size[0], size[1] // 2))
    return image


def gps_exif(orientation: int | None = None) -> Image.Exif:
    """EXIF saying where the photo was taken (a village in Jawa Barat) and by which phone."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Budget 5G"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (6.0, 54.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (107.0, 36.0, 33.0)
    return exif


def encoded(image: Image.Image, fmt: str, **params) -> bytes:
    """The image saved in a format with whatever metadata params say."""
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def jpeg_with_everything(size=(800, 600), orientation: int | None = None) -> bytes:
    """A phone-like JPEG: EXIF with GPS, XMP naming the artisan, an ICC profile, a comment."""
    return encoded(
        picture(size),
        "JPEG",
        exif=gps_exif(orientation),
        icc_profile=SRGB_ICC,
        xmp=XMP,
        comment=b"Rumah Siti, Desa Sukamaju",
    )


def png_chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk with its length and CRC."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_declaring(width: int, height: int) -> bytes:
    """A small, well-formed PNG header that declares a huge canvas over a tiny IDAT."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 900))
        + png_chunk(b"IEND", b"")
    )
    assert len(data) <= 1024
    return data


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PAYLOAD = b"<html><script>alert(document.cookie)</script></html>"
