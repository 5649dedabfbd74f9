"""Carts of logged-in buyers (guests keep theirs in the session cookie)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, now_utc


class CartItem(Base):
    """One product in a buyer's cart; a product is never on two lines of the same cart."""

    __tablename__ = "cart_items"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "product_id", name="uq_cart_items_user_product"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    quantity: Mapped[int]
    added_at: Mapped[datetime] = mapped_column(default=now_utc)
