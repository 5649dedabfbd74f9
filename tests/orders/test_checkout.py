"""place_order(): one order, a shipment per artisan, stock taken once, nothing left on failure."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.artisans.models import Artisan
from marketplace.cart.stores import UserCart
from marketplace.catalog.models import Product
from marketplace.db import atomic
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import db
from marketplace.mail.models import OutboxMessage
from marketplace.orders import checkout as checkout_module
from marketplace.orders.checkout import OutOfStock
from marketplace.orders.models import Address, Order, OrderEvent, OrderLine, Shipment
from marketplace.orders.tokens import token_hash
from marketplace.payments.models import Payment
from tests.factories import make_user
from tests.orders.factories import address, assert_stock_invariant, order_for, shop, stock_received


def count(model) -> int:
    """Rows of a table."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def nothing_written(received) -> None:
    """No order, shipment, line, payment or mail exists and the stock is untouched."""
    for model in (Order, Shipment, OrderLine, OrderEvent, Payment, OutboxMessage):
        assert count(model) == 0, model.__tablename__
    assert_stock_invariant(received)
    assert stock_received() == received
    for product in db.session.scalars(sa.select(Product)):
        assert product.sold_count == 0


def test_an_order_has_one_shipment_per_artisan_and_takes_the_stock(ctx, outbox):
    bandung, (batik, tenun) = shop(products=2, stock=5, price=150_000, weight=600)
    gianyar, (anyaman,) = shop(regency="51.04", stock=3, price=80_000, weight=400)
    received = stock_received()
    placed = order_for({batik.id: 2, tenun.id: 1, anyaman.id: 1})
    order = placed.order
    assert placed.created and order.status == "pending_payment"
    assert order.number.startswith("BNN-") and len(order.number) == 17
    # Shipments follow the cart's order (by shop name), so look them up by artisan.
    shipments = {s.artisan_id: s for s in db.session.scalars(sa.select(Shipment))}
    from_bandung, from_gianyar = shipments[bandung.id], shipments[gianyar.id]
    assert (from_bandung.subtotal_idr, from_bandung.weight_grams) == (450_000, 1800)
    assert (from_gianyar.subtotal_idr, from_gianyar.weight_grams) == (80_000, 400)
    # Jawa Barat -> Jawa Timur (same island group), 1.8 kg = 2 started kg; Bali -> Jawa: 1 kg.
    assert (from_bandung.shipping_idr, from_gianyar.shipping_idr) == (20_000 + 12_000, 38_000)
    assert order.subtotal_idr == 530_000 and order.shipping_idr == 70_000
    assert order.total_idr == 600_000
    stock = dict(db.session.execute(sa.select(Product.id, Product.stock)).all())
    assert stock == {batik.id: 3, tenun.id: 4, anyaman.id: 2}
    assert_stock_invariant(received)
    payment = db.session.scalar(sa.select(Payment))
    assert (payment.provider, payment.status, payment.amount_idr) == (
        "manual_transfer",
        "pending",
        600_000,
    )
    assert outbox[0]["to"] == "tamu@example.com"
    assert "Rp600.000" in outbox[0]["body"] and order.number in outbox[0]["body"]


def test_lines_copy_the_sale_data_so_later_changes_do_not_rewrite_history(ctx):
    artisan, (product,) = shop(regency="33.20", price=210_000)
    order = order_for({product.id: 2}).order
    with atomic():
        db.session.get(Product, product.id).title = "Judul baru"
        db.session.get(Product, product.id).price_idr = 999_000
        db.session.get(Artisan, artisan.id).shop_name = "Nama toko baru"
    line = db.session.scalar(sa.select(OrderLine).where(OrderLine.order_id == order.id))
    assert line.title.startswith("Kerajinan") and line.unit_price_idr == 210_000
    assert (line.quantity, line.line_total_idr) == (2, 420_000)
    assert line.artisan_shop_name.startswith("Toko Perajin")
    assert (line.artisan_regency_code, line.artisan_province_code) == ("33.20", "33")
    assert line.artisan_id == artisan.id and line.category_id == product.category_id


