"""BNN staff pages about artisans: the verification queue and decisions (/dashboard/artisans)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff_artisans", __name__, url_prefix="/dashboard/artisans")
