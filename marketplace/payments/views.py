"""Payment pages and provider webhooks."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("payments", __name__, url_prefix="/payments")
