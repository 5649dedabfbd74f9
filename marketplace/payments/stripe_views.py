"""Stripe's pages: the webhook, the buyer's return and retry pages, and the staff payment page.

Two blueprints: `stripe` (/payments/stripe/...) for Stripe and buyers, `staff_stripe`
(/dashboard/payments/orders/...) for BNN staff. Registering `stripe` also registers the provider
and, when Stripe is on, allows its hosted page in the CSP's form-action (init_app).
"""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from marketplace.accounts.permissions import staff_required
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import csrf
from marketplace.orders import queries
from marketplace.payments import providers, stripe_provider, stripe_staff, webhooks
from marketplace.payments import stripe_gateway as gateway
from marketplace.regions.services import region_name

bp = Blueprint("stripe", __name__, url_prefix="/payments/stripe")
staff_bp = Blueprint("staff_stripe", __name__, url_prefix="/dashboard/payments")
NO_STORE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}
PAYMENT_STATES = {
    "pending": _l("Menunggu"),
    "succeeded": _l("Berhasil"),
    "rejected": _l("Ditolak"),
    "failed": _l("Gagal"),
    "refunded": _l("Dana dikembalikan"),
    "expired": _l("Ditutup"),
}
OUTCOMES = {
    "paid": _l("Pesanan ditandai dibayar"),
    "already_paid": _l("Sudah tercatat dibayar"),
    "already_flagged": _l("Sudah ditandai untuk diperiksa"),
    "awaiting_payment": _l("Menunggu pembayaran tertunda"),
    "payment_failed": _l("Pembayaran gagal"),
    "expired": _l("Pesanan kedaluwarsa, stok dikembalikan"),
    "session_closed": _l("Sesi ditutup"),
    "ignored_order_not_pending": _l("Diabaikan: pesanan tidak lagi menunggu"),
    "ignored_unknown_session": _l("Diabaikan: sesi tidak dikenal"),
    "flagged_mismatch": _l("Ditandai: tidak cocok dengan pesanan"),
    "flagged_unknown_session": _l("Ditandai: sesi tidak dikenal"),
    "flagged_refunding": _l("Ditandai: dibayar terlambat, dana dikembalikan"),
    "flagged_partial_refund": _l("Ditandai: pengembalian sebagian"),
    "flagged_refunded_first": _l("Ditandai: dana sudah dikembalikan sebelum pembayaran tercatat"),
    "flagged_unknown_charge": _l("Ditandai: pembayaran tidak dikenal"),
    "refunded": _l("Pesanan dikembalikan dananya"),
    "refund_recorded": _l("Pengembalian dana dicatat"),
    "already_refunded": _l("Sudah tercatat dikembalikan"),
    "ignored": _l("Diabaikan"),
}


def labels() -> dict:
    """Words for the codes the staff pages show (the code stays visible beside them)."""
    return {
        "payment_state": lambda code: str(PAYMENT_STATES.get(code, code)),
        "outcome_label": lambda code: str(OUTCOMES.get(code, code)),
        "provider_label": lambda name: str(getattr(providers.PROVIDERS.get(name), "label", name)),
    }


def init_app(app) -> None:
    """Provider registry, template helper and CSP (see stripe_provider.init_app)."""
    stripe_provider.init_app(app)


bp.record_once(lambda state: init_app(state.app))


@bp.post("/webhook")
@csrf.exempt
def webhook():
    """Stripe's events: 400 unless signed with our secret; 200 once stored (or already stored)."""
    try:
        outcome = webhooks.receive(
            payload=request.get_data(cache=False),
            signature=request.headers.get("Stripe-Signature"),
        )
    except gateway.InvalidSignature:
        return jsonify(error="invalid signature"), 400
    return jsonify(received=True, outcome=outcome), 200


def _viewer_order(number: str | None):
    """The order if the visitor may see it (their account or the guest link's token)."""
    token = request.values.get("token")
    user_id = current_user.id if current_user.is_authenticated else None
    return queries.order_for_viewer(number or "", user_id=user_id, token=token), token


@bp.get("/return")
def return_page():
    """Back from Stripe: shows the order's state and refreshes it; never marks anything paid."""
    order, token = _viewer_order(request.args.get("order"))
    body = render_template("payments/stripe_return.html", order=order, token=token)
    return body, 200, NO_STORE


@bp.get("/status")
def status():
    """The order's state as JSON, for the return page's script; the same access rules."""
    order, _token = _viewer_order(request.args.get("order"))
    return jsonify(status=order.status), 200, NO_STORE


@bp.get("/cancel")
def cancel_page():
    """The buyer left Stripe's page without paying: back to the order, which still holds."""
    order, token = _viewer_order(request.args.get("order"))
    if order.status == "pending_payment":
        flash(_("Pembayaran kartu belum dilakukan. Pesanan Anda masih kami simpan."), "info")
    return redirect(url_for("orders.detail", number=order.number, token=token), 303)


@bp.post("/orders/<number>/pay")
def retry(number: str):
    """Try the card payment again: a fresh (or the still open) Checkout Session."""
    order, token = _viewer_order(number)
    try:
        session = stripe_provider.start_card_payment(order_id=order.id)
    except gateway.StripeUnavailable:
        flash(_("Layanan pembayaran kartu belum dapat dihubungi. Coba lagi sebentar lagi, "
                "atau bayar dengan transfer bank."), "error")  # fmt: skip
    except Conflict as error:
        flash(error.message, "error")
    else:
        return redirect(session.url, 303)
    return redirect(url_for("orders.detail", number=order.number, token=token), 303)


@bp.post("/orders/<number>/bank-transfer")
def bank_transfer(number: str):
    """Pay by bank transfer instead: the order keeps its stock and its deadline."""
    order, token = _viewer_order(number)
    try:
        stripe_provider.switch_to_transfer(order_id=order.id)
    except Conflict as error:
        flash(error.message, "error")
    else:
        flash(_("Silakan bayar dengan transfer bank sesuai petunjuk di bawah."), "success")
    return redirect(url_for("orders.detail", number=order.number, token=token), 303)


@staff_bp.get("/orders/<number>")
@staff_required
def order_payments(number: str):
    """An order's payments and Stripe events, with a refund button for card payments."""
    page = stripe_staff.order_payments(staff=current_user, number=number)
    return render_template(
        "payments/stripe_order.html", page=page, region_name=region_name, **labels()
    )


@staff_bp.post("/orders/<number>/payments/<int:payment_id>/refund")
@staff_required
def refund(number: str, payment_id: int):
    """Refund a card payment through Stripe (a reason is required)."""
    try:
        stripe_staff.refund_payment(
            staff=current_user,
            number=number,
            payment_id=payment_id,
            reason=request.form.get("reason", "")[:500],
        )
    except (ValidationError, Conflict) as error:
        flash(error.message, "error")
    except gateway.StripeUnavailable:
        flash(_("Stripe tidak dapat dihubungi; tidak ada yang berubah. Coba lagi nanti."), "error")
    else:
        flash(_("Dana sudah dikembalikan lewat Stripe."), "success")
    return redirect(url_for("staff_stripe.order_payments", number=number), 303)


@staff_bp.get("/flagged")
@staff_required
def flagged():
    """Stripe events that need a person: unmatched sessions, wrong amounts, late payments."""
    rows = stripe_staff.flagged(staff=current_user)
    return render_template("payments/stripe_flagged.html", rows=rows, **labels())
