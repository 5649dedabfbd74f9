"""Cart use cases: add, change, remove, merge and price. Prices always come from the database.

A cart is either a GuestCart (a dict the view keeps in the Flask session) or a UserCart (rows of
cart_items). The use cases below check everything before changing anything, so a refused
quantity leaves the cart exactly as it was. A cart holds no stock: checkout takes it.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from marketplace.cart.pricing import sellable_products
from marketplace.cart.stores import Cart, GuestCart, UserCart
from marketplace.db import atomic
from marketplace.errors import ValidationError
from marketplace.validators import is_ascii_digits

MAX_QUANTITY = 99  # per product; larger amounts are typos or wholesale enquiries
MAX_LINES = 50  # keeps a guest's session cookie small
_INTEGER = re.compile(r"^[+-]?\d+$", re.ASCII)  # ASCII digits only (validators.ASCII_DIGITS)
_DECIMAL = re.compile(r"^[+-]?\d*[.,]\d+$", re.ASCII)

__all__ = ["Cart", "GuestCart", "UserCart", "add_to_cart", "merge_guest_cart", "parse_quantity"]


def parse_quantity(raw) -> int:
    """A quantity typed by a person: a whole number from 1 to MAX_QUANTITY, else a clear message."""
    if isinstance(raw, bool):
        raw = ""
    text = str(raw if raw is not None else "").strip()
    if not text:
        raise ValidationError(_("Isi jumlah barang."), field="quantity")
    if _DECIMAL.match(text):
        raise ValidationError(_("Jumlah harus bilangan bulat, tanpa koma."), field="quantity")
    if not _INTEGER.match(text):
        raise ValidationError(_("Jumlah harus berupa angka."), field="quantity")
    if len(text.lstrip("+-")) > 6 or int(text) > MAX_QUANTITY:
        raise ValidationError(
            _("Paling banyak %(max)d per barang.", max=MAX_QUANTITY), field="quantity"
        )
    value = int(text)
    if value < 1:
        raise ValidationError(
            _("Jumlah minimal 1. Untuk membuang barang, pilih Hapus."), field="quantity"
        )
    return value


def parse_product_id(raw) -> int:
    """A product id from a form; anything else is a product we do not know."""
    text = str(raw if raw is not None else "").strip()
    if not is_ascii_digits(text) or len(text) > 12:
        raise ValidationError(_("Produk tidak ditemukan."), field="product_id")
    return int(text)


def _sellable(product_id: int):
    """The product if buyers can buy it now (active, artisan verified)."""
    product = sellable_products([product_id]).get(product_id)
    if product is None:
        raise ValidationError(_("Produk ini sudah tidak tersedia."), field="product_id")
    return product


def _check_stock(product, quantity: int) -> None:
    """Refuse more than the stock, saying how many are left."""
    if product.stock <= 0:
        raise ValidationError(_("Stok %(title)s habis.", title=product.title), field="quantity")
    if quantity > product.stock:
        raise ValidationError(
            _(
                "Stok %(title)s tinggal %(n)d. Kurangi jumlahnya.",
                title=product.title,
                n=product.stock,
            ),
            field="quantity",
        )


def add_to_cart(cart: Cart, *, product_id, quantity) -> int:
    """Add units of a product (on top of what the cart holds); returns the new quantity."""
    pid = parse_product_id(product_id)
    wanted = parse_quantity(quantity)
    with cart.transaction():
        items = cart.items()
        product = _sellable(pid)
        if pid not in items and len(items) >= MAX_LINES:
            raise ValidationError(
                _(
                    "Keranjang sudah berisi %(n)d jenis barang. Selesaikan pesanan dulu.",
                    n=MAX_LINES,
                )
            )
        new = items.get(pid, 0) + wanted
        if new > MAX_QUANTITY:
            raise ValidationError(
                _("Paling banyak %(max)d per barang.", max=MAX_QUANTITY), field="quantity"
            )
        _check_stock(product, new)
        cart.set(pid, new)
    return new


def update_quantity(cart: Cart, *, product_id, quantity) -> int:
    """Set the quantity of a product already in the cart."""
    pid = parse_product_id(product_id)
    wanted = parse_quantity(quantity)
    with cart.transaction():
        if pid not in cart.items():
            raise ValidationError(_("Barang itu tidak ada di keranjang."), field="product_id")
        _check_stock(_sellable(pid), wanted)
        cart.set(pid, wanted)
    return wanted


def remove_from_cart(cart: Cart, *, product_id) -> None:
    """Take a product out of the cart (nothing happens if it is not there)."""
    pid = parse_product_id(product_id)
    with cart.transaction():
        cart.remove(pid)


def merge_guest_cart(*, user_id: int, guest_items: dict[int, int]) -> int:
    """After login: add the guest cart's quantities to the account's cart, capped by stock.

    Products no longer for sale are dropped. Returns how many products were merged.
    """
    if not guest_items:
        return 0
    cart = UserCart(user_id)
    merged = 0
    with atomic():
        products = sellable_products(list(guest_items))
        items = cart.items()
        for pid in sorted(guest_items):
            product = products.get(pid)
            if product is None or product.stock <= 0:
                continue
            if pid not in items and len(items) >= MAX_LINES:
                break
            new = min(items.get(pid, 0) + guest_items[pid], product.stock, MAX_QUANTITY)
            if new != items.get(pid):
                cart.set(pid, new)
                items[pid] = new
            merged += 1
    return merged
