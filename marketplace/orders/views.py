"""Checkout and the buyer's order pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("orders", __name__)
