"""What the seller centre shows an artisan about their sales, shipments and earnings.

Read-only queries, always filtered by the artisan's own id. Shipments are handed to templates as
plain records holding only what the artisan needs to pack and send: the buyer's e-mail and other
artisans' lines of the same order never leave this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from marketplace.catalog.models import Product, ProductStatus
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.orders.models import Order, OrderLine, OrderStatus, Shipment, ShipmentStatus
from marketplace.payments.models import LedgerEntry

SOLD = (OrderStatus.PAID.value, OrderStatus.COMPLETED.value)
VISIBLE_TO_SELLER = (*SOLD, OrderStatus.REFUNDED.value)
LOW_STOCK = 3


def month_starts(now: datetime | None = None) -> tuple[datetime, datetime, datetime]:
    """Starts of last month, this month and next month (REPORT_TIMEZONE), in UTC."""
    zone = ZoneInfo(current_app.config["REPORT_TIMEZONE"])
    local = (now or datetime.now(UTC)).astimezone(zone)
    this = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    last = (this.replace(year=this.year - 1, month=12) if this.month == 1
            else this.replace(month=this.month - 1))  # fmt: skip
    following = (this.replace(year=this.year + 1, month=1) if this.month == 12
                 else this.replace(month=this.month + 1))  # fmt: skip
    return tuple(moment.astimezone(UTC) for moment in (last, this, following))


def _not_cancelled():
    """The line's shipment was not cancelled (a cancelled parcel is no sale)."""
    cancelled = sa.select(Shipment.id).where(
        Shipment.id == OrderLine.shipment_id, Shipment.status == ShipmentStatus.CANCELLED.value
    )
    return ~cancelled.exists()


@dataclass(frozen=True)
class Sales:
    """Money and units sold in a period."""

    amount_idr: int
    items: int


def sales_between(artisan_id: int, start: datetime, end: datetime) -> Sales:
    """The artisan's sales in orders paid in [start, end) and not refunded."""
    amount, items = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(OrderLine.line_total_idr), 0),
            sa.func.coalesce(sa.func.sum(OrderLine.quantity), 0),
        )
        .join(Order, Order.id == OrderLine.order_id)
        .where(
            OrderLine.artisan_id == artisan_id,
            Order.status.in_(SOLD),
            _not_cancelled(),
            Order.paid_at >= start,
            Order.paid_at < end,
        )
    ).one()
    return Sales(int(amount), int(items))


def best_products(artisan_id: int, limit: int = 5) -> list[tuple[str, int, int]]:
    """(title, units, Rupiah) of the artisan's best sellers over all their sales."""
    rows = db.session.execute(
        sa.select(
            sa.func.max(OrderLine.title),
            sa.func.sum(OrderLine.quantity).label("units"),
            sa.func.sum(OrderLine.line_total_idr),
        )
        .join(Order, Order.id == OrderLine.order_id)
        .where(OrderLine.artisan_id == artisan_id, Order.status.in_(SOLD), _not_cancelled())
        .group_by(OrderLine.product_id)
        .order_by(sa.desc("units"), OrderLine.product_id)
        .limit(limit)
    ).all()
    return [(title, int(units), int(total)) for title, units, total in rows]


def waiting_to_ship(artisan_id: int) -> int:
    """Paid shipments of the artisan not yet handed to a courier."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Shipment)
        .join(Order, Order.id == Shipment.order_id)
        .where(
            Shipment.artisan_id == artisan_id,
            Shipment.status == ShipmentStatus.PROCESSING.value,
            Order.status == OrderStatus.PAID.value,
        )
    )


def low_stock(artisan_id: int, threshold: int = LOW_STOCK) -> list[Product]:
    """The artisan's products on sale with `threshold` units or fewer left, fewest first."""
    return list(
        db.session.scalars(
            sa.select(Product)
            .where(
                Product.artisan_id == artisan_id,
                Product.status == ProductStatus.ACTIVE.value,
                Product.stock <= threshold,
            )
            .order_by(Product.stock, Product.id)
        )
    )


@dataclass(frozen=True)
class ShipmentLine:
    """One item to pack."""

    title: str
    quantity: int
    unit_price_idr: int
    line_total_idr: int


