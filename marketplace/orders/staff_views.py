"""BNN staff pages about orders and shipping rates (/dashboard/orders)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff_orders", __name__, url_prefix="/dashboard/orders")
