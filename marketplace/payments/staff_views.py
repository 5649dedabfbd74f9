"""BNN staff pages about money: bank transfers to confirm, payouts, flagged payments."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff_payments", __name__, url_prefix="/dashboard/payments")
