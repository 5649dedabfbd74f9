"""Checkout and order pages through the browser's eyes (the test client)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from marketplace.catalog.cache import CatalogState
from marketplace.catalog.models import Product
from marketplace.db import now_utc
from marketplace.extensions import db
from marketplace.orders.models import Order
from tests.factories import PASSWORD
from tests.orders.factories import (
    address_form,
    assert_stock_invariant,
    in_app,
    overdue,
    shop_ids,
    stock_received,
)


def hidden(html: str, name: str) -> str:
    """The value of a hidden input."""
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html).group(1)


def fill_cart(client, app, *, stock=5, quantity="2"):
    """A guest cart with one product of Bandung and one of Gianyar; returns the product ids."""
    _a1, (batik,) = shop_ids(app, stock=stock, price=150_000)
    _a2, (anyaman,) = shop_ids(app, regency="51.04", stock=stock, price=80_000)
    client.post("/cart/add", data={"product_id": batik, "quantity": quantity})
    client.post("/cart/add", data={"product_id": anyaman, "quantity": "1"})
    return batik, anyaman


def checkout(client, **changes):
    """Open the checkout page and post it as a guest would."""
    page = client.get("/checkout").get_data(as_text=True)
    data = address_form(email="tamu@example.com", idempotency_key=hidden(page, "idempotency_key"))
    data.update(changes)
    return client.post("/checkout", data=data)


def test_checkout_page_lists_regencies_grouped_by_province_without_javascript(client, app):
    fill_cart(client, app)
    page = client.get("/checkout").get_data(as_text=True)
    assert page.count("<optgroup") == 38
    assert '<optgroup label="Jawa Barat">' in page and ">Kota Bandung</option>" in page
    assert len(hidden(page, "idempotency_key")) >= 16
    assert 'name="email"' in page  # guests give an e-mail


def test_empty_cart_cannot_check_out(client):
    response = client.get("/checkout")
    assert response.status_code == 302 and response.headers["Location"].endswith("/cart")


def test_guest_checks_out_and_sees_the_transfer_instructions(client, app, outbox):
    fill_cart(client, app)
    received = in_app(app, stock_received)
    response = checkout(client)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert re.search(r"/orders/BNN-\d{6}-[A-Z2-9]{6}\?token=[0-9a-f]{32}$", location)
    page = client.get(location).get_data(as_text=True)
    # 2 x 150.000 + 80.000 goods; Bandung -> Surabaya 1 kg 20.000; Gianyar -> Surabaya 38.000.
    assert "Rp438.000" in page
    assert "Menunggu pembayaran" in page
    assert "Nomor rekening" in page and "Bank Rakyat Indonesia" in page
    assert "+6281234567890" in page
    assert client.get("/cart").get_data(as_text=True).count('class="badge"') == 1
    assert "masih kosong" in client.get("/cart").get_data(as_text=True)
    assert outbox[0]["to"] == "tamu@example.com" and location.split("?")[0] in outbox[0]["body"]
    in_app(app, assert_stock_invariant, received)


def test_a_resubmitted_checkout_form_returns_the_same_order(client, app):
    fill_cart(client, app)
    page = client.get("/checkout").get_data(as_text=True)
    data = address_form(email="tamu@example.com", idempotency_key=hidden(page, "idempotency_key"))
    first = client.post("/checkout", data=data)
    # The cart is empty now; a second post with the same form must still land on the order.
    fill_cart(client, app)
    second = client.post("/checkout", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert (
        in_app(app, lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Order))) == 1
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": "0812"}, "Nomor telepon tidak valid"),
        ({"postal_code": "ABCDE"}, "Kode pos harus 5 angka"),
        ({"regency_code": "32.73"}, "yang ada di provinsi itu"),
        ({"province_code": ""}, "Wajib diisi"),
        ({"email": "bukan-email"}, "e-mail tidak valid"),
        ({"name": ""}, "Wajib diisi"),
    ],
)
def test_bad_address_fields_show_messages_and_place_nothing(client, app, changes, message):
    fill_cart(client, app)
    response = checkout(client, **changes)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert (
        in_app(app, lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Order))) == 0
    )


def test_short_stock_at_checkout_lists_the_lines_and_keeps_the_cart(
    client, app, external_stock_change
):
    batik, _anyaman = fill_cart(client, app, stock=3, quantity="3")

    def sell_two():
        db.session.execute(sa.update(Product).where(Product.id == batik).values(stock=1))
        db.session.commit()

    page = client.get("/checkout").get_data(as_text=True)
    in_app(app, sell_two)
    response = client.post(
        "/checkout",
        data=address_form(
            email="tamu@example.com", idempotency_key=hidden(page, "idempotency_key")
        ),
    )
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "diminta 3, tersisa 1" in body
    assert 'class="badge"' in body and ">4</span>" in body  # the cart still holds 3 + 1


def test_quote_button_shows_shipping_before_placing(client, app):
    fill_cart(client, app)
    response = checkout(client, action="quote")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Rp58.000" in body  # 20.000 + 38.000 shipping to Jawa Timur
    assert (
        in_app(app, lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Order))) == 0
    )


def test_another_persons_order_is_not_found(client, app, make, auth):
    fill_cart(client, app)
    location = checkout(client).headers["Location"]
    number_url = location.split("?")[0]
    assert client.get(number_url).status_code == 404  # no token
    assert client.get(number_url + "?token=" + "0" * 32).status_code == 404
    make.user(email="lain@example.com")
    auth.login("lain@example.com", PASSWORD)
    assert client.get(number_url).status_code == 404
    assert client.get("/orders/BNN-000000-AAAAAA").status_code == 404


def test_a_logged_in_buyer_sees_their_orders_and_the_address_is_remembered(client, app, make, auth):
    make.user(email="rina@example.com", name="Rina")
    auth.login("rina@example.com", PASSWORD)
    fill_cart(client, app)
    page = client.get("/checkout").get_data(as_text=True)
    assert 'name="email"' not in page
    data = address_form(idempotency_key=hidden(page, "idempotency_key"), save_address="y")
    location = client.post("/checkout", data=data).headers["Location"]
    assert "token=" not in location
    number = location.rsplit("/", 1)[1]
    assert number in client.get("/account/orders").get_data(as_text=True)
    assert "Menunggu pembayaran" in client.get(location).get_data(as_text=True)
    fill_cart(client, app)
    again = client.get("/checkout").get_data(as_text=True)
    assert "Alamat tersimpan" in again and 'value="60265"' in again


def test_orders_list_needs_login(client):
    assert client.get("/account/orders").status_code == 302


def test_viewing_an_overdue_order_expires_it_and_returns_the_stock(client, app):
    fill_cart(client, app)
    received = in_app(app, stock_received)
    location = checkout(client).headers["Location"]
    order_id = in_app(app, lambda: db.session.scalar(sa.select(Order.id)))
    in_app(app, overdue, order_id)
    page = client.get(location).get_data(as_text=True)
    assert "Kedaluwarsa" in page and "Nomor rekening" not in page
    assert in_app(app, lambda: db.session.get(Order, order_id).status) == "expired"
    in_app(app, assert_stock_invariant, received)


def test_the_buyer_can_cancel_an_unpaid_order(client, app):
    fill_cart(client, app)
    received = in_app(app, stock_received)
    location = checkout(client).headers["Location"]
    number, token = re.search(r"/orders/([^?]+)\?token=(\w+)", location).groups()
    assert client.post(f"/orders/{number}/cancel").status_code == 404  # no token: not yours
    response = client.post(f"/orders/{number}/cancel", data={"token": token})
    assert response.status_code == 303
    assert "Dibatalkan" in client.get(location).get_data(as_text=True)
    in_app(app, assert_stock_invariant, received)
    assert client.post(f"/orders/{number}/cancel", data={"token": token}).status_code == 409


def just_changed_catalog():
    """Set the catalog version as changed this instant."""
    db.session.merge(CatalogState(id=1, version=1, changed_at=now_utc()))
    db.session.commit()


def test_a_cached_product_page_shows_the_stock_a_sale_leaves_once_it_is_low(client, app):
    _artisan, (product_id,) = shop_ids(app, stock=7)
    slug = in_app(app, lambda: db.session.get(Product, product_id).slug)
    in_app(app, just_changed_catalog)  # so only the stock rule, not the ranking lag, can bump
    assert "Stok tersedia" in client.get(f"/products/{slug}").get_data(as_text=True)  # cached
    client.post("/cart/add", data={"product_id": product_id, "quantity": "2"})
    assert checkout(client).status_code == 303
    assert "Tinggal 5" in client.get(f"/products/{slug}").get_data(as_text=True)
