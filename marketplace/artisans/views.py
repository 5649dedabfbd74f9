"""The seller centre (/seller) for artisans."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("seller", __name__, url_prefix="/seller")
