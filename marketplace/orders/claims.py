"""Guest orders join the account of their e-mail once that account has confirmed the address.

Accounts sit below orders, so accounts announce a confirmation (the `email_confirmed` signal,
inside the confirming transaction) and log-ins (LOGIN_HOOKS), and this module listens. Only a
confirmed address claims orders: an unconfirmed one could be anybody's typing.
"""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.db import atomic
from marketplace.extensions import db
from marketplace.orders.models import Order


def _unclaimed(email: str):
    """Guest orders of this address (compared case-insensitively) that no account holds yet."""
    return sa.and_(
        Order.buyer_id.is_(None),
        sa.func.lower(Order.guest_email) == (email or "").strip().lower(),
    )


def claim_guest_orders(*, user_id: int, email: str) -> int:
    """Attach the address's guest orders to the account (inside the caller's transaction).

    The conditional `buyer_id IS NULL` makes a repeat, or a race with another claim, harmless.
    Returns how many orders were attached.
    """
    if not email:
        return 0
    return db.session.execute(
        sa.update(Order)
        .where(_unclaimed(email))
        .values(buyer_id=user_id)
        .execution_options(synchronize_session=False)
    ).rowcount


def on_email_confirmed(_sender, *, user_id: int, email: str, **_extra) -> None:
    """Receiver of accounts' `email_confirmed`: claim in the confirming transaction."""
    claim_guest_orders(user_id=user_id, email=email)


def claim_on_login(user, _kept: dict) -> None:
    """Login hook: a confirmed account also gets guest orders placed since it was confirmed."""
    if user.email_confirmed_at is None or not user.email:
        return
    waiting = db.session.scalar(sa.select(sa.exists().where(_unclaimed(user.email))))
    if waiting:
        with atomic():
            claim_guest_orders(user_id=user.id, email=user.email)
