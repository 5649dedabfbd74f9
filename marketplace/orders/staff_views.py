"""BNN staff pages about orders: the shipping rate table (/dashboard/orders/shipping-rates)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.accounts.permissions import admin_required
from marketplace.errors import ValidationError
from marketplace.money import MoneyError, parse_idr
from marketplace.orders import shipping
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