def test_place_order_with_short_stock_changes_nothing_and_lists_every_short_line(ctx):
    _a1, (plenty, short_one) = shop(products=2, stock=2)
    _a2, (short_two,) = shop(regency="51.04", stock=1)
    received = stock_received()
    with pytest.raises(OutOfStock) as error:
        order_for({plenty.id: 1, short_one.id: 3, short_two.id: 2})
    lines = {line["product_id"]: line for line in error.value.details["lines"]}
    assert set(lines) == {short_one.id, short_two.id}
    assert (lines[short_one.id]["requested"], lines[short_one.id]["available"]) == (3, 2)
    assert "tersisa 1" in error.value.message
    nothing_written(received)


def test_stock_taken_between_reading_and_writing_is_caught_by_the_conditional_update(
    ctx, monkeypatch
):
    _artisan, (first, second) = shop(products=2, stock=2)
    received = stock_received()
    real = checkout_module.take_stock

    def someone_else_buys_first(lines):
        # Another checkout commits between our read and our update (stock read as 2, now 0).
        db.session.execute(
            sa.update(Product).where(Product.id == second.id).values(stock=0, sold_count=2)
        )
        return real(lines)

    monkeypatch.setattr(checkout_module, "take_stock", someone_else_buys_first)
    with pytest.raises(OutOfStock) as error:
        order_for({first.id: 1, second.id: 2})
    assert [line["product_id"] for line in error.value.details["lines"]] == [second.id]
    assert error.value.details["lines"][0]["available"] == 0
    nothing_written(received)


@pytest.mark.parametrize("where", ["take_stock", "payment", "mail", "catalog_bump"])
def test_a_failure_in_the_middle_of_placing_an_order_leaves_no_trace(ctx, monkeypatch, where):
    _artisan, (product,) = shop(stock=5)
    received = stock_received()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    if where == "take_stock":
        real = checkout_module.take_stock
        monkeypatch.setattr(checkout_module, "take_stock", lambda lines: (real(lines), boom()))
    elif where == "payment":
        execute = db.session.execute

        def fail_at_the_payment(statement, *args, **kwargs):
            if statement is checkout_module._INSERT_PAYMENT:
                boom()
            return execute(statement, *args, **kwargs)

        monkeypatch.setattr(db.session, "execute", fail_at_the_payment)
    elif where == "mail":
        monkeypatch.setattr(checkout_module.mails, "order_placed", boom)
    else:
        monkeypatch.setattr(checkout_module, "bump_after_sale", boom)
    with pytest.raises(RuntimeError):
        order_for({product.id: 2})
    nothing_written(received)


def test_the_same_idempotency_key_returns_the_same_order(ctx):
    _artisan, (product,) = shop(stock=5)
    received = stock_received()
    first = order_for({product.id: 1}, idempotency_key="k" * 32)
    again = order_for({product.id: 1}, idempotency_key="k" * 32)
    assert not again.created and again.order.id == first.order.id
    assert again.access_token == first.access_token
    assert count(Order) == 1
    assert db.session.get(Product, product.id).stock == 4
    assert_stock_invariant(received)


def test_a_key_used_by_another_buyer_is_refused(ctx):
    _artisan, (product,) = shop()
    order_for({product.id: 1}, idempotency_key="s" * 32)
    with pytest.raises(Conflict):
        order_for({product.id: 1}, idempotency_key="s" * 32, buyer_id=make_user().id)


@pytest.mark.parametrize(
    "key", ["", "short", "x" * 65, "has spaces in it ok", "<script>xxxxxxxxxx"]
)
def test_a_missing_or_tampered_idempotency_key_is_refused(ctx, key):
    _artisan, (product,) = shop()
    with pytest.raises(ValidationError):
        order_for({product.id: 1}, idempotency_key=key)


def test_guest_orders_store_only_the_hash_of_the_private_link(ctx):
    _artisan, (product,) = shop()
    placed = order_for({product.id: 1}, guest_email=" Tamu@Example.com ")
    order = placed.order
    assert order.guest_email == "tamu@example.com"
    assert order.access_token_hash == token_hash(placed.access_token)
    assert placed.access_token not in str(order.__dict__)


