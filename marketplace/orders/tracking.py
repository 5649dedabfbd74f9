""" "Track my order": the order's link is mailed to its own address, never shown on the page.

Whoever asks gets the same answer whether or not the number and e-mail match, so the form tells
nobody which orders exist or whose address placed them.
"""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.db import atomic
from marketplace.extensions import db
from marketplace.mail.services import queue_mail
from marketplace.orders import mails
from marketplace.orders.models import Order


def _order_address(order: Order) -> str:
    """The address the order's mail goes to (the guest's, else the account's), lowercased."""
    if order.guest_email:
        return order.guest_email.strip().lower()
    if order.buyer_id is None:
        return ""
    return (db.session.scalar(sa.select(User.email).where(User.id == order.buyer_id)) or "").lower()


def mail_order_link(*, number: str, email: str) -> bool:
    """Mail the order's link to its address when number and e-mail match; else do nothing.

    A guest order's link carries its private token; an order that belongs to an account links
    to the order page behind the login. Returns whether a mail was queued (for tests and logs,
    never for the page).
    """
    number = (number or "").strip().upper()[:24]
    email = (email or "").strip().lower()
    order = db.session.scalar(sa.select(Order).where(Order.number == number))
    if order is None or not email or _order_address(order) != email:
        return False
    with atomic():
        queue_mail(
            recipient=email,
            template="order_link",
            locale=order.locale,
            kind="order_link",
            order=order,
            link=mails.order_link(order),
            in_account=order.buyer_id is not None,
        )
    return True
