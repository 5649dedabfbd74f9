"""BNN staff pages about orders: the shipping rate table (/dashboard/orders/shipping-rates) and
one order (/dashboard/orders/<number>): its shipments, cancelling unsent ones, refunds owed."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.accounts.permissions import admin_required, staff_required
from marketplace.errors import DomainError, ValidationError
from marketplace.money import MoneyError, parse_idr
from marketplace.orders import cancellations, queries, shipping
from marketplace.orders.shipments import courier_label
from marketplace.regions import services as regions

bp = Blueprint("staff_orders", __name__, url_prefix="/dashboard/orders")


def _origin() -> str:
    """The origin province asked for, Jawa Barat when none or an unknown one."""
    origin = request.values.get("origin", "")
    return origin if regions.is_province(origin) else "32"


@bp.get("/shipping-rates")
@admin_required
def shipping_rates():
    """The rates from one origin province to every destination, editable by admins."""
    origin = _origin()
    return render_template(
        "orders/shipping_rates.html",
        origin=origin,
        provinces=regions.provinces(),
        rows=shipping.rates_from(origin),
        errors={},
        values={},
    )


@bp.post("/shipping-rates")
@admin_required
def save_shipping_rates():
    """Save the edited rates of one origin; a bad amount shows its row and saves nothing."""
    origin = _origin()
    rates, errors = {}, {}
    for code, _name in regions.provinces():
        raw_first = request.form.get(f"first_{code}")
        raw_next = request.form.get(f"next_{code}")
        if raw_first is None and raw_next is None:
            continue
        try:
            rates[code] = (parse_idr(raw_first or ""), parse_idr(raw_next or ""))
        except MoneyError:
            errors[code] = _("Tulis angka Rupiah tanpa desimal, misalnya 15000 atau 15.000.")
    if not errors:
        try:
            changed = shipping.update_rates(admin_id=current_user.id, origin=origin, rates=rates)
        except ValidationError as error:
            errors[error.details.get("field") or origin] = error.message
        else:
            flash(_("%(n)d tarif disimpan.", n=changed), "success")
            return redirect(url_for("staff_orders.shipping_rates", origin=origin), 303)
    return (
        render_template(
            "orders/shipping_rates.html",
            origin=origin,
            provinces=regions.provinces(),
            rows=shipping.rates_from(origin),
            errors=errors,
            values=request.form,
        ),
        422,
    )


def _order_page(number: str, *, errors: dict | None = None, status: int = 200):
    """The staff page of one order in the scope (404 outside it)."""
    order, _shipments, in_scope = cancellations.staff_order(staff=current_user, number=number)
    view = queries.order_view(order)
    cancellable = {
        item.shipment.id
        for item in view.shipments
        if item.shipment.id in in_scope
        and item.shipment.status == "processing"
        and order.status == "paid"
        and order.payment_method == cancellations.CANCELLABLE_PAYMENT
    }
    whole_order = (
        len(in_scope) == len(view.shipments)
        and cancellable
        and all(item.shipment.status in ("processing", "cancelled") for item in view.shipments)
    )
    return (
        render_template(
            "orders/staff_order.html",
            order=order,
            view=view,
            in_scope=in_scope,
            cancellable=cancellable,
            whole_order=whole_order,
            refunds=view.refunds,
            errors=errors or {},
            courier_label=courier_label,
            region_name=regions.region_name,
        ),
        status,
    )


@bp.get("/<number>")
@staff_required
def order(number: str):
    """An order touching the viewer's scope: shipments, refunds, cancel buttons."""
    return _order_page(number)


def _cancelled(number: str, cancel) -> object:
    """Run a cancellation; back to the page, or the page again with the reason's error."""
    try:
        cancel(request.form.get("reason", "")[:1000])
    except DomainError as error:
        if error.status_code == 404:
            raise
        if error.details.get("field") == "reason":
            key = request.view_args.get("shipment_id", "order")
            return _order_page(number, errors={key: error.message}, status=422)
        flash(error.message, "error")
    else:
        flash(_("Dibatalkan. Pembeli sudah kami kabari; catat transfer pengembalian dananya "
                "setelah dikirim."), "success")  # fmt: skip
    return redirect(url_for("staff_orders.order", number=number), 303)


@bp.post("/<number>/shipments/<int:shipment_id>/cancel")
@staff_required
def cancel_shipment(number: str, shipment_id: int):
    """Cancel one unsent parcel of a paid bank-transfer order (artisan in the scope)."""
    _order, _shipments, in_scope = cancellations.staff_order(staff=current_user, number=number)
    if shipment_id not in in_scope:
        abort(404)
    return _cancelled(
        number,
        lambda reason: cancellations.cancel_by_staff(
            staff=current_user, shipment_id=shipment_id, reason=reason
        ),
    )


@bp.post("/<number>/cancel")
@staff_required
def cancel_order(number: str):
    """Cancel every parcel of a paid bank-transfer order none of which has gone out."""
    order, _shipments, _in_scope = cancellations.staff_order(staff=current_user, number=number)
    return _cancelled(
        number,
        lambda reason: cancellations.cancel_order_by_staff(
            staff=current_user, order_id=order.id, reason=reason
        ),
    )
