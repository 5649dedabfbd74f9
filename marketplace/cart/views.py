"""The shopping cart."""

from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("cart", __name__)


@bp.get("/cart")
def view():
    """The cart page; the cart arrives with the checkout work."""
    abort(501)
