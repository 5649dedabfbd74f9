"""Shipments: processing -> shipped (courier, tracking number) -> delivered.

(processing -> cancelled, for a paid order's parcel that will not be sent: cancellations.py.)

mark_shipped is the artisan's (the seller centre calls it); mark_delivered is the buyer's, or
staff in scope. When every shipment of a paid order is delivered, the order is completed.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.accounts.scope import covers
from marketplace.artisans.models import Artisan
from marketplace.db import atomic, now_utc
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.orders import mails
from marketplace.orders.locks import lock_order
from marketplace.orders.models import Order, OrderEvent, OrderStatus, Shipment, ShipmentStatus
from marketplace.orders.tokens import token_matches

# (value stored in Shipment.courier, label shown)
COURIERS = [
    ("JNE", "JNE"),
    ("J&T", "J&T Express"),
    ("SiCepat", "SiCepat"),
    ("Pos Indonesia", "Pos Indonesia"),
    ("AnterAja", "AnterAja"),
    ("other", _l("Lainnya")),
]
COURIER_VALUES = {value for value, _label in COURIERS}
_TRACKING = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./_-]{2,59}$")


def courier_label(value: str) -> str:
    """The label of a stored courier value."""
    return str(dict(COURIERS).get(value, value))


def _shipment(shipment_id: int) -> Shipment:
    """The shipment, freshly read; NotFound if there is none."""
    shipment = db.session.get(Shipment, shipment_id, populate_existing=True)
    if shipment is None:
        raise NotFound(_("Pengiriman tidak ditemukan."))
    return shipment


def mark_shipped(
    *, artisan_id: int, shipment_id: int, courier: str, tracking_number: str
) -> Shipment:
    """The artisan sent their parcel of a paid order: record courier and tracking, tell the buyer.

    NotFound if the shipment is not this artisan's; Conflict if it was already shipped or the
    order is not paid (nothing to ship for an unpaid, cancelled or refunded order).
    """
    tracking = " ".join((tracking_number or "").split())
    if courier not in COURIER_VALUES:
        raise ValidationError(_("Pilih kurir."), field="courier")
    if not _TRACKING.match(tracking):
        raise ValidationError(
            _("Nomor resi 3 sampai 60 karakter: huruf, angka, spasi, titik atau tanda hubung."),
            field="tracking_number",
        )
    shipment = _shipment(shipment_id)
    if shipment.artisan_id != artisan_id:
        raise NotFound(_("Pengiriman tidak ditemukan."))
    now = now_utc()
    with atomic():
        order_paid = (
            sa.select(Order.id)
            .where(Order.id == Shipment.order_id, Order.status == OrderStatus.PAID.value)
            .exists()
        )
        changed = db.session.execute(
            sa.update(Shipment)
            .where(
                Shipment.id == shipment_id,
                Shipment.artisan_id == artisan_id,
                Shipment.status == ShipmentStatus.PROCESSING.value,
                order_paid,
            )
            .values(
                status=ShipmentStatus.SHIPPED.value,
                courier=courier,
                tracking_number=tracking,
                shipped_at=now,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed != 1:
            raise Conflict(_("Paket ini sudah dikirim, atau pesanannya belum/tidak lagi dibayar."))
        db.session.add(
            OrderEvent(
                order_id=shipment.order_id,
                shipment_id=shipment_id,
                at=now,
                from_status=ShipmentStatus.PROCESSING.value,
                to_status=ShipmentStatus.SHIPPED.value,
                note=f"{courier_label(courier)} {tracking}",
            )
        )
        order = db.session.get(Order, shipment.order_id, populate_existing=True)
        shipment = _shipment(shipment_id)
        shop_name = db.session.scalar(
            sa.select(Artisan.shop_name).where(Artisan.id == shipment.artisan_id)
        )
        mails.shipment_sent(order, shipment, shop_name)
    return _shipment(shipment_id)


def _may_confirm(order: Order, shipment: Shipment, buyer_id, staff, access_token) -> bool:
    """The order's buyer (account or private link), or staff whose scope covers the artisan."""
    if buyer_id is not None and order.buyer_id == buyer_id:
        return True
    if access_token and order.buyer_id is None:
        return token_matches(access_token, order.access_token_hash)
    if staff is not None and getattr(staff, "is_staff", False):
        regency = db.session.scalar(
            sa.select(Artisan.regency_code).where(Artisan.id == shipment.artisan_id)
        )
        return covers(staff.staff_scope, regency)
    return False


