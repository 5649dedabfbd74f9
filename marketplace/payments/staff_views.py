"""BNN staff pages about money: bank transfers to confirm (/dashboard/payments/transfers) and
refunds to transfer back to buyers (/dashboard/payments/refunds)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.accounts.permissions import staff_required
from marketplace.errors import DomainError, ValidationError
from marketplace.money import format_idr
from marketplace.payments import refunds as refund_service
from marketplace.payments import services
from marketplace.payments.forms import RefundPaidForm
from marketplace.payments.payouts import today_local
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


REFUND_TABS = ("owed", "paid")


def _refunds_page(state: str, *, form=None, form_for: int | None = None, status: int = 200):
    """The refunds list of one tab, with the form of one row re-shown after an error."""
    return (
        render_template(
            "payments/refunds.html",
            rows=refund_service.refunds_for_staff(staff=current_user, status=state),
            state=state,
            form=form,
            form_for=form_for,
            today=today_local(),
            region_name=region_name,
        ),
        status,
    )


@bp.get("/refunds")
@staff_required
def refunds():
    """Refunds owed to buyers (or already transferred) for cancelled parcels in the scope."""
    state = request.args.get("state", "owed")
    return _refunds_page(state if state in REFUND_TABS else "owed")


@bp.post("/refunds/<int:refund_id>/paid")
@staff_required
def refund_paid(refund_id: int):
    """BNN transferred the refund: record amount, date and bank reference (once)."""
    refund_service.refund_in_scope(staff=current_user, refund_id=refund_id)
    form = RefundPaidForm()
    if form.validate_on_submit():
        try:
            refund = refund_service.record_refund_paid(
                staff=current_user,
                refund_id=refund_id,
                amount_idr=form.amount.data,
                paid_on=form.paid_on.data,
                bank_reference=form.bank_reference.data,
            )
        except DomainError as error:
            if error.status_code == 404:
                raise
            field = getattr(form, error.details.get("field") or "", None)
            if field is None:
                flash(error.message, "error")
                return redirect(url_for("staff_payments.refunds"), 303)
            field.errors = [*field.errors, error.message]
        else:
            flash(
                _("Pengembalian dana %(amount)s dicatat; pembeli sudah kami kabari.",
                  amount=format_idr(refund.amount_idr)),
                "success",
            )  # fmt: skip
            return redirect(url_for("staff_payments.refunds"), 303)
    return _refunds_page("owed", form=form, form_for=refund_id, status=422)
