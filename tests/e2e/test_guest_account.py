"""A guest's order follows them into the account they make later, in a real browser.

The journey: a guest buys by bank transfer, registers with the same e-mail (the page only says
"check your e-mail"), opens the link mailed to them, confirms with their password, and finds the
order under "Pesanan saya". A server of its own is started here so the test can read the mail
the app sent (the shared live_server keeps its mail to itself).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.e2e
expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need playwright (pip install -e .[dev])"
).expect

EMAIL = "sekar.wangi@example.com"
PASSWORD = "tenun ikat dari sumba"


@pytest.fixture(scope="module")
def shop(browser, tmp_path_factory) -> Iterator[dict]:
    """A live app with one product, and the list its mail lands in."""
    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.regions.services import load_regions
    from tests.factories import make_product

    root = tmp_path_factory.mktemp("e2e-guest-account")
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'guest.sqlite3'}",
            "MEDIA_ROOT": str(root / "media"),
            "DATABASE_BACKEND": "sqlite",
        },
    )
    with app.app_context():
        upgrade(revision="heads")
        load_regions()
        slug = make_product(title="Tenun Ikat Sumba", price_idr=300_000, stock=3).slug
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["SITE_URL"] = base_url  # links in mail are built from it
    thread = threading.Thread(target=server.serve_forever, name="e2e-guest", daemon=True)
    thread.start()
    yield {"url": base_url, "slug": slug, "mail": app.extensions.setdefault("mail_sent", [])}
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def page(browser, shop):
    """A phone-sized tab on this module's server."""
    context = browser.new_context(viewport=PHONE, base_url=shop["url"])
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


def mailed_link(mail: list[dict], to: str, path: str) -> str:
    """The first link to `path` in the mail sent to `to`."""
    for message in mail:
        found = re.search(rf"https?://\S+{re.escape(path)}\S*", message["body"])
        if message["to"] == to and found:
            return found.group(0)
    raise AssertionError(f"no mail to {to} with a link to {path}: {mail}")


def test_a_guest_registers_confirms_the_mailed_link_and_finds_the_order(page, shop):
    page.goto(f"/products/{shop['slug']}")
    page.get_by_role("button", name="Masukkan ke keranjang").click()
    page.goto("/checkout")
    page.get_by_label("Nama penerima").fill("Sekar Wangi")
    page.get_by_label("Nomor HP").fill("0812 3456 7890")
    page.get_by_label("E-mail").fill("Sekar.Wangi@Example.com")  # typed differently later
    page.get_by_label("Alamat", exact=True).fill("Jl. Darmo No. 12, RT 03/RW 05")
    page.get_by_label("Provinsi").select_option(label="Jawa Timur")
    page.get_by_label("Kabupaten/kota").select_option(label="Kota Surabaya")
    page.get_by_label("Kode pos").fill("60265")
    page.get_by_role("button", name="Buat pesanan").click()
    expect(page).to_have_url(re.compile(r"/orders/BNN-\d{6}-\w{6}\?token=\w+$"))
    number = re.search(r"/orders/([^?]+)", page.url).group(1)
    expect(page.locator(".shipment-status")).to_have_text("Menunggu pembayaran")
    expect(page.locator(".pay-box")).to_contain_text(re.compile(r"\d{2}\.\d{2} WIB"))

    page.locator("header").get_by_role("link", name="Daftar").click()
    page.get_by_label("Nama").fill("Sekar Wangi")
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_label("Ulangi kata sandi").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Daftar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Periksa e-mail Anda")
    assert_accessible(page)

    page.goto(mailed_link(shop["mail"], EMAIL, "/account/confirm/"))
    expect(page.get_by_text(EMAIL)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Konfirmasi e-mail").click()
    expect(page.get_by_text("E-mail Anda sudah dikonfirmasi.", exact=False)).to_be_visible()
    expect(page.locator(".email-state")).to_have_text("sudah dikonfirmasi")

    page.locator("main").get_by_role("link", name="Pesanan saya").click()
    expect(page.get_by_role("link", name=number)).to_be_visible()
    page.get_by_role("link", name=number).click()
    expect(page.locator(".order-status")).to_contain_text("Menunggu pembayaran")
    assert_accessible(page)