@dataclass(frozen=True)
class SellerShipment:
    """A shipment as the artisan sees it: no buyer e-mail, no other artisan's lines."""

    id: int
    order_number: str
    order_status: str
    payment_method: str
    paid_at: datetime | None
    status: str
    subtotal_idr: int
    shipping_idr: int
    weight_grams: int
    courier: str
    tracking_number: str
    shipped_at: datetime | None
    ship_name: str
    ship_phone: str
    ship_street: str
    ship_village: str
    ship_regency_code: str
    ship_province_code: str
    ship_postal_code: str
    lines: tuple[ShipmentLine, ...]

    @property
    def can_ship(self) -> bool:
        """True while the order is paid and the parcel has not gone out."""
        return self.order_status == OrderStatus.PAID and self.status == ShipmentStatus.PROCESSING

    @property
    def can_cancel(self) -> bool:
        """True while it could still be shipped and the buyer paid by bank transfer (card
        payments go back through Stripe, by staff)."""
        return self.can_ship and self.payment_method == "manual_transfer"


FILTERS = {
    "todo": (Shipment.status == ShipmentStatus.PROCESSING.value, Order.status == "paid"),
    "shipped": (Shipment.status == ShipmentStatus.SHIPPED.value,),
    "delivered": (Shipment.status == ShipmentStatus.DELIVERED.value,),
    "all": (),
}


def shipments_of(artisan_id: int, state: str = "todo", limit: int = 100) -> list[SellerShipment]:
    """The artisan's shipments of paid (or since completed/refunded) orders, newest first."""
    query = (
        sa.select(Shipment, Order)
        .join(Order, Order.id == Shipment.order_id)
        .where(Shipment.artisan_id == artisan_id, Order.status.in_(VISIBLE_TO_SELLER))
        .where(*FILTERS.get(state, ()))
        .order_by(Order.paid_at.desc(), Shipment.id.desc())
        .limit(limit)
    )
    return _records(db.session.execute(query).all())


def shipment_of(artisan_id: int, shipment_id: int) -> SellerShipment:
    """One of the artisan's shipments; NotFound for another artisan's or an unpaid order's."""
    rows = db.session.execute(
        sa.select(Shipment, Order)
        .join(Order, Order.id == Shipment.order_id)
        .where(
            Shipment.id == shipment_id,
            Shipment.artisan_id == artisan_id,
            Order.status.in_(VISIBLE_TO_SELLER),
        )
    ).all()
    if not rows:
        raise NotFound(_("Pesanan tidak ditemukan."))
    return _records(rows)[0]


def _records(rows) -> list[SellerShipment]:
    """SellerShipment records for (Shipment, Order) rows, with their lines in one query."""
    ids = [shipment.id for shipment, _order in rows]
    lines: dict[int, list[ShipmentLine]] = {shipment_id: [] for shipment_id in ids}
    if ids:
        for line in db.session.scalars(
            sa.select(OrderLine).where(OrderLine.shipment_id.in_(ids)).order_by(OrderLine.id)
        ):
            lines[line.shipment_id].append(
                ShipmentLine(line.title, line.quantity, line.unit_price_idr, line.line_total_idr)
            )
    return [
        SellerShipment(
            id=shipment.id,
            order_number=order.number,
            order_status=order.status,
            payment_method=order.payment_method,
            paid_at=order.paid_at,
            status=shipment.status,
            subtotal_idr=shipment.subtotal_idr,
            shipping_idr=shipment.shipping_idr,
            weight_grams=shipment.weight_grams,
            courier=shipment.courier,
            tracking_number=shipment.tracking_number,
            shipped_at=shipment.shipped_at,
            ship_name=order.ship_name,
            ship_phone=order.ship_phone,
            ship_street=order.ship_street,
            ship_village=order.ship_village,
            ship_regency_code=order.ship_regency_code,
            ship_province_code=order.ship_province_code,
            ship_postal_code=order.ship_postal_code,
            lines=tuple(lines[shipment.id]),
        )
        for shipment, order in rows
    ]


def ledger_of(artisan_id: int, limit: int = 200) -> list[tuple[LedgerEntry, str | None]]:
    """The artisan's ledger entries, newest first, each with its order number (if any)."""
    rows = db.session.execute(
        sa.select(LedgerEntry, Order.number)
        .outerjoin(Order, Order.id == LedgerEntry.order_id)
        .where(LedgerEntry.artisan_id == artisan_id)
        .order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc())
        .limit(limit)
    ).all()
    return [(entry, number) for entry, number in rows]
