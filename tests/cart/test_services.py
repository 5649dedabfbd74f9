"""Cart use cases: quantities, stock, products that are gone, merging, prices from the database."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.cart import services
from marketplace.cart.models import CartItem
from marketplace.cart.pricing import price_cart
from marketplace.cart.stores import GuestCart, UserCart
from marketplace.catalog.models import Product
from marketplace.db import atomic
from marketplace.errors import ValidationError
from marketplace.extensions import db
from tests.factories import make_user
from tests.orders.factories import shop


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("0", "minimal 1"),
        ("-2", "minimal 1"),
        ("1.5", "bilangan bulat"),
        ("2,5", "bilangan bulat"),
        ("1000000000000", "Paling banyak 99"),
        ("100", "Paling banyak 99"),
        ("dua", "berupa angka"),
        ("1e3", "berupa angka"),
        ("", "Isi jumlah"),
        (None, "Isi jumlah"),
    ],
)
def test_bad_quantities_are_refused_with_a_clear_message(ctx, raw, message):
    with pytest.raises(ValidationError) as error:
        services.parse_quantity(raw)
    assert message in error.value.message


def test_good_quantities_are_read_as_whole_numbers(ctx):
    assert services.parse_quantity(" 3 ") == 3
    assert services.parse_quantity("+2") == 2
    assert services.parse_quantity(99) == 99


@pytest.mark.parametrize("cart_kind", ["guest", "user"])
@pytest.mark.parametrize("quantity", ["0", "-1", "1.5", "banyak", "999999999999999"])
def test_a_refused_quantity_leaves_the_cart_as_it_was(ctx, cart_kind, quantity):
    _artisan, (product,) = shop(stock=5)
    cart = GuestCart() if cart_kind == "guest" else UserCart(make_user().id)
    services.add_to_cart(cart, product_id=product.id, quantity="2")
    with pytest.raises(ValidationError):
        services.add_to_cart(cart, product_id=product.id, quantity=quantity)
    with pytest.raises(ValidationError):
        services.update_quantity(cart, product_id=product.id, quantity=quantity)
    assert cart.items() == {product.id: 2}


def test_adding_more_than_the_stock_says_how_many_are_left(ctx):
    _artisan, (product,) = shop(stock=3)
    cart = GuestCart()
    services.add_to_cart(cart, product_id=product.id, quantity=2)
    with pytest.raises(ValidationError) as error:
        services.add_to_cart(cart, product_id=product.id, quantity=2)
    assert "tinggal 3" in error.value.message
    assert cart.items() == {product.id: 2}


def test_a_sold_out_product_cannot_be_added(ctx):
    _artisan, (product,) = shop(stock=0)
    cart = GuestCart()
    with pytest.raises(ValidationError) as error:
        services.add_to_cart(cart, product_id=product.id, quantity=1)
    assert "habis" in error.value.message
    assert cart.items() == {}


@pytest.mark.parametrize("change", ["draft", "archived", "artisan_suspended", "gone"])
def test_products_not_for_sale_cannot_be_added(ctx, change):
    artisan, (product,) = shop()
    product_id = product.id
    with atomic():
        if change == "gone":
            product_id = 987654
        elif change == "artisan_suspended":
            db.session.execute(
                sa.text("UPDATE artisans SET status='suspended' WHERE id=:id"), {"id": artisan.id}
            )
        else:
            db.session.get(Product, product.id).status = change
    cart = GuestCart()
    with pytest.raises(ValidationError) as error:
        services.add_to_cart(cart, product_id=product_id, quantity=1)
    assert "tidak tersedia" in error.value.message
    assert cart.items() == {}


def test_an_unverified_artisans_product_cannot_be_added(ctx):
    _artisan, (product,) = shop(status="pending")
    with pytest.raises(ValidationError):
        services.add_to_cart(GuestCart(), product_id=product.id, quantity=1)


@pytest.mark.parametrize("product_id", ["abc", "", "-1", "1.0", None, "9" * 40])
def test_a_malformed_product_id_is_a_product_we_do_not_know(ctx, product_id):
    with pytest.raises(ValidationError) as error:
        services.add_to_cart(GuestCart(), product_id=product_id, quantity=1)
    assert "tidak ditemukan" in error.value.message


def test_the_same_product_added_twice_stays_on_one_line(ctx):
    _artisan, (product,) = shop()
    user = make_user()
    cart = UserCart(user.id)
    services.add_to_cart(cart, product_id=product.id, quantity=1)
    services.add_to_cart(cart, product_id=str(product.id), quantity="2")
    rows = db.session.scalars(sa.select(CartItem).where(CartItem.user_id == user.id)).all()
    assert [(row.product_id, row.quantity) for row in rows] == [(product.id, 3)]


def test_update_and_remove_change_only_that_line(ctx):
    _artisan, (first, second) = shop(products=2)
    cart = UserCart(make_user().id)
    services.add_to_cart(cart, product_id=first.id, quantity=1)
    services.add_to_cart(cart, product_id=second.id, quantity=1)
    services.update_quantity(cart, product_id=first.id, quantity="4")
    services.remove_from_cart(cart, product_id=second.id)
    assert cart.items() == {first.id: 4}


def test_updating_a_product_that_is_not_in_the_cart_is_refused(ctx):
    _artisan, (product,) = shop()
    with pytest.raises(ValidationError):
        services.update_quantity(GuestCart(), product_id=product.id, quantity=1)


def test_merge_adds_guest_quantities_capped_by_stock_and_drops_gone_products(ctx):
    _artisan, (kept, capped, archived) = shop(products=3, stock=5)
    with atomic():
        db.session.get(Product, archived.id).status = "archived"
    user = make_user()
    cart = UserCart(user.id)
    services.add_to_cart(cart, product_id=kept.id, quantity=1)
    services.add_to_cart(cart, product_id=capped.id, quantity=4)
    services.merge_guest_cart(
        user_id=user.id, guest_items={kept.id: 2, capped.id: 3, archived.id: 1, 424242: 1}
    )
    assert cart.items() == {kept.id: 3, capped.id: 5}


def test_a_tampered_session_cart_is_cleaned(ctx):
    cart = GuestCart({"12": 2, "x": 3, "5": "7", "6": -1, "7": 10**9, "8": True})
    assert cart.items() == {12: 2}


def test_prices_come_from_the_database_grouped_per_artisan(ctx):
    _a1, (batik, tenun) = shop(products=2, price=150_000)
    _a2, (anyaman,) = shop(regency="51.04", price=80_000)
    with atomic():
        db.session.get(Product, batik.id).price_idr = 175_000
    priced = price_cart({batik.id: 2, tenun.id: 1, anyaman.id: 3})
    assert [g.subtotal_idr for g in sorted(priced.groups, key=lambda g: g.artisan_id)] == [
        2 * 175_000 + 150_000,
        3 * 80_000,
    ]
    assert priced.subtotal_idr == 740_000
    assert priced.item_count == 6
    assert not priced.has_problems


def test_a_priced_cart_marks_lines_that_cannot_be_ordered(ctx):
    _artisan, (short, gone) = shop(products=2, stock=2)
    with atomic():
        db.session.get(Product, gone.id).status = "archived"
    priced = price_cart({short.id: 3, gone.id: 1})
    problems = {line.product_id: line.problem for line in priced.lines}
    assert "tinggal 2" in problems[short.id]
    assert "tidak tersedia" in problems[gone.id]
    assert priced.has_problems