def mark_delivered(
    *,
    shipment_id: int,
    buyer_id: int | None = None,
    staff=None,
    access_token: str | None = None,
) -> Shipment:
    """shipped -> delivered, by the buyer (or a guest's private link) or staff in scope.

    When it was the order's last undelivered shipment, the paid order becomes completed. The order
    row is locked first so two shipments delivered at once cannot both miss the completion.
    """
    shipment = _shipment(shipment_id)
    order = db.session.get(Order, shipment.order_id)
    if not _may_confirm(order, shipment, buyer_id, staff, access_token):
        raise NotFound(_("Pengiriman tidak ditemukan."))
    actor_id = buyer_id if buyer_id is not None else getattr(staff, "id", None)
    if not _deliver(order.id, shipment_id, actor_id):
        raise Conflict(_("Paket ini belum dikirim atau sudah diterima."))
    return _shipment(shipment_id)


def _deliver(order_id: int, shipment_id: int, actor_id, *conditions) -> bool:
    """shipped -> delivered (if `conditions` hold too), and complete the order if it was the last.

    One transaction; False, with nothing written, when the shipment was not (or no longer)
    shipped. The order row is locked first so two shipments delivered at once cannot both miss
    the completion.
    """
    with atomic():
        lock_order(order_id)
        now = now_utc()
        changed = db.session.execute(
            sa.update(Shipment)
            .where(
                Shipment.id == shipment_id,
                Shipment.status == ShipmentStatus.SHIPPED.value,
                *conditions,
            )
            .values(status=ShipmentStatus.DELIVERED.value, delivered_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed != 1:
            return False
        db.session.add(
            OrderEvent(
                order_id=order_id,
                shipment_id=shipment_id,
                at=now,
                from_status=ShipmentStatus.SHIPPED.value,
                to_status=ShipmentStatus.DELIVERED.value,
                actor_id=actor_id,
            )
        )
        _complete_if_all_delivered(order_id, now, actor_id)
    return True


def complete_overdue(now: datetime | None = None) -> int:
    """Mark delivered every parcel "shipped" AUTO_COMPLETE_DAYS ago or more without a complaint.

    There is no complaint feature yet: a shipment counts as uncontested while its order is still
    `paid` (not refunded, cancelled or otherwise disputed); that condition is part of the
    conditional update, so a refund landing meanwhile wins. Each parcel goes through the same
    path as the buyer's confirmation (_deliver: order lock, update on the old state, completion of
    the order when it was the last parcel), one transaction per parcel. Safe to run twice at once:
    the second run finds the parcel no longer shipped and writes nothing. Returns how many parcels
    this run delivered.
    """
    cutoff = (now or now_utc()) - timedelta(days=current_app.config["AUTO_COMPLETE_DAYS"])
    uncontested = (
        sa.select(Order.id)
        .where(Order.id == Shipment.order_id, Order.status == OrderStatus.PAID.value)
        .exists()
    )
    overdue = sa.and_(
        Shipment.status == ShipmentStatus.SHIPPED.value,
        Shipment.shipped_at <= cutoff,
        uncontested,
    )
    due = db.session.execute(
        sa.select(Shipment.order_id, Shipment.id).where(overdue).order_by(Shipment.id)
    ).all()
    delivered = 0
    for order_id, shipment_id in due:
        if _deliver(order_id, shipment_id, None, Shipment.shipped_at <= cutoff, uncontested):
            delivered += 1
    return delivered


def _complete_if_all_delivered(order_id: int, now, actor_id) -> None:
    """paid -> completed when no shipment of the order is still on its way (cancelled ones
    are not coming)."""
    undelivered = (
        sa.select(Shipment.id)
        .where(
            Shipment.order_id == order_id,
            Shipment.status.not_in(
                [ShipmentStatus.DELIVERED.value, ShipmentStatus.CANCELLED.value]
            ),
        )
        .exists()
    )
    completed = db.session.execute(
        sa.update(Order)
        .where(Order.id == order_id, Order.status == OrderStatus.PAID.value, ~undelivered)
        .values(status=OrderStatus.COMPLETED.value, completed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if completed:
        db.session.add(
            OrderEvent(
                order_id=order_id,
                at=now,
                from_status=OrderStatus.PAID.value,
                to_status=OrderStatus.COMPLETED.value,
                actor_id=actor_id,
            )
        )
