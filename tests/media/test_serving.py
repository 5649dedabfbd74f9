"""Stored photos are served fast and safely; nothing else under /media is reachable."""

from __future__ import annotations

from pathlib import Path

import pytest

from marketplace.media.pipeline import store_image

from .images import jpeg_with_everything

FOREVER = {"public", "max-age=31536000", "immutable"}


@pytest.fixture
def stored(app):
    """A photo stored through the pipeline, as the catalog would."""
    with app.app_context():
        return store_image(jpeg_with_everything())


@pytest.mark.parametrize(("fmt", "content_type"), [("webp", "image/webp"), ("jpeg", "image/jpeg")])
def test_photo_is_served_with_its_type_and_cached_for_a_year(client, stored, fmt, content_type):
    for size in ("thumb", "medium", "large"):
        path = stored.variants[size][fmt]
        response = client.get(f"/media/{path}")
        assert response.status_code == 200
        assert response.mimetype == content_type
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]
        cache = {part.strip() for part in response.headers["Cache-Control"].split(",")}
        assert cache >= FOREVER
        assert response.data[:4] in (b"RIFF", b"\xff\xd8\xff\xe0")


def test_photo_revisit_costs_no_download(client, stored):
    url = f"/media/{stored.variants['thumb']['webp']}"
    etag = client.get(url).headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


def test_photo_stays_cacheable_for_signed_in_buyers(client, auth, make, stored):
    make.user(email="ani@example.com")
    auth.login("ani@example.com", "kain-tenun-biru-77")
    response = client.get(f"/media/{stored.variants['thumb']['webp']}")
    cache = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert cache >= FOREVER


@pytest.mark.parametrize(
    "url",
    [
        "/media/../config.py",
        "/media/%2e%2e/%2e%2e/config.py",
        "/media/%2E%2E%2F%2E%2E%2Fconfig.py",
        "/media/..%2f..%2fconfig.py",
        "/media/ab\\..\\..\\config.py",
        "/media/ab%5c..%5c..%5cconfig.py",
        "/media//etc/passwd",
        "/media/%2fetc%2fpasswd",
        "/media/C:/Windows/win.ini",
        "/media/ab/evil.html",
        "/media/ab/ab00000000000000000000000000000f_thumb.svg",
        "/media/ab/ab00000000000000000000000000000f_thumb.html",
        "/media/ab/ab00000000000000000000000000000f_original.jpg",
        "/media/ab/.tmp-123.jpg",
        "/media/ab/ab00000000000000000000000000000f_thumb.webp",  # well-formed, but not there
    ],
)
def test_paths_that_leave_media_or_are_not_photos_are_not_found(app, client, stored, url):
    root = Path(app.config["MEDIA_ROOT"])
    (root / "ab").mkdir(parents=True, exist_ok=True)
    for planted in ("evil.html", "ab00000000000000000000000000000f_thumb.svg", ".tmp-123.jpg"):
        (root / "ab" / planted).write_text("<script>alert(1)</script>")
    (root / "ab" / "ab00000000000000000000000000000f_thumb.html").write_text("<script>")
    (root / "ab" / "ab00000000000000000000000000000f_original.jpg").write_bytes(b"\xff\xd8\xff")
    # The router may first merge doubled slashes (a redirect that stays under /media/).
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 404
    assert all("/media/" in hop.location for hop in response.history)
    assert b"alert" not in response.data and b"SECRET_KEY" not in response.data


def test_photos_are_sent_as_stored_even_to_a_browser_that_accepts_gzip(client, stored, app):
    path = stored.variants["large"]["jpeg"]
    response = client.get(f"/media/{path}", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers  # JPEG/WebP are compressed already
    assert response.data == (Path(app.config["MEDIA_ROOT"]) / path).read_bytes()
