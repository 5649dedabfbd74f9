"""Placing an order: the one use case that turns a cart into an order and takes the stock.

Reads and checks first, raising before anything is written (empty cart, bad address, products
gone or short). Then ONE transaction inserts the order (its unique idempotency key makes a
concurrent duplicate wait here and fail), takes the stock (orders/stock.py: one conditional
update per line in product-id order), and writes shipments, lines, the first status event, the
pending payment, the buyer's mail and the catalog version bump. If any line is short nothing
stays written and OutOfStock lists every short line with what is left. No `FOR UPDATE` is
needed: the conditional update is correct on SQLite (BEGIN IMMEDIATE serialises writers) and
PostgreSQL (the second updater re-reads the row after the first commits).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from marketplace.cart.pricing import PricedCart, price_cart
from marketplace.cart.stores import UserCart
from marketplace.catalog.cache import bump_after_sale
from marketplace.db import atomic, now_utc
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import db
from marketplace.orders import mails, shipping
from marketplace.orders.address import ShippingAddress, clean_address
from marketplace.orders.models import Address, Order, OrderEvent, OrderLine, OrderStatus, Shipment
from marketplace.orders.stock import shortages, take_stock
from marketplace.orders.tokens import (
    access_token_for,
    check_idempotency_key,
    new_order_number,
    token_hash,
)
from marketplace.payments import providers
from marketplace.payments.models import Payment


class OutOfStock(Conflict):
    """Some lines cannot be had: details["lines"] lists each with what is left."""

    def __init__(self, lines: list[dict]):
        """lines: [{product_id, title, requested, available}]."""
        parts = [
            _("%(title)s (diminta %(wanted)d, tersisa %(left)d)", **line_text(line))
            for line in lines
        ]
        super().__init__(_("Stok tidak cukup: %(lines)s.", lines="; ".join(parts)), lines=lines)


def line_text(line: dict) -> dict:
    """Values for the OutOfStock message of one line."""
    return {"title": line["title"], "wanted": line["requested"], "left": line["available"]}


@dataclass(frozen=True)
class PlacedOrder:
    """The order (new, or the earlier one for a repeated key) and the guest's link token."""

    order: Order
    access_token: str | None
    created: bool


def place_order(
    *,
    items: dict[int, int],
    buyer_id: int | None,
    guest_email: str | None,
    address: ShippingAddress,
    idempotency_key: str,
    locale: str = "id",
    payment_method: str = providers.DEFAULT_PROVIDER,
    save_address: bool = False,
) -> PlacedOrder:
    """Place one order with one shipment per artisan; safe to repeat with the same key.

    Raises ValidationError (bad address, e-mail, key or empty cart) or OutOfStock, in both cases
    having written nothing.
    """
    key = check_idempotency_key(idempotency_key)
    try:
        email = None if buyer_id is not None else _check_email(guest_email)
        address = clean_address(address)
        provider = providers.enabled_provider(payment_method)
        priced = _check_cart(items)
    except (ValidationError, Conflict):
        # A form posted again after its order was placed (the cart may be empty or sold out by
        # now) gets that order back. The happy path skips this read: the unique key catches a
        # repeat below.
        earlier = _find(key)
        if earlier is not None:
            return _repeat(earlier, buyer_id)
        raise
    quotes = shipping.quote(
        address.province_code,
        {g.artisan_id: (g.province_code, g.weight_grams) for g in priced.groups},
    )
    for group in priced.groups:
        group.shipping_idr = quotes[group.artisan_id]
    for attempt in range(3):
        try:
            # The order row goes in first: a repeated or concurrent post of the same key fails
            # right there (SQLite: after waiting for the write lock; PostgreSQL: for the unique
            # index entry).
            with atomic():
                order = _write_order(
                    priced, buyer_id, email, address, key, locale, provider, save_address
                )
            return PlacedOrder(order, access_token_for(key) if buyer_id is None else None, True)
        except IntegrityError:
            # An earlier or concurrent post of the same form holds the key: return its order.
            winner = _find(key)
            if winner is not None:
                return _repeat(winner, buyer_id)
            if attempt == 2:  # three order-number collisions in a row: not a collision
                raise
    raise AssertionError("unreachable")


def _find(key: str) -> Order | None:
    """The order placed with this idempotency key, if any."""
    return db.session.scalar(sa.select(Order).where(Order.idempotency_key == key))


def _repeat(order: Order, buyer_id: int | None) -> PlacedOrder:
    """The earlier order of a repeated form, to the same buyer only."""
    if order.buyer_id != buyer_id:
        raise Conflict(_("Formulir ini sudah dipakai. Muat ulang halaman checkout."))
    token = access_token_for(order.idempotency_key) if order.buyer_id is None else None
    return PlacedOrder(order, token, False)


