"""The e-mails about an order, put in the outbox inside the transaction of the change.

Buyers get them in the language they checked out in (Order.locale); artisans in their account's.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from marketplace.accounts.models import User
from marketplace.artisans.models import Artisan
from marketplace.extensions import db
from marketplace.mail.services import queue_mail
from marketplace.orders.models import Order, OrderLine, Shipment
from marketplace.orders.tokens import access_token_for
from marketplace.regions.services import region_name
from marketplace.urls import site_url_for


def external_url(endpoint: str, **values) -> str:
    """An absolute link for an e-mail, on SITE_URL in a request or not (see site_url_for)."""
    return site_url_for(endpoint, **values)


def order_link(order: Order) -> str:
    """The buyer's link to the order; a guest's carries the private token."""
    if order.buyer_id is None:
        token = access_token_for(order.idempotency_key)
        return external_url("orders.detail", number=order.number, token=token)
    return external_url("orders.detail", number=order.number)


def buyer_email(order: Order) -> str | None:
    """Where the buyer's mail goes: the guest e-mail or the account's."""
    if order.buyer_id is None:
        return order.guest_email
    return db.session.scalar(sa.select(User.email).where(User.id == order.buyer_id))


def _lines(order_id: int, artisan_id: int | None = None) -> list[OrderLine]:
    """The order's lines (of one artisan, if given), in order."""
    query = sa.select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.id)
    if artisan_id is not None:
        query = query.where(OrderLine.artisan_id == artisan_id)
    return list(db.session.scalars(query))


def _to_buyer(order: Order, template: str, kind: str, **context) -> None:
    """Queue a mail to the buyer in the order's language, with the link to the order."""
    email = buyer_email(order)
    if not email:
        return
    queue_mail(
        recipient=email,
        template=template,
        locale=order.locale,
        kind=kind,
        order=order,
        link=order_link(order),
        region_name=region_name,
        **context,
    )


def order_placed(order: Order, lines: list[dict], instructions) -> None:
    """Buyer: the order, what it costs and how to pay it (lines as the values just inserted)."""
    _to_buyer(
        order,
        "order_placed",
        "order_placed",
        lines=lines,
        bank=instructions.context if instructions else None,
    )


def payment_received(order: Order) -> None:
    """Buyer: the payment arrived; the artisans are preparing the parcels."""
    _to_buyer(order, "payment_received", "payment_received", lines=_lines(order.id))


def payment_refunded(order: Order, reason: str) -> None:
    """Buyer: the money goes back."""
    _to_buyer(order, "payment_refunded", "payment_refunded", reason=reason)


def order_cancelled(order: Order, reason: str) -> None:
    """Buyer: the order was cancelled (transfer rejected, or cancelled by the buyer)."""
    _to_buyer(order, "order_cancelled", "order_cancelled", reason=reason)


def order_expired(order: Order) -> None:
    """Buyer: no payment arrived in time; the order lapsed."""
    _to_buyer(order, "order_expired", "order_expired")


def shipment_sent(order: Order, shipment: Shipment, shop_name: str) -> None:
    """Buyer: one artisan's parcel is on its way, with courier and tracking number."""
    _to_buyer(
        order,
        "shipment_sent",
        "shipment_sent",
        shipment=shipment,
        shop_name=shop_name,
        lines=[line for line in _lines(order.id) if line.shipment_id == shipment.id],
    )


def _seller_link(shipment_id: int) -> str:
    """The shipment in the seller centre (when the seller centre is installed)."""
    if "seller.order" in current_app.view_functions:
        return external_url("seller.order", shipment_id=shipment_id)
    return ""


def order_to_ship(order: Order) -> None:
    """Each artisan of a paid order: what to pack and where to send it (never the buyer's
    e-mail). Artisans whose account has no e-mail see it in the seller centre only."""
    rows = db.session.execute(
        sa.select(Shipment, Artisan.shop_name, User.email, User.locale)
        .join(Artisan, Artisan.id == Shipment.artisan_id)
        .join(User, User.id == Artisan.user_id)
        .where(Shipment.order_id == order.id)
        .order_by(Shipment.id)
    ).all()
    for shipment, shop_name, email, locale in rows:
        if not email:
            continue
        queue_mail(
            recipient=email,
            template="order_to_ship",
            locale=locale,
            kind="order_to_ship",
            order=order,
            shipment=shipment,
            shop_name=shop_name,
            lines=_lines(order.id, shipment.artisan_id),
            region_name=region_name,
            link=_seller_link(shipment.id),
        )


def shipment_cancelled(
    order: Order, shipment: Shipment, shop_name: str, reason: str, refund
) -> None:
    """Buyer: one artisan's parcel will not come; why, and that BNN transfers the money back."""
    _to_buyer(
        order,
        "shipment_cancelled",
        "shipment_cancelled",
        shipment=shipment,
        shop_name=shop_name,
        reason=reason,
        amount=refund.amount_idr,
        lines=[line for line in _lines(order.id) if line.shipment_id == shipment.id],
    )


def refund_paid(order: Order, refund) -> None:
    """Buyer: BNN transferred the refund (amount, date, bank reference)."""
    _to_buyer(
        order,
        "refund_paid",
        "refund_paid",
        amount=refund.amount_idr,
        paid_on=refund.paid_on,
        bank_reference=refund.bank_reference,
    )
