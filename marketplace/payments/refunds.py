"""Refunds BNN owes buyers of bank-transfer orders, and staff recording the transfer back.

A refund is owed when a shipment of a paid bank-transfer order is cancelled
(orders/cancellations.py). BNN sends the money by bank transfer; staff then record the amount,
date and bank reference here. A staff member reaches a refund when the cancelled shipment's
artisan lies in their scope (order_lines.artisan_regency_code, copied at sale); any other refund
is not found. Refund rows are never deleted: owed -> paid is a conditional update.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from marketplace.accounts.scope import scope_filter
from marketplace.audit.services import record as audit
from marketplace.db import atomic, now_utc
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.money import format_idr
from marketplace.orders import mails
from marketplace.orders.models import Order, OrderLine
from marketplace.payments.models import Refund

OWED, PAID = "owed", "paid"


def owe_refund(
    *, order_id: int, shipment_id: int | None, amount_idr: int, reason: str, requested_by_id
) -> Refund:
    """Record that the buyer is owed `amount_idr`; call inside the cancelling transaction."""
    refund = Refund(
        order_id=order_id,
        shipment_id=shipment_id,
        amount_idr=amount_idr,
        reason=(reason or "")[:2000],
        requested_by_id=requested_by_id,
        status=OWED,
    )
    db.session.add(refund)
    db.session.flush()
    return refund


def _lines_of():
    """The order lines a refund is about: its shipment's, or the whole order's."""
    return sa.and_(
        OrderLine.order_id == Refund.order_id,
        sa.or_(Refund.shipment_id.is_(None), OrderLine.shipment_id == Refund.shipment_id),
    )


def _in_scope(scope: str | None):
    """True where a line the refund is about is an artisan's inside the scope."""
    return (
        sa.select(OrderLine.id)
        .where(_lines_of(), scope_filter(scope, OrderLine.artisan_regency_code))
        .exists()
    )


@dataclass
class RefundRow:
    """A refund with what the staff list shows beside it."""

    refund: Refund
    order: Order
    shop_name: str


def refunds_for_staff(*, staff, status: str = OWED, limit: int = 200) -> list[RefundRow]:
    """Refunds in the staff member's scope: owed ones oldest first, paid ones newest first."""
    if not getattr(staff, "is_staff", False):
        return []
    order_by = (
        (Refund.created_at, Refund.id)
        if status == OWED
        else (Refund.recorded_at.desc(), Refund.id.desc())
    )
    rows = db.session.execute(
        sa.select(Refund, Order)
        .join(Order, Order.id == Refund.order_id)
        .where(Refund.status == status, _in_scope(staff.staff_scope))
        .order_by(*order_by)
        .limit(limit)
    ).all()
    return [RefundRow(refund, order, _shop_name(refund)) for refund, order in rows]


def _shop_name(refund: Refund) -> str:
    """The shop whose shipment the refund is for (all the order's shops for a whole order)."""
    names = db.session.scalars(
        sa.select(OrderLine.artisan_shop_name)
        .where(
            OrderLine.order_id == refund.order_id,
            sa.true()
            if refund.shipment_id is None
            else OrderLine.shipment_id == refund.shipment_id,
        )
        .distinct()
        .order_by(OrderLine.artisan_shop_name)
    ).all()
    return ", ".join(names)


def refunds_of_order(order_id: int) -> list[Refund]:
    """Every refund of one order, oldest first (for the buyer's and the staff order pages)."""
    return list(
        db.session.scalars(sa.select(Refund).where(Refund.order_id == order_id).order_by(Refund.id))
    )


def refund_in_scope(*, staff, refund_id: int) -> tuple[Refund, Order, str]:
    """The refund, its order and the regency it is filed under; NotFound outside the scope."""
    if not getattr(staff, "is_staff", False):
        raise NotFound(_("Pengembalian dana tidak ditemukan."))
    row = db.session.execute(
        sa.select(Refund, Order)
        .join(Order, Order.id == Refund.order_id)
        .where(Refund.id == refund_id, _in_scope(staff.staff_scope))
    ).first()
    if row is None:
        raise NotFound(_("Pengembalian dana tidak ditemukan."))
    refund, order = row
    regency = db.session.scalar(
        sa.select(OrderLine.artisan_regency_code)
        .where(
            OrderLine.order_id == order.id,
            sa.true()
            if refund.shipment_id is None
            else OrderLine.shipment_id == refund.shipment_id,
            scope_filter(staff.staff_scope, OrderLine.artisan_regency_code),
        )
        .order_by(OrderLine.id)
        .limit(1)
    )
    return refund, order, regency


def record_refund_paid(
    *, staff, refund_id: int, amount_idr, paid_on, bank_reference: str
) -> Refund:
    """BNN transferred the refund: record amount, date and bank reference, once; audited and
    the buyer mailed.

    The amount must be exactly what is owed (whole Rupiah) and the date neither in the future nor
    before the refund was owed. owed -> paid is a conditional update, so two staff recording at
    once record it once (the other gets Conflict). Raises NotFound outside the scope,
    ValidationError for bad input (nothing changes), Conflict when it was already recorded.
    """
    refund, order, regency = refund_in_scope(staff=staff, refund_id=refund_id)
    reference = " ".join((bank_reference or "").split())
    if not isinstance(amount_idr, int) or isinstance(amount_idr, bool) or amount_idr <= 0:
        raise ValidationError(_("Isi jumlah transfer dalam Rupiah."), field="amount")
    if amount_idr != refund.amount_idr:
        raise ValidationError(
            _(
                "Jumlah harus sama dengan dana yang dikembalikan: %(amount)s.",
                amount=format_idr(refund.amount_idr),
            ),
            field="amount",
        )
    zone = ZoneInfo(current_app.config["REPORT_TIMEZONE"])
    owed_on = refund.created_at.astimezone(zone).date()
    today = now_utc().astimezone(zone).date()
    if not isinstance(paid_on, date) or paid_on > today:
        raise ValidationError(_("Tanggal transfer tidak boleh di masa depan."), field="paid_on")
    if paid_on < owed_on:
        raise ValidationError(
            _("Tanggal transfer tidak boleh sebelum pesanan dibatalkan."), field="paid_on"
        )
    if not reference or len(reference) > 80:
        raise ValidationError(
            _("Isi nomor referensi bank (maksimal 80 karakter)."), field="bank_reference"
        )
    with atomic():
        changed = db.session.execute(
            sa.update(Refund)
            .where(Refund.id == refund.id, Refund.status == OWED)
            .values(
                status=PAID,
                paid_on=paid_on,
                bank_reference=reference,
                recorded_by_id=staff.id,
                recorded_at=now_utc(),
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed != 1:
            raise Conflict(_("Transfer pengembalian dana ini sudah dicatat."))
        audit(
            actor_id=staff.id,
            action="refund_paid",
            subject_type="order",
            subject_id=order.id,
            regency_code=regency,
            reason=f"{format_idr(amount_idr)} · {reference}",
        )
        refund = db.session.get(Refund, refund.id, populate_existing=True)
        mails.refund_paid(db.session.get(Order, order.id), refund)
    return db.session.get(Refund, refund.id, populate_existing=True)
