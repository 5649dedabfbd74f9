"""Reading orders for the buyer's pages. Another person's order is simply not found."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from marketplace.db import now_utc
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.orders.models import Order, OrderEvent, OrderLine, OrderStatus, Shipment
from marketplace.orders.services import expire_order
from marketplace.orders.tokens import token_matches
from marketplace.payments.models import Payment, Refund

PAGE_SIZE = 20


def order_for_viewer(number: str, *, user_id: int | None, token: str | None) -> Order:
    """The order if this viewer may see it: its buyer, or whoever holds a guest order's link.

    An unpaid order whose time ran out is expired on the spot (and its stock returned, once).
    """
    order = db.session.scalar(sa.select(Order).where(Order.number == (number or "")[:24]))
    if order is None:
        raise NotFound(_("Pesanan tidak ditemukan."))
    mine = user_id is not None and order.buyer_id == user_id
    linked = order.buyer_id is None and token_matches(token, order.access_token_hash)
    if not (mine or linked):
        raise NotFound(_("Pesanan tidak ditemukan."))
    return notice_expiry(order)


def link_moved_to_account(number: str, token: str | None) -> bool:
    """True when a guest's private link is right but the order now belongs to an account
    (its e-mail was confirmed): the link's holder may be told to log in, nothing more."""
    order = db.session.scalar(sa.select(Order).where(Order.number == (number or "")[:24]))
    return bool(
        order is not None
        and order.buyer_id is not None
        and token_matches(token, order.access_token_hash)
    )


def notice_expiry(order: Order) -> Order:
    """Expire an overdue unpaid order now; returns the order as it is after that."""
    if order.status == OrderStatus.PENDING_PAYMENT.value and order.expires_at <= now_utc():
        expire_order(order.id)
        order = db.session.get(Order, order.id, populate_existing=True)
    return order


@dataclass
class ShipmentView:
    """A shipment with its lines, for the order page."""

    shipment: Shipment
    shop_name: str
    lines: list[OrderLine]


@dataclass
class OrderView:
    """Everything the order page shows."""

    order: Order
    shipments: list[ShipmentView]
    events: list[OrderEvent]
    payment: Payment | None
    # Refunds owed or paid, by shipment id (None: the whole order), for cancelled parcels.
    refunds: dict[int | None, Refund] = field(default_factory=dict)


def order_view(order: Order) -> OrderView:
    """The order with shipments, lines, status history, latest payment and refunds."""
    shipments = db.session.scalars(
        sa.select(Shipment).where(Shipment.order_id == order.id).order_by(Shipment.id)
    ).all()
    lines = db.session.scalars(
        sa.select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.id)
    ).all()
    events = db.session.scalars(
        sa.select(OrderEvent)
        .where(OrderEvent.order_id == order.id)
        .order_by(OrderEvent.at, OrderEvent.id)
    ).all()
    payment = db.session.scalar(
        sa.select(Payment).where(Payment.order_id == order.id).order_by(Payment.id.desc()).limit(1)
    )
    refunds = {
        refund.shipment_id: refund
        for refund in db.session.scalars(
            sa.select(Refund).where(Refund.order_id == order.id).order_by(Refund.id)
        )
    }
    views = []
    for shipment in shipments:
        mine = [line for line in lines if line.shipment_id == shipment.id]
        shop = mine[0].artisan_shop_name if mine else ""
        views.append(ShipmentView(shipment, shop, mine))
    return OrderView(order, views, list(events), payment, refunds)


def buyer_orders(user_id: int, page: int = 1) -> tuple[list[Order], bool]:
    """A buyer's orders, newest first, a page at a time; and whether there is a next page."""
    page = max(1, min(int(page or 1), 10_000))
    rows = db.session.scalars(
        sa.select(Order)
        .where(Order.buyer_id == user_id)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return [notice_expiry(order) for order in rows[:PAGE_SIZE]], len(rows) > PAGE_SIZE