def _check_email(guest_email: str | None) -> str:
    """A guest's e-mail, where the private order link goes."""
    try:
        checked = validate_email((guest_email or "").strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(_("Alamat e-mail tidak valid."), field="email") from exc
    return checked.normalized.lower()


def _check_cart(items: dict[int, int]) -> PricedCart:
    """Price the cart; refuse an empty one and report every line that cannot be had."""
    if not items:
        raise ValidationError(_("Keranjang Anda kosong."))
    priced = price_cart(items)
    short = [
        {
            "product_id": line.product_id,
            "title": line.product.title
            if line.product
            else _("Produk #%(id)d", id=line.product_id),
            "requested": line.quantity,
            "available": line.product.stock if line.product and line.product.sellable else 0,
        }
        for line in priced.lines
        if line.problem
    ]
    if short:
        raise OutOfStock(short)
    return priced


# Built once (see cart.pricing): the statements that write every order.
_INSERT_ORDER = sa.insert(Order.__table__).returning(Order.__table__.c.id)
_INSERT_SHIPMENTS = sa.insert(Shipment.__table__).returning(
    Shipment.__table__.c.artisan_id, Shipment.__table__.c.id
)
_INSERT_LINES = sa.insert(OrderLine.__table__)
_INSERT_EVENT = sa.insert(OrderEvent.__table__)
_INSERT_PAYMENT = sa.insert(Payment.__table__)


def _write_order(priced, buyer_id, email, address, key, locale, provider, save_address) -> Order:
    """Every write of place_order, inside its transaction."""
    now = now_utc()
    minutes = int(current_app.config["ORDER_EXPIRY_MINUTES"])
    fields = dict(
        number=new_order_number(now),
        buyer_id=buyer_id,
        guest_email=email,
        access_token_hash=token_hash(access_token_for(key)) if buyer_id is None else None,
        idempotency_key=key,
        status=OrderStatus.PENDING_PAYMENT.value,
        locale=locale if locale in current_app.config["LANGUAGES"] else "id",
        payment_method=provider.name,
        subtotal_idr=priced.subtotal_idr,
        shipping_idr=priced.shipping_idr,
        total_idr=priced.total_idr,
        ship_name=address.name,
        ship_phone=address.phone,
        ship_street=address.street,
        ship_village=address.village,
        ship_regency_code=address.regency_code,
        ship_province_code=address.province_code,
        ship_postal_code=address.postal_code,
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    # The unique key: a concurrent duplicate waits here, then fails.
    order_id = db.session.execute(_INSERT_ORDER, fields).scalar_one()
    # What was written, for the e-mail and the caller; not tracked by the session, which would
    # only read it back.
    order = Order(id=order_id, **fields)
    short, taken = take_stock([(line.product_id, line.quantity) for line in priced.lines])
    if short:
        raise OutOfStock(shortages(short, priced))
    # The rest is written with plain INSERTs rather than through the unit of work: one
    # statement per table, and no ORM bookkeeping for rows this request never reads again.
    shipment_ids = dict(
        db.session.execute(
            _INSERT_SHIPMENTS,
            [
                {
                    "order_id": order.id,
                    "artisan_id": group.artisan_id,
                    "subtotal_idr": group.subtotal_idr,
                    "shipping_idr": group.shipping_idr,
                    "weight_grams": group.weight_grams,
                }
                for group in priced.groups
            ],
        ).all()
    )
    lines = [
        {
            "order_id": order.id,
            "shipment_id": shipment_ids[group.artisan_id],
            "product_id": line.product.id,
            "artisan_id": line.product.artisan_id,
            "category_id": line.product.category_id,
            "title": line.product.title,
            "artisan_shop_name": line.product.shop_name,
            "artisan_regency_code": line.product.artisan_regency_code,
            "artisan_province_code": line.product.artisan_province_code,
            "unit_price_idr": line.product.price_idr,
            "quantity": line.quantity,
            "line_total_idr": line.line_total_idr,
        }
        for group in priced.groups
        for line in group.lines
    ]
    db.session.execute(_INSERT_LINES, lines)
    db.session.execute(
        _INSERT_EVENT,
        {"order_id": order.id, "at": now, "to_status": order.status, "actor_id": buyer_id},
    )
    db.session.execute(
        _INSERT_PAYMENT,
        {"order_id": order.id, "provider": provider.name, "amount_idr": order.total_idr},
    )
    if buyer_id is not None:
        UserCart(buyer_id).clear([line.product_id for line in priced.lines])
        if save_address:
            _save_address(buyer_id, address)
    mails.order_placed(order, lines, provider.instructions(order))
    bump_after_sale(taken)  # last, so the hot row, when touched, is held the shortest time
    return order


def _save_address(user_id: int, address: ShippingAddress) -> None:
    """Keep the address for the buyer's next checkout, unless it is saved already."""
    fields = {
        "name": address.name,
        "phone": address.phone,
        "street": address.street,
        "village": address.village,
        "regency_code": address.regency_code,
        "province_code": address.province_code,
        "postal_code": address.postal_code,
    }
    same = sa.select(Address.id).where(
        Address.user_id == user_id, *[getattr(Address, k) == v for k, v in fields.items()]
    )
    if db.session.scalar(same) is None:
        db.session.add(Address(user_id=user_id, **fields))
