"""Checkout and the buyer's order pages: /checkout, /orders/<number>, /account/orders."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.cart.pricing import price_cart
from marketplace.cart.stores import GuestCart
from marketplace.cart.views import keep, visitor_cart
from marketplace.errors import NotFound, ValidationError
from marketplace.extensions import db, limiter
from marketplace.i18n import current_language
from marketplace.orders import claims, queries, shipping, tracking
from marketplace.orders.checkout import OutOfStock, place_order
from marketplace.orders.forms import (
    CheckoutForm,
    TrackOrderForm,
    province_options,
    regency_optgroups,
)
from marketplace.orders.labels import shipment_status_label
from marketplace.orders.models import Address
from marketplace.orders.services import cancel_order
from marketplace.orders.shipments import courier_label, mark_delivered
from marketplace.orders.tokens import new_idempotency_key
from marketplace.payments import providers
from marketplace.regions.services import region_name
from marketplace.validators import whole_number

bp = Blueprint("orders", __name__)
bp.add_app_template_global(shipment_status_label, "shipment_status_label")


@bp.record_once
def _install(_state) -> None:
    """Guest orders follow a confirmed e-mail into its account (accounts tell us; see claims)."""
    from marketplace.accounts.confirmation import email_confirmed
    from marketplace.accounts.views import LOGIN_HOOKS

    email_confirmed.connect(claims.on_email_confirmed)
    if claims.claim_on_login not in LOGIN_HOOKS:
        LOGIN_HOOKS.append(claims.claim_on_login)


def _saved_addresses() -> list[Address]:
    """The logged-in buyer's saved addresses, newest first (none for guests)."""
    if not current_user.is_authenticated:
        return []
    return list(
        db.session.scalars(
            sa.select(Address)
            .where(Address.user_id == current_user.id)
            .order_by(Address.id.desc())
            .limit(10)
        )
    )


def _prefill(form: CheckoutForm, addresses: list[Address]) -> None:
    """Fill a fresh form from the chosen (or latest) saved address."""
    chosen = request.args.get("address", type=whole_number)
    address = next((a for a in addresses if a.id == chosen), addresses[0] if addresses else None)
    if address is not None:
        for name in ("name", "phone", "street", "village", "regency_code", "province_code"):
            getattr(form, name).data = getattr(address, name)
        form.postal_code.data = address.postal_code
    elif current_user.is_authenticated:
        form.name.data = current_user.name


def _quote(priced, province_code: str | None) -> None:
    """Put each shipment's shipping cost on the priced cart, once a province is known."""
    from marketplace.regions.services import is_province

    if not is_province(province_code):
        return
    quotes = shipping.quote(
        province_code, {g.artisan_id: (g.province_code, g.weight_grams) for g in priced.groups}
    )
    for group in priced.groups:
        group.shipping_idr = quotes[group.artisan_id]


def _page(form, priced, addresses, *, error=None, short=None, status=200):
    """The checkout page with shipping quoted for the chosen province."""
    _quote(priced, form.province_code.data)
    return (
        render_template(
            "orders/checkout.html",
            form=form,
            cart=priced,
            addresses=addresses,
            error=error,
            short=short or [],
            region_name=region_name,
            regency_optgroups=regency_optgroups,
            province_options=province_options,
        ),
        status,
    )


@bp.route("/checkout", methods=["GET", "POST"])
def checkout():
    """Address, shipping per shop, payment method; "Buat pesanan" places the order once.

    A posted order is priced by place_order itself; the view prices the cart only to show it.
    """
    cart = visitor_cart()
    items = cart.items()
    if not items:
        flash(_("Keranjang Anda kosong."), "info")
        return redirect(url_for("cart.view"))
    choices = [(p.name, str(p.label)) for p in providers.enabled()]
    form = CheckoutForm(guest=not current_user.is_authenticated, payment_choices=choices)
    if request.method == "GET":
        priced = price_cart(items)
        if priced.has_problems:
            flash(_("Ada barang di keranjang yang perlu diperbaiki dulu."), "error")
            return redirect(url_for("cart.view"))
        addresses = _saved_addresses()
        form.idempotency_key.data = new_idempotency_key()
        _prefill(form, addresses)
        return _page(form, priced, addresses)
    if not form.idempotency_key.data:
        form.idempotency_key.data = new_idempotency_key()
    if not form.validate_on_submit():
        return _page(form, price_cart(items), _saved_addresses(), status=422)
    if request.form.get("action") == "quote":
        return _page(form, price_cart(items), _saved_addresses())
    try:
        placed = place_order(
            items=items,
            buyer_id=current_user.id if current_user.is_authenticated else None,
            guest_email=None if current_user.is_authenticated else form.email.data,
            address=form.address(),
            idempotency_key=form.idempotency_key.data,
            locale=current_language(),
            payment_method=form.payment_method.data,
            save_address=bool(current_user.is_authenticated and form.save_address.data),
        )
    except OutOfStock as error:
        return _page(
            form,
            price_cart(items),
            _saved_addresses(),
            error=error.message,
            short=error.details["lines"],
            status=409,
        )
    except ValidationError as error:
        field = getattr(form, error.details.get("field") or "", None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, error.message]
        return _page(form, price_cart(items), _saved_addresses(), error=error.message, status=422)
    if isinstance(cart, GuestCart):  # an account's cart was emptied with the order
        cart.clear(list(items))
        keep(cart)
    order = placed.order
    start = providers.get(order.payment_method).start(order)
    if start.redirect_url:
        return redirect(start.redirect_url, 303)
    if placed.created:
        flash(_("Pesanan %(number)s sudah dibuat.", number=order.number), "success")
    return redirect(url_for("orders.detail", number=order.number, token=placed.access_token), 303)


