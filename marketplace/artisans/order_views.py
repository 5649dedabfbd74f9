"""Seller centre pages for shipments (/seller/orders) and earnings (/seller/earnings)."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from marketplace.artisans import integrations, seller_queries
from marketplace.artisans.access import seller_page
from marketplace.artisans.forms import ShipForm
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
    return render_template("seller/order.html", shipment=shipment, form=form), status


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
