"""Shared data for the dashboard tests: a small world of artisans and products in three regions."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from marketplace.extensions import db
from tests import factories


def build_catalog() -> SimpleNamespace:
    """Artisans in Kota Bandung (32.73), Kabupaten Bandung (32.04) and Gianyar, Bali (51.04),
    one pending artisan in Kota Bandung, two categories and one product each."""
    batik = factories.make_category(name_id="Batik", name_en="Batik")
    anyaman = factories.make_category(name_id="Anyaman", name_en="Weaving")
    kota = factories.make_artisan(regency="32.73", shop_name="Batik Kota Bandung")
    kabupaten = factories.make_artisan(regency="32.04", shop_name="Anyaman Soreang")
    bali = factories.make_artisan(regency="51.04", shop_name="Anyaman Ubud")
    pending = factories.make_artisan(regency="32.73", shop_name="Keramik Baru", status="pending")
    products = SimpleNamespace(
        batik=factories.make_product(artisan_id=kota.id, category_id=batik.id, price_idr=100_000,
                                     title="Kain Batik Mega Mendung"),
        tas=factories.make_product(artisan_id=kabupaten.id, category_id=anyaman.id,
                                   price_idr=40_000, title="Tas Anyaman Pandan"),
        keranjang=factories.make_product(artisan_id=bali.id, category_id=anyaman.id,
                                         price_idr=250_000, title="Keranjang Bambu Ubud"),
    )  # fmt: skip
    return SimpleNamespace(
        categories=SimpleNamespace(batik=batik.id, anyaman=anyaman.id),
        kota=kota.id,
        kabupaten=kabupaten.id,
        bali=bali.id,
        pending=pending.id,
        products=products,
    )


@pytest.fixture
def in_app(app):
    """Run a function inside its own app context (for view tests that also use the client)."""

    def run(func, *args, **kwargs):
        """func(*args, **kwargs) in a fresh app context, its session removed afterwards."""
        with app.app_context():
            try:
                return func(*args, **kwargs)
            finally:
                db.session.remove()

    return run