def test_a_guest_needs_a_valid_email(ctx):
    _artisan, (product,) = shop()
    with pytest.raises(ValidationError) as error:
        order_for({product.id: 1}, guest_email="bukan-email")
    assert error.value.details["field"] == "email"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"postal_code": "4011"}, "postal_code"),
        ({"regency_code": "32.73"}, "regency_code"),  # Bandung is not in Jawa Timur
        ({"province_code": "99", "regency_code": "99.01"}, "province_code"),
        ({"name": "  "}, "name"),
        ({"street": "Jl"}, "street"),
    ],
)
def test_a_bad_address_is_refused_before_anything_is_written(ctx, changes, field):
    _artisan, (product,) = shop()
    received = stock_received()
    with pytest.raises(ValidationError) as error:
        order_for({product.id: 1}, address=address(**changes))
    assert error.value.details["field"] == field
    nothing_written(received)


def test_an_empty_cart_cannot_be_ordered(ctx):
    with pytest.raises(ValidationError):
        order_for({})


@pytest.mark.parametrize("change", ["archived", "suspended"])
def test_products_no_longer_for_sale_are_reported_and_nothing_is_written(ctx, change):
    artisan, (product,) = shop()
    received = stock_received()
    with atomic():
        if change == "archived":
            db.session.get(Product, product.id).status = "archived"
        else:
            db.session.get(Artisan, artisan.id).status = "suspended"
    with pytest.raises(OutOfStock) as error:
        order_for({product.id: 1})
    assert error.value.details["lines"][0]["available"] == 0
    nothing_written(received)


def test_an_artisan_suspended_during_checkout_is_caught_inside_the_transaction(ctx, monkeypatch):
    artisan, (product,) = shop()
    received = stock_received()
    real = checkout_module.take_stock

    def suspended_meanwhile(lines):
        db.session.execute(
            sa.update(Artisan).where(Artisan.id == artisan.id).values(status="suspended")
        )
        return real(lines)

    monkeypatch.setattr(checkout_module, "take_stock", suspended_meanwhile)
    with pytest.raises(OutOfStock):
        order_for({product.id: 1})
    nothing_written(received)


def test_a_buyers_order_empties_their_cart_and_can_save_the_address(ctx):
    _artisan, (product, other) = shop(products=2)
    user = make_user()
    with atomic():
        UserCart(user.id).set(product.id, 2)
        UserCart(user.id).set(other.id, 1)
    placed = order_for({product.id: 2}, buyer_id=user.id, save_address=True)
    order_for({other.id: 1}, buyer_id=user.id, save_address=True)
    assert placed.access_token is None and placed.order.access_token_hash is None
    assert UserCart(user.id).items() == {}
    saved = db.session.scalars(sa.select(Address).where(Address.user_id == user.id)).all()
    assert len(saved) == 1  # the same address is saved once
    assert saved[0].phone == "+6281234567890"


def test_an_order_expires_after_the_configured_minutes(ctx):
    ctx.config["ORDER_EXPIRY_MINUTES"] = 15
    _artisan, (product,) = shop()
    order = order_for({product.id: 1}).order
    assert (order.expires_at - order.created_at).total_seconds() == 15 * 60


def test_an_unknown_payment_method_is_refused(ctx):
    _artisan, (product,) = shop()
    with pytest.raises(ValidationError):
        order_for({product.id: 1}, payment_method="cash_on_delivery")


def test_a_buyer_who_shops_in_english_gets_mail_in_english(ctx, outbox):
    _artisan, (product,) = shop(price=150_000)
    order = order_for({product.id: 1}, locale="en").order
    assert order.locale == "en"
    assert "IDR 170,000" in outbox[0]["body"]  # English money format: goods + 20.000 shipping


def test_a_duplicate_that_slips_past_the_first_check_returns_the_winner(ctx, monkeypatch):
    _artisan, (product,) = shop(stock=5)
    first = order_for({product.id: 1}, idempotency_key="r" * 32)
    real_find = checkout_module._find
    calls = []

    def not_yet_committed(key):
        # The first look misses the other request's order (it had not committed yet).
        calls.append(key)
        return None if len(calls) == 1 else real_find(key)

    monkeypatch.setattr(checkout_module, "_find", not_yet_committed)
    again = order_for({product.id: 1}, idempotency_key="r" * 32)
    assert again.order.id == first.order.id and not again.created
    assert count(Order) == 1
    assert db.session.get(Product, product.id, populate_existing=True).stock == 4
