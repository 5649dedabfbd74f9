"""Every test here ends by checking the stock invariant on whatever products it made."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.catalog.models import Product
from marketplace.extensions import db
from tests.orders.factories import live_units


@pytest.fixture
def external_stock_change():
    """Ask for this in a test that changes stock behind the shop's back (no invariant check)."""


@pytest.fixture(autouse=True)
def stock_invariant_after_test(request):
    """After the test: no stock below zero, and each product's sold_count equals its units in
    live orders (pending_payment, paid, completed). Factory products start with sold_count 0,
    so together with stock + sold_count staying constant this is "stock left + units in live
    orders = stock received"."""
    if "app" not in request.fixturenames or "external_stock_change" in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")  # set up first, so it is torn down after this check
    yield
    with app.app_context():
        live = live_units()
        rows = db.session.execute(sa.select(Product.id, Product.stock, Product.sold_count)).all()
        db.session.remove()
    for product_id, stock, sold in rows:
        assert stock >= 0, f"product {product_id}: stock {stock}"
        assert sold == int(live.get(product_id, 0)), (
            f"product {product_id}: sold_count {sold}, live units {live.get(product_id, 0)}"
        )
