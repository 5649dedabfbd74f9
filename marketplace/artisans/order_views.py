"""Seller centre pages for shipments (/seller/orders) and earnings (/seller/earnings)."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.artisans import integrations, seller_queries
from marketplace.artisans.access import seller_page
from marketplace.artisans.forms import CancelShipmentForm, ShipForm
from marketplace.artisans.view_helpers import show_error
from marketplace.artisans.views import bp
from marketplace.errors import DomainError
from marketplace.payments.payouts import payouts_of

ORDER_TABS = ("todo", "shipped", "delivered", "all")


@bp.get("/orders")
@seller_page()
def orders():
    """The artisan's shipments: what to send first, then what is on its way or arrived."""
    state = request.args.get("state", "todo")
    if state not in ORDER_TABS:
        state = "todo"
    return render_template(
        "seller/orders.html",
        shipments=seller_queries.shipments_of(g.artisan.id, state),
        state=state,
        waiting=seller_queries.waiting_to_ship(g.artisan.id),
    )


@bp.route("/orders/<int:shipment_id>", methods=["GET", "POST"])
@seller_page()
def order(shipment_id: int):
    """One shipment: items, address, state; the form to mark it shipped."""
    shipment = seller_queries.shipment_of(g.artisan.id, shipment_id)
    form = ShipForm(couriers=integrations.couriers())
    status = 200 if request.method == "GET" else 422
    if form.validate_on_submit():
        try:
            integrations.mark_shipped(
                artisan_id=g.artisan.id,
                shipment_id=shipment.id,
                courier=form.courier.data,
                tracking_number=form.tracking_number.data.strip(),
            )
        except DomainError as error:
            if error.status_code == 404:
                raise
            show_error(form, error, "tracking_number")
        else:
            flash(
                _("Pesanan ditandai sudah dikirim. Pembeli sudah kami kabari lewat e-mail."),
                "success",
            )
            return redirect(url_for("seller.order", shipment_id=shipment.id))
    return _order_page(shipment, form, CancelShipmentForm(formdata=None), status)


def _order_page(shipment, form, cancel_form, status: int):
    """The shipment page with its two forms (ship it, or say it cannot be sent)."""
    return (
        render_template("seller/order.html", shipment=shipment, form=form, cancel_form=cancel_form),
        status,
    )


@bp.post("/orders/<int:shipment_id>/cancel")
@seller_page()
def cancel_order(shipment_id: int):
    """The artisan cannot send this paid parcel: cancel it, with the reason for the buyer."""
    shipment = seller_queries.shipment_of(g.artisan.id, shipment_id)
    cancel_form = CancelShipmentForm()
    if cancel_form.validate_on_submit():
        try:
            integrations.cancel_shipment(
                artisan_id=g.artisan.id,
                shipment_id=shipment.id,
                reason=cancel_form.reason.data,
                user_id=current_user.id,
            )
        except DomainError as error:
            if error.status_code == 404:
                raise
            show_error(cancel_form, error, "reason")
        else:
            flash(
                _("Pesanan dibatalkan dan stok dikembalikan. BNN mengembalikan dana pembeli."),
                "success",
            )
            return redirect(url_for("seller.order", shipment_id=shipment.id), 303)
    shipment = seller_queries.shipment_of(g.artisan.id, shipment_id)
    form = ShipForm(formdata=None, couriers=integrations.couriers())
    return _order_page(shipment, form, cancel_form, 422)


@bp.get("/earnings")
@seller_page(verified=False)
def earnings():
    """Balance (pending, available, any debt), the ledger entry of each order, the payouts."""
    return render_template(
        "seller/earnings.html",
        balance=integrations.balance(g.artisan.id),
        hold_days=current_app.config["PAYOUT_HOLD_DAYS"],
        entries=seller_queries.ledger_of(g.artisan.id),
        payouts=payouts_of(g.artisan.id),
    )
