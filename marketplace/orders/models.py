"""Orders, their shipments (one per artisan) and lines (copied at the moment of sale)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base, now_utc


class OrderStatus(enum.StrEnum):
    """Order states.

    pending_payment -> paid -> completed; pending_payment -> expired | cancelled; paid -> refunded.
    """

    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    COMPLETED = "completed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class ShipmentStatus(enum.StrEnum):
    """processing -> shipped -> delivered; processing -> cancelled (a paid order's parcel that
    will not be sent: the artisan cannot fulfil it, staff cancel it, or the order is refunded)."""

    PROCESSING = "processing"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class Order(Base):
    """What a buyer bought in one checkout. Never deleted: it changes state."""

    __tablename__ = "orders"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('pending_payment', 'paid', 'completed', 'expired', 'cancelled', "
            "'refunded')",
            name="status_known",
        ),
        sa.CheckConstraint("total_idr = subtotal_idr + shipping_idr", name="total_adds_up"),
        sa.CheckConstraint("subtotal_idr >= 0 AND shipping_idr >= 0", name="amounts_not_negative"),
        sa.Index("ix_orders_status_expires_at", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(24), unique=True)
    buyer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    guest_email: Mapped[str | None] = mapped_column(sa.String(254))
    # Only the hash of a guest's private order link is stored.
    access_token_hash: Mapped[str | None] = mapped_column(sa.String(64))
    idempotency_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    status: Mapped[str] = mapped_column(sa.String(20), default=OrderStatus.PENDING_PAYMENT.value)
    locale: Mapped[str] = mapped_column(sa.String(5), default="id")
    payment_method: Mapped[str] = mapped_column(sa.String(20), default="manual_transfer")
    subtotal_idr: Mapped[int] = mapped_column(sa.BigInteger)
    shipping_idr: Mapped[int] = mapped_column(sa.BigInteger)
    total_idr: Mapped[int] = mapped_column(sa.BigInteger)
    ship_name: Mapped[str] = mapped_column(sa.String(120))
    ship_phone: Mapped[str] = mapped_column(sa.String(20))
    ship_street: Mapped[str] = mapped_column(sa.String(300))
    ship_village: Mapped[str] = mapped_column(sa.String(120), default="")
    ship_regency_code: Mapped[str] = mapped_column(sa.ForeignKey("regencies.code"))
    ship_province_code: Mapped[str] = mapped_column(sa.ForeignKey("provinces.code"), index=True)
    ship_postal_code: Mapped[str] = mapped_column(sa.String(5))
    created_at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    expires_at: Mapped[datetime]
    paid_at: Mapped[datetime | None] = mapped_column(index=True)
    completed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    expired_at: Mapped[datetime | None]
    refunded_at: Mapped[datetime | None]
    # Set once, by the conditional update that gives the stock back (expiry, cancel, refund).
    stock_released_at: Mapped[datetime | None]

    shipments: Mapped[list[Shipment]] = relationship(
        back_populates="order", order_by="Shipment.id", lazy="raise"
    )
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.id", lazy="raise"
    )


class Shipment(Base):
    """The part of an order one artisan ships."""

    __tablename__ = "shipments"
    __table_args__ = (
        sa.UniqueConstraint("order_id", "artisan_id", name="uq_shipments_order_artisan"),
        sa.CheckConstraint(
            "status IN ('processing', 'shipped', 'delivered', 'cancelled')", name="status_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    artisan_id: Mapped[int] = mapped_column(sa.ForeignKey("artisans.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default=ShipmentStatus.PROCESSING.value)
    subtotal_idr: Mapped[int] = mapped_column(sa.BigInteger)
    shipping_idr: Mapped[int] = mapped_column(sa.BigInteger)
    weight_grams: Mapped[int]
    courier: Mapped[str] = mapped_column(sa.String(40), default="")
    tracking_number: Mapped[str] = mapped_column(sa.String(60), default="")
    shipped_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    order: Mapped[Order] = relationship(back_populates="shipments", lazy="raise")
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="shipment", order_by="OrderLine.id", lazy="raise"
    )


class OrderLine(Base):
    """A product sold, with what reports need copied at the moment of sale.

    Title, price, artisan, the artisan's regency and province and the category are copied so that
    reports never join to current, mutable data to say where a past sale came from.
    """

    __tablename__ = "order_lines"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("line_total_idr = unit_price_idr * quantity", name="total_adds_up"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"), index=True)
    artisan_id: Mapped[int] = mapped_column(sa.ForeignKey("artisans.id"), index=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"))
    title: Mapped[str] = mapped_column(sa.String(120))
    artisan_shop_name: Mapped[str] = mapped_column(sa.String(80))
    artisan_regency_code: Mapped[str] = mapped_column(sa.String(5), index=True)
    artisan_province_code: Mapped[str] = mapped_column(sa.String(2), index=True)
    unit_price_idr: Mapped[int] = mapped_column(sa.BigInteger)
    quantity: Mapped[int]
    line_total_idr: Mapped[int] = mapped_column(sa.BigInteger)

    order: Mapped[Order] = relationship(back_populates="lines", lazy="raise")
    shipment: Mapped[Shipment] = relationship(back_populates="lines", lazy="raise")


class OrderEvent(Base):
    """The status history shown to the buyer and staff."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    shipment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shipments.id"))
    at: Mapped[datetime] = mapped_column(default=now_utc)
    from_status: Mapped[str] = mapped_column(sa.String(20), default="")
    to_status: Mapped[str] = mapped_column(sa.String(20))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")


class Address(Base):
    """A saved shipping address of a logged-in buyer."""

    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    phone: Mapped[str] = mapped_column(sa.String(20))
    street: Mapped[str] = mapped_column(sa.String(300))
    village: Mapped[str] = mapped_column(sa.String(120), default="")
    regency_code: Mapped[str] = mapped_column(sa.ForeignKey("regencies.code"))
    province_code: Mapped[str] = mapped_column(sa.ForeignKey("provinces.code"))
    postal_code: Mapped[str] = mapped_column(sa.String(5))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)


class ShippingRate(Base):
    """Shipping price from one province to another: the first kilogram, then each started kg."""

    __tablename__ = "shipping_rates"
    __table_args__ = (
        sa.CheckConstraint("first_kg_idr >= 0 AND next_kg_idr >= 0", name="not_negative"),
    )

    origin_province_code: Mapped[str] = mapped_column(
        sa.ForeignKey("provinces.code"), primary_key=True
    )
    destination_province_code: Mapped[str] = mapped_column(
        sa.ForeignKey("provinces.code"), primary_key=True
    )
    first_kg_idr: Mapped[int] = mapped_column(sa.BigInteger)
    next_kg_idr: Mapped[int] = mapped_column(sa.BigInteger)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)
