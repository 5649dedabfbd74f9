"""Static files under content-hashed names, cached for a year; pages compressed when accepted."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import pytest

from marketplace.static_files import StaticManifest

ROOT = Path(__file__).resolve().parent.parent
STATIC_LINK_RE = re.compile(r"""(?:href|src)="(/static/[^"]+)\"""")
HASHED_RE = re.compile(r"/static/.+\.[0-9a-f]{8}\.[a-z0-9]+")
CSRF_RE = re.compile(r'name="csrf_token" value="[^"]*"')
YEAR_IMMUTABLE = {"public", "max-age=31536000", "immutable"}


def static_links(html: str) -> list[str]:
    """Every /static/ URL a page links to."""
    return STATIC_LINK_RE.findall(html)


def cache_directives(response) -> set[str]:
    """The Cache-Control header as a set of directives."""
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}


def stylesheet_url(client) -> str:
    """The stylesheet URL the home page links to."""
    html = client.get("/").get_data(as_text=True)
    return next(url for url in static_links(html) if url.endswith(".css"))


def without_csrf(html: str) -> str:
    """A page with its CSRF tokens blanked (they are signed with the time, so differ by second)."""
    return CSRF_RE.sub('name="csrf_token" value=""', html)


def test_pages_link_only_hashed_static_names(client):
    for url in ("/", "/account/login", "/products", "/does-not-exist"):
        links = static_links(client.get(url).get_data(as_text=True))
        assert links, url
        assert [link for link in links if not HASHED_RE.fullmatch(link)] == [], url


def test_no_template_writes_a_static_address_by_hand():
    by_hand = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if re.search(r"""["'(]/static/""", path.read_text())
    ]
    assert by_hand == []


def test_a_hashed_file_is_cached_for_a_year_by_guests_and_logged_in_users(client, make, auth):
    url = stylesheet_url(client)
    guest = client.get(url)
    assert guest.status_code == 200 and "text/css" in guest.content_type
    assert cache_directives(guest) >= YEAR_IMMUTABLE
    assert guest.get_data() == (ROOT / "static/css/main.css").read_bytes()

    make.user(email="ada@example.com")
    auth.login("ada@example.com", "kain-tenun-biru-77")
    assert "Keluar" in client.get("/").get_data(as_text=True)  # really logged in
    logged_in = client.get(url)
    assert logged_in.status_code == 200
    assert cache_directives(logged_in) >= YEAR_IMMUTABLE
    assert "no-store" not in logged_in.headers["Cache-Control"]


def test_an_unhashed_name_still_works_but_is_cached_briefly(client):
    response = client.get("/static/css/main.css")
    assert response.status_code == 200
    assert response.get_data() == (ROOT / "static/css/main.css").read_bytes()
    directives = cache_directives(response)
    assert "immutable" not in directives and "max-age=31536000" not in directives
    assert any(d.startswith("max-age=") and int(d.split("=")[1]) <= 600 for d in directives)


def test_a_name_from_another_release_gets_todays_file_uncached(client):
    response = client.get("/static/css/main.0123abcd.css")
    assert response.status_code == 200
    assert response.get_data() == (ROOT / "static/css/main.css").read_bytes()
    assert "immutable" not in cache_directives(response)
    assert client.get("/static/css/nothing.0123abcd.css").status_code == 404


def test_a_hashed_file_answers_304_to_its_etag(client):
    url = stylesheet_url(client)
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_changing_a_file_changes_its_name(tmp_path):
    (tmp_path / "css").mkdir()
    css = tmp_path / "css" / "site.css"
    css.write_text("body { color: black; }")
    before = StaticManifest(tmp_path).hashed_name("css/site.css")
    css.write_text("body { color: navy; }")
    after = StaticManifest(tmp_path).hashed_name("css/site.css")
    assert re.fullmatch(r"css/site\.[0-9a-f]{8}\.css", before)
    assert re.fullmatch(r"css/site\.[0-9a-f]{8}\.css", after)
    assert before != after
    assert StaticManifest(tmp_path).file(after).content == b"body { color: navy; }"


# Compression ------------------------------------------------------------------------------


def test_a_page_comes_gzip_encoded_when_accepted_and_reads_the_same(client):
    plain = client.get("/")
    assert "Content-Encoding" not in plain.headers
    squeezed = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert squeezed.headers["Content-Encoding"] == "gzip"
    assert "accept-encoding" in squeezed.headers["Vary"].lower()
    unpacked = gzip.decompress(squeezed.get_data()).decode()
    assert without_csrf(unpacked) == without_csrf(plain.get_data(as_text=True))
    assert len(squeezed.get_data()) < len(plain.get_data()) / 2


@pytest.mark.parametrize("accepted", [None, "identity", "zstd"])
def test_a_client_taking_no_encoding_we_offer_gets_the_page_as_is(client, accepted):
    headers = {"Accept-Encoding": accepted} if accepted else {}
    response = client.get("/", headers=headers)
    assert "Content-Encoding" not in response.headers
    assert "</html>" in response.get_data(as_text=True)
    # Shared caches must still keep the plain and the compressed copies apart.
    assert "accept-encoding" in response.headers["Vary"].lower()


def test_a_cached_catalog_page_is_compressed_too(client, make):
    make.product(title="Kain Tenun Ikat")
    first = client.get("/products", headers={"Accept-Encoding": "gzip"})
    second = client.get("/products", headers={"Accept-Encoding": "gzip"})  # from the page cache
    for response in (first, second):
        assert response.headers["Content-Encoding"] == "gzip"
        assert "Kain Tenun Ikat" in gzip.decompress(response.get_data()).decode()


def test_brotli_when_the_browser_prefers_it(client):
    response = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert response.headers["Content-Encoding"] == "br"
    assert "</html>" in brotli.decompress(response.get_data()).decode()


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_the_stylesheet_comes_compressed_and_revalidates(client, encoding):
    url = stylesheet_url(client)
    response = client.get(url, headers={"Accept-Encoding": encoding})
    assert response.headers["Content-Encoding"] == encoding
    assert cache_directives(response) >= YEAR_IMMUTABLE
    unpack = gzip.decompress if encoding == "gzip" else brotli.decompress
    assert unpack(response.get_data()) == (ROOT / "static/css/main.css").read_bytes()
    again = client.get(
        url, headers={"Accept-Encoding": encoding, "If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


def test_small_responses_are_not_compressed(client):
    response = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.get_json()["status"] == "ok"


def test_the_development_server_of_make_run_compresses_too(app):
    """`make run` serves with Werkzeug's server (flask run): real HTTP, gzip on the wire."""
    import http.client
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
        connection.request("GET", "/", headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Encoding") == "gzip"
        assert "accept-encoding" in response.getheader("Vary").lower()
        assert "</html>" in gzip.decompress(response.read()).decode()
        connection.close()
    finally:
        server.shutdown()
        thread.join(5)
