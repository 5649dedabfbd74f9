"""The shopping cart pages: GET /cart, POST /cart/add, /cart/update, /cart/remove."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.cart import services
from marketplace.cart.pricing import price_cart
from marketplace.cart.stores import GuestCart, UserCart, item_count_for_user
from marketplace.errors import ValidationError
from marketplace.regions.services import region_name
from marketplace.urls import safe_next

bp = Blueprint("cart", __name__)


def visitor_cart():
    """The cart of whoever is asking: the account's, or the guest session's."""
    if current_user.is_authenticated:
        return UserCart(current_user.id)
    return GuestCart(session.get("cart"))


def keep(cart) -> None:
    """Store a guest cart back in the session (an account's cart is already in the database)."""
    if isinstance(cart, GuestCart):
        if cart.data:
            session["cart"] = cart.data
        else:
            session.pop("cart", None)


def visitor_item_count() -> int:
    """Units in the visitor's cart, for the header badge (no query for guests)."""
    if not has_request_context() or current_user is None:
        return 0  # e-mails rendered by commands have no visitor
    if current_user.is_authenticated:
        return item_count_for_user(current_user.id)
    return sum(GuestCart(session.get("cart")).items().values())


def merge_on_login(user, kept: dict) -> None:
    """Login hook: the guest cart joins the account's cart (quantities added, capped by stock)."""
    items = GuestCart(kept.get("cart")).items()
    if items:
        services.merge_guest_cart(user_id=user.id, guest_items=items)


@bp.record_once
def _install(state) -> None:
    """Hook the cart into login and into the header's item count."""
    from marketplace.accounts.views import LOGIN_HOOKS

    if merge_on_login not in LOGIN_HOOKS:
        LOGIN_HOOKS.append(merge_on_login)
    state.app.extensions["cart_count"] = visitor_item_count


def render_cart(error: str | None = None, status: int = 200):
    """The cart page, optionally with the message of a refused change."""
    priced = price_cart(visitor_cart().items())
    return (
        render_template("cart/view.html", cart=priced, error=error, region_name=region_name),
        status,
    )


@bp.get("/cart")
def view():
    """The cart: lines per artisan, subtotals and the total; prices read from the database."""
    return render_cart()


@bp.post("/cart/add")
def add():
    """Add a product (from a product page); a refused quantity changes nothing and says why."""
    cart = visitor_cart()
    try:
        services.add_to_cart(
            cart,
            product_id=request.form.get("product_id"),
            quantity=request.form.get("quantity", "1"),
        )
    except ValidationError as error:
        return render_cart(error.message, 422)
    keep(cart)
    flash(_("Barang sudah masuk keranjang."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("cart.view")), 303)


@bp.post("/cart/update")
def update():
    """Change the quantity of a line."""
    cart = visitor_cart()
    try:
        services.update_quantity(
            cart, product_id=request.form.get("product_id"), quantity=request.form.get("quantity")
        )
    except ValidationError as error:
        return render_cart(error.message, 422)
    keep(cart)
    flash(_("Jumlah sudah diubah."), "success")
    return redirect(url_for("cart.view"), 303)


@bp.post("/cart/remove")
def remove():
    """Take a line out of the cart."""
    cart = visitor_cart()
    try:
        services.remove_from_cart(cart, product_id=request.form.get("product_id"))
    except ValidationError as error:
        return render_cart(error.message, 422)
    keep(cart)
    flash(_("Barang sudah dihapus dari keranjang."), "success")
    return redirect(url_for("cart.view"), 303)
