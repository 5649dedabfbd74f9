"""Paying by card in a real browser, with the fake Stripe standing in for Stripe.

A second live server runs here, configured with STRIPE_* pointing at the fake (the shared
live_server has no Stripe). The journey: product page, cart, checkout with "card", the fake's
hosted page sending the buyer back, the signed webhook (posted by the test as Stripe would), and
the order shown as paid.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.request
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import PHONE
from tests.payments.stripe.fake import (
    SECRET_KEY,
    WEBHOOK_SECRET,
    FakeStripe,
    make_event,
    sign,
)

pytestmark = pytest.mark.e2e
expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need playwright (pip install -e .[dev])"
).expect


@pytest.fixture(scope="module")
def fake_stripe() -> Iterator[FakeStripe]:
    """The fake Stripe for this module's server."""
    fake = FakeStripe()
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def card_shop(browser, fake_stripe, tmp_path_factory) -> Iterator[dict]:
    """A live app with Stripe on (pointed at the fake) and one product to buy."""
    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.payments import stripe_views
    from marketplace.regions.services import load_regions
    from tests.factories import make_product

    root = tmp_path_factory.mktemp("e2e-stripe")
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'stripe.sqlite3'}",
            "MEDIA_ROOT": str(root / "media"),
            "DATABASE_BACKEND": "sqlite",
            "STRIPE_SECRET_KEY": SECRET_KEY,
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_API_BASE": fake_stripe.base_url,
            "STRIPE_MAX_NETWORK_RETRIES": 0,
        },
    )
    for blueprint in (stripe_views.bp, stripe_views.staff_bp):
        if blueprint.name not in app.blueprints:
            app.register_blueprint(blueprint)
    stripe_views.init_app(app)
    with app.app_context():
        upgrade(revision="heads")
        load_regions()
        product = make_product(title="Batik Tulis Mega Mendung", price_idr=250_000, stock=4)
        slug = product.slug
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["SITE_URL"] = f"http://127.0.0.1:{server.server_port}"  # Stripe returns here
    thread = threading.Thread(target=server.serve_forever, name="e2e-stripe", daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}", "slug": slug}
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def card_page(browser, card_shop):
    """A phone-sized tab on the Stripe-enabled server."""
    context = browser.new_context(viewport=PHONE, base_url=card_shop["url"])
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def post_webhook(base_url: str, event: dict) -> dict:
    """Deliver a signed event to the server, as Stripe does."""
    body = json.dumps(event)
    request = urllib.request.Request(  # noqa: S310 - the local test server
        f"{base_url}/payments/stripe/webhook",
        data=body.encode(),
        headers={"Content-Type": "application/json", "Stripe-Signature": sign(body)},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def test_a_guest_pays_by_card_and_sees_the_order_paid(card_page, card_shop, fake_stripe):
    page = card_page
    page.goto(f"/products/{card_shop['slug']}")
    page.get_by_role("button", name="Masukkan ke keranjang").click()
    page.goto("/checkout")
    page.get_by_label("Nama penerima").fill("Rina Pembeli")
    page.get_by_label("Nomor HP").fill("0812 3456 7890")
    page.get_by_label("E-mail").fill("rina@example.com")
    page.get_by_label("Alamat", exact=True).fill("Jl. Darmo No. 12, RT 03/RW 05")
    page.get_by_label("Provinsi").select_option(label="Jawa Timur")
    page.get_by_label("Kabupaten/kota").select_option(label="Kota Surabaya")
    page.get_by_label("Kode pos").fill("60265")
    page.get_by_label("Kartu kredit/debit dan metode lain (Stripe)").check()
    page.get_by_role("button", name="Buat pesanan").click()

    # The fake's hosted page takes the payment and sends the buyer back to the return page.
    expect(page).to_have_url(re.compile(r"/payments/stripe/return\?order=BNN-"))
    expect(page.get_by_role("status")).to_contain_text("menunggu konfirmasi pembayaran")
    assert_accessible(page)

    (session,) = fake_stripe.sessions.values()
    assert session["payment_status"] == "paid"
    assert session["amount_total"] == (250_000 + 20_000) * 100  # goods + Bandung -> Surabaya
    outcome = post_webhook(card_shop["url"], make_event("checkout.session.completed", session))
    assert outcome["outcome"] == "paid"

    # The return page notices by itself (its script asks the server every few seconds).
    expect(page.get_by_role("status")).to_contain_text("Pembayaran diterima")
    page.get_by_role("link", name="Lihat pesanan").click()
    expect(page.locator(".order-status")).to_contain_text("Dibayar")
