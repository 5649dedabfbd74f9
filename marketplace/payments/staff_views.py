"""BNN staff pages about money: bank transfers to confirm (/dashboard/payments/transfers)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.accounts.permissions import staff_required
from marketplace.errors import ValidationError
from marketplace.payments import services
from marketplace.regions.services import region_name

bp = Blueprint("staff_payments", __name__, url_prefix="/dashboard/payments")


@bp.get("/transfers")
@staff_required
def transfers():
    """Pending bank transfers of orders with an artisan in the viewer's scope."""
    rows = services.pending_transfers(staff=current_user)
    return render_template("payments/transfers.html", rows=rows, region_name=region_name)


@bp.post("/transfers/<int:payment_id>/confirm")
@staff_required
def confirm(payment_id: int):
    """The money is in the account: the order becomes paid."""
    order = services.confirm_transfer(
        staff=current_user, payment_id=payment_id, note=request.form.get("note", "")[:500]
    )
    flash(_("Pembayaran pesanan %(number)s dikonfirmasi.", number=order.number), "success")
    return redirect(url_for("staff_payments.transfers"), 303)


@bp.post("/transfers/<int:payment_id>/reject")
@staff_required
def reject(payment_id: int):
    """No (or the wrong) money arrived: the order is cancelled and its stock returned."""
    try:
        order = services.reject_transfer(
            staff=current_user,
            payment_id=payment_id,
            reason=request.form.get("reason", "")[:500],
        )
    except ValidationError as error:
        flash(error.message, "error")
        return redirect(url_for("staff_payments.transfers"), 303)
    flash(
        _("Transfer pesanan %(number)s ditolak; pesanan dibatalkan.", number=order.number), "info"
    )
    return redirect(url_for("staff_payments.transfers"), 303)
