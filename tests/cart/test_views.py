"""The cart pages: adding from a product page, changing, removing, the header count, login merge."""

from __future__ import annotations

import re

import pytest

from marketplace.cart.stores import UserCart
from marketplace.db import atomic
from tests.factories import PASSWORD
from tests.orders.factories import in_app, shop_ids


def put_in_cart(user_id: int, product_id: int, quantity: int) -> None:
    """An account cart line, written directly."""
    with atomic():
        UserCart(user_id).set(product_id, quantity)


def header_count(html: str) -> int:
    """The number in the header's cart badge."""
    return int(re.search(r'class="badge"[^>]*>(\d+)<', html).group(1))


def test_guest_adds_products_of_two_artisans_and_sees_totals_per_artisan(client, app):
    _a1, (batik,) = shop_ids(app, price=150_000)
    _a2, (anyaman,) = shop_ids(app, regency="51.04", price=80_000)
    assert client.post("/cart/add", data={"product_id": batik, "quantity": "2"}).status_code == 303
    client.post("/cart/add", data={"product_id": anyaman, "quantity": "1"})
    page = client.get("/cart").get_data(as_text=True)
    assert "Rp300.000" in page  # 2 x batik, subtotal of the first artisan
    assert "Rp80.000" in page
    assert "Rp380.000" in page  # overall
    assert header_count(page) == 3
    assert 'href="/checkout"' in page


def test_empty_cart_page_invites_to_browse(client):
    page = client.get("/cart").get_data(as_text=True)
    assert "masih kosong" in page
    assert header_count(page) == 0


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "minimal 1"),
        ("-3", "minimal 1"),
        ("1.5", "bilangan bulat"),
        ("99999999999", "Paling banyak 99"),
        ("tiga", "berupa angka"),
        ("11", "tinggal 10"),
    ],
)
def test_bad_quantity_on_add_shows_a_message_and_changes_nothing(client, app, quantity, message):
    _artisan, (product,) = shop_ids(app, stock=10)
    client.post("/cart/add", data={"product_id": product, "quantity": "1"})
    response = client.post("/cart/add", data={"product_id": product, "quantity": quantity})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert header_count(client.get("/cart").get_data(as_text=True)) == 1


def test_bad_quantity_on_update_shows_a_message_and_changes_nothing(client, app):
    _artisan, (product,) = shop_ids(app, stock=4)
    client.post("/cart/add", data={"product_id": product, "quantity": "2"})
    response = client.post("/cart/update", data={"product_id": product, "quantity": "5"})
    assert response.status_code == 422
    assert "tinggal 4" in response.get_data(as_text=True)
    assert header_count(client.get("/cart").get_data(as_text=True)) == 2


def test_update_and_remove_through_the_page(client, app):
    _artisan, (first, second) = shop_ids(app, products=2)
    client.post("/cart/add", data={"product_id": first, "quantity": "1"})
    client.post("/cart/add", data={"product_id": second, "quantity": "1"})
    assert (
        client.post("/cart/update", data={"product_id": first, "quantity": "3"}).status_code == 303
    )
    assert client.post("/cart/remove", data={"product_id": second}).status_code == 303
    assert header_count(client.get("/cart").get_data(as_text=True)) == 3


def test_adding_an_unknown_product_is_refused(client):
    response = client.post("/cart/add", data={"product_id": "31337", "quantity": "1"})
    assert response.status_code == 422
    assert "tidak tersedia" in response.get_data(as_text=True)


def test_add_goes_back_to_a_safe_next_page_only(client, app):
    _artisan, (product,) = shop_ids(app)
    back = client.post("/cart/add", data={"product_id": product, "next": "/products/abc"})
    assert back.headers["Location"].endswith("/products/abc")
    evil = client.post("/cart/add", data={"product_id": product, "next": "//evil.example"})
    assert evil.headers["Location"].endswith("/cart")


def test_logging_in_merges_the_guest_cart_into_the_account_cart(client, app, auth, make):
    user = make.user(email="rina@example.com")
    _artisan, (kept, capped) = shop_ids(app, products=2, stock=3)
    in_app(app, put_in_cart, user.id, capped, 2)
    client.post("/cart/add", data={"product_id": kept, "quantity": "1"})
    client.post("/cart/add", data={"product_id": capped, "quantity": "2"})
    assert auth.login("rina@example.com", PASSWORD).status_code == 302
    page = client.get("/cart").get_data(as_text=True)
    assert header_count(page) == 4  # 1 + min(2 + 2, stock 3)
    assert in_app(app, lambda: UserCart(user.id).items()) == {kept: 1, capped: 3}