def _viewer_order(number: str):
    """The order if the visitor may see it (their account, or the guest link's token)."""
    token = request.values.get("token")
    user_id = current_user.id if current_user.is_authenticated else None
    try:
        return queries.order_for_viewer(number, user_id=user_id, token=token), token
    except NotFound:
        # A guest link to an order that has since joined its buyer's account: log in to see it.
        if token and user_id is None and queries.link_moved_to_account(number, token):
            abort(redirect(url_for("accounts.login", next=url_for("orders.detail", number=number))))
        raise


@bp.get("/orders/<number>")
def detail(number: str):
    """An order: status, history, shipments with courier and tracking, how to pay."""
    order, token = _viewer_order(number)
    view = queries.order_view(order)
    instructions = None
    if order.status == "pending_payment":
        try:
            instructions = providers.get(order.payment_method).instructions(order)
        except ValidationError:  # a provider that has since been removed
            instructions = None
    response = render_template(
        "orders/detail.html",
        view=view,
        order=order,
        token=token,
        instructions=instructions,
        courier_label=courier_label,
        region_name=region_name,
    )
    # A guest's page is reached through a private link: never keep it in a shared cache.
    return response, 200, {"Cache-Control": "private, no-store"}


@bp.post("/orders/<number>/cancel")
def cancel(number: str):
    """The buyer cancels an order that is still waiting for payment; the stock goes back."""
    order, token = _viewer_order(number)
    cancel_order(
        order.id,
        actor_id=current_user.id if current_user.is_authenticated else None,
        reason=_("Dibatalkan oleh pembeli."),
    )
    flash(_("Pesanan sudah dibatalkan."), "info")
    return redirect(url_for("orders.detail", number=order.number, token=token), 303)


@bp.post("/orders/<number>/shipments/<int:shipment_id>/delivered")
def delivered(number: str, shipment_id: int):
    """The buyer says a parcel arrived; the last one completes the order."""
    order, token = _viewer_order(number)
    view = queries.order_view(order)
    if shipment_id not in {s.shipment.id for s in view.shipments}:
        abort(404)
    mark_delivered(
        shipment_id=shipment_id,
        buyer_id=current_user.id if current_user.is_authenticated else None,
        access_token=token,
    )
    flash(_("Terima kasih! Paket sudah dicatat diterima."), "success")
    return redirect(url_for("orders.detail", number=order.number, token=token), 303)


@bp.route("/orders/track", methods=["GET", "POST"])
@limiter.limit("5 per 15 minutes", methods=["POST"])
def track():
    """Order number and e-mail in, the order's link mailed out; one answer whatever matched."""
    form = TrackOrderForm()
    if form.validate_on_submit():
        tracking.mail_order_link(number=form.number.data, email=form.email.data)
        flash(
            _(
                "Jika nomor pesanan dan e-mail itu cocok dengan sebuah pesanan, kami sudah "
                "mengirim tautan pesanan itu ke e-mail tersebut."
            ),
            "info",
        )
        return redirect(url_for("orders.track"), 303)
    status = 200 if request.method == "GET" else 422
    return render_template("orders/track.html", form=form), status


@bp.get("/account/orders")
@login_required
def mine():
    """The buyer's orders, newest first."""
    page = request.args.get("page", 1, type=whole_number)
    orders, has_next = queries.buyer_orders(current_user.id, page)
    return render_template("orders/list.html", orders=orders, page=max(page, 1), has_next=has_next)


@bp.app_template_global()
def order_status_label(status: str) -> str:
    """The words for an order or shipment state."""
    labels = {
        "pending_payment": _("Menunggu pembayaran"),
        "paid": _("Dibayar"),
        "completed": _("Selesai"),
        "expired": _("Kedaluwarsa"),
        "cancelled": _("Dibatalkan"),
        "refunded": _("Dana dikembalikan"),
        "processing": _("Sedang dikemas"),
        "shipped": _("Dikirim"),
        "delivered": _("Diterima"),
    }
    return labels.get(status, status)
