"""Where a cart lives: the guest's session dict, or cart_items rows of a logged-in buyer."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.cart.models import CartItem
from marketplace.db import atomic, now_utc
from marketplace.extensions import db


class Cart(Protocol):
    """What the cart use cases need from a cart."""

    def items(self) -> dict[int, int]:
        """{product_id: quantity}."""

    def set(self, product_id: int, quantity: int) -> None:
        """Put exactly `quantity` of a product in the cart."""

    def remove(self, product_id: int) -> None:
        """Take a product out."""

    def clear(self, product_ids: list[int] | None = None) -> None:
        """Empty the cart, or take those products out."""

    def transaction(self) -> AbstractContextManager:
        """The transaction a change runs in (none for a session cart)."""


class GuestCart:
    """A guest's cart: {"<product id>": quantity}, a plain dict the view stores in the session."""

    def __init__(self, data: dict | None = None):
        """Wrap a copy of the session's dict; junk entries (tampered cookies) are dropped."""
        self.data: dict[str, int] = {}
        for key, value in (data or {}).items():
            if str(key).isdigit() and type(value) is int and 0 < value < 1000:
                self.data[str(int(key))] = value

    def items(self) -> dict[int, int]:
        """{product_id: quantity}."""
        return {int(key): value for key, value in self.data.items()}

    def set(self, product_id: int, quantity: int) -> None:
        """Put exactly `quantity` of a product in the cart."""
        self.data[str(product_id)] = quantity

    def remove(self, product_id: int) -> None:
        """Take a product out."""
        self.data.pop(str(product_id), None)

    def clear(self, product_ids: list[int] | None = None) -> None:
        """Empty the cart, or take those products out."""
        if product_ids is None:
            self.data.clear()
        for pid in product_ids or []:
            self.remove(pid)

    def transaction(self) -> AbstractContextManager:
        """A session cart needs no database transaction (and so takes no write lock)."""
        return nullcontext()


class UserCart:
    """A logged-in buyer's cart in cart_items (one row per product, unique)."""

    def __init__(self, user_id: int):
        """The cart of this user."""
        self.user_id = user_id

    def items(self) -> dict[int, int]:
        """{product_id: quantity}."""
        rows = db.session.execute(
            sa.select(CartItem.product_id, CartItem.quantity).where(
                CartItem.user_id == self.user_id
            )
        ).all()
        return dict(rows)

    def set(self, product_id: int, quantity: int) -> None:
        """Insert or update the line in one statement, so two tabs never make two lines."""
        dialect = db.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(CartItem).values(
            user_id=self.user_id, product_id=product_id, quantity=quantity, added_at=now_utc()
        )
        db.session.execute(
            statement.on_conflict_do_update(
                index_elements=["user_id", "product_id"], set_={"quantity": quantity}
            )
        )

    def remove(self, product_id: int) -> None:
        """Take a product out."""
        db.session.execute(
            sa.delete(CartItem).where(
                CartItem.user_id == self.user_id, CartItem.product_id == product_id
            )
        )

    def clear(self, product_ids: list[int] | None = None) -> None:
        """Empty the cart, or take those products out."""
        statement = sa.delete(CartItem).where(CartItem.user_id == self.user_id)
        if product_ids is not None:
            statement = statement.where(CartItem.product_id.in_(product_ids))
        db.session.execute(statement)

    def transaction(self) -> AbstractContextManager:
        """Changes to cart_items run in one transaction."""
        return atomic()


def item_count_for_user(user_id: int) -> int:
    """Units in a logged-in buyer's cart (one indexed query, for the header)."""
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(CartItem.quantity), 0)).where(
            CartItem.user_id == user_id
        )
    )
    return int(total or 0)
