"""BNN staff pages about artisans (/dashboard/artisans): the queue, decisions, enrolment, payouts.

Every page works inside the staff member's scope: an artisan outside it is 404, like one that
does not exist.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from marketplace.accounts.models import User
from marketplace.accounts.permissions import staff_required
from marketplace.accounts.scope import covers
from marketplace.artisans import applications, audit_log, enrolment, integrations, services
from marketplace.artisans.forms import EmptyForm, PayoutForm, ReasonForm, StaffCreateForm
from marketplace.artisans.models import Artisan, ArtisanStatus
from marketplace.artisans.view_helpers import details_from, show_error
from marketplace.audit import log
from marketplace.audit.labels import action_choices
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.payments import payouts
from marketplace.regions.services import region_name
from marketplace.urls import site_url_for

bp = Blueprint("staff_artisans", __name__, url_prefix="/dashboard/artisans")


@bp.context_processor
def staff_helpers() -> dict:
    """Helpers for the staff templates: region names."""
    return {"region_name": region_name}


DECISIONS = {
    "verify": ArtisanStatus.VERIFIED,
    "reject": ArtisanStatus.REJECTED,
    "suspend": ArtisanStatus.SUSPENDED,
    "reinstate": ArtisanStatus.VERIFIED,
}
MESSAGES = {
    "verify": _l("Perajin sudah diverifikasi dan bisa mulai berjualan."),
    "reject": _l("Pengajuan ditolak. Perajin bisa memperbaiki lalu mengajukan lagi."),
    "suspend": _l("Perajin ditangguhkan. Semua produknya disembunyikan dari pembeli."),
    "reinstate": _l("Perajin diaktifkan kembali."),
}
LINK_KEY = "artisan_login_link"


@bp.get("/")
@staff_required
def queue():
    """Artisans in the scope by status, pending applications first and oldest first."""
    status = request.args.get("status", ArtisanStatus.PENDING.value)
    if status not in {s.value for s in ArtisanStatus}:
        status = ArtisanStatus.PENDING.value
    scope = current_user.staff_scope
    return render_template(
        "staff/artisans/queue.html",
        artisans=services.artisans_in_scope(scope=scope, status=status),
        counts=services.status_counts(scope=scope),
        status=status,
    )


@bp.get("/<int:artisan_id>")
@staff_required
def detail(artisan_id: int):
    """An artisan's application and training record, with the decisions open to staff."""
    artisan = services.artisan_in_scope(staff=current_user, artisan_id=artisan_id)
    user = db.session.get(User, artisan.user_id)
    link = session.pop(LINK_KEY, None)
    return render_template(
        "staff/artisans/detail.html",
        artisan=artisan,
        account=user,
        training=applications.training_of(artisan.id),
        form=ReasonForm(),
        login_link=link if link and link.get("artisan_id") == artisan.id else None,
        balance=integrations.balance(artisan.id),
        same_certificate=_same_certificate(artisan),
    )


def _same_certificate(artisan: Artisan) -> list[tuple[Artisan, bool]]:
    """Verified artisans with this applicant's certificate number, each with "in my scope"."""
    if artisan.status != ArtisanStatus.PENDING:
        return []
    return [
        (other, covers(current_user.staff_scope, other.regency_code))
        for other in services.verified_with_certificate_of(artisan.id)
    ]


@bp.post("/<int:artisan_id>/decision")
@staff_required
def decide(artisan_id: int):
    """Verify, reject, suspend or reinstate; rejecting and suspending need a reason."""
    action = request.form.get("action", "")
    form = ReasonForm()
    if action not in DECISIONS or not form.validate_on_submit():
        services.artisan_in_scope(staff=current_user, artisan_id=artisan_id)
        flash(_("Keputusan tidak dikenali. Coba lagi."), "error")
        return redirect(url_for("staff_artisans.detail", artisan_id=artisan_id))
    try:
        services.decide(
            staff=current_user,
            artisan_id=artisan_id,
            new_status=DECISIONS[action],
            reason=form.reason.data or "",
        )
    except DomainError as error:
        if error.status_code == 404:
            raise
        flash(error.message, "error")
    else:
        flash(str(MESSAGES[action]), "success")
    return redirect(url_for("staff_artisans.detail", artisan_id=artisan_id))


@bp.get("/audit")
@staff_required
def audit():
    """Who decided what, when and why in the scope's regions: filtered, a page at a time."""
    wanted, errors = log.parse_filter(request.args)
    page = log.entries_page(
        scope=current_user.staff_scope,
        wanted=wanted,
        number=log.page_number(request.args.get("page")),
    )
    return render_template(
        "staff/artisans/audit.html",
        page=page,
        lines=audit_log.lines(page.rows, admin=current_user.is_admin),
        wanted=wanted,
        errors=errors,
        choices=action_choices(),
        page_url=lambda number: url_for("staff_artisans.audit", page=number, **wanted.args()),
    )


@bp.get("/audit.csv")
@staff_required
def audit_csv():
    """The filtered log as CSV; a filter that cannot be read goes back to the page that says why."""
    wanted, errors = log.parse_filter(request.args)
    if errors:
        return redirect(url_for("staff_artisans.audit", **request.args))
    rows = log.entries_for_export(scope=current_user.staff_scope, wanted=wanted)
    content = audit_log.to_csv(audit_log.lines(rows, admin=current_user.is_admin))
    response = Response(content, content_type="text/csv; charset=utf-8")
    stamp = log.today().isoformat()
    response.headers["Content-Disposition"] = (
        f'attachment; filename="catatan-keputusan-{stamp}.csv"'
    )
    return response


def _remember_link(artisan_id: int, token: str) -> None:
    """Keep the new link for the next page only: it is shown once and never stored readable."""
    session[LINK_KEY] = {
        "artisan_id": artisan_id,
        "url": site_url_for("seller.welcome", token=token),
    }


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def create():
    """Enrol an artisan on their behalf and get a one-time login link to hand over."""
    form = StaffCreateForm(scope=current_user.staff_scope)
    if form.validate_on_submit():
        try:
            artisan, token = enrolment.staff_create(
                staff=current_user, details=details_from(form), email=form.email.data or None
            )
        except DomainError as error:
            show_error(form, error)
        else:
            _remember_link(artisan.id, token)
            flash(
                _("Akun perajin dibuat. Berikan tautan masuk di bawah kepada perajin."), "success"
            )
            return redirect(url_for("staff_artisans.detail", artisan_id=artisan.id))
    status = 200 if request.method == "GET" else 422
    return render_template("staff/artisans/new.html", form=form), status


@bp.post("/<int:artisan_id>/login-link")
@staff_required
def login_link(artisan_id: int):
    """A fresh one-time login link for an artisan without e-mail; earlier links stop working."""
    if EmptyForm().validate_on_submit():
        try:
            token = enrolment.issue_login_link(staff=current_user, artisan_id=artisan_id)
        except DomainError as error:
            if error.status_code == 404:
                raise
            flash(error.message, "error")
        else:
            _remember_link(artisan_id, token)
            flash(_("Tautan masuk baru dibuat. Tautan lama tidak berlaku lagi."), "success")
    return redirect(url_for("staff_artisans.detail", artisan_id=artisan_id))


@bp.route("/<int:artisan_id>/payouts", methods=["GET", "POST"])
@staff_required
def artisan_payouts(artisan_id: int):
    """The artisan's balance and payouts; record a transfer BNN made."""
    artisan = services.artisan_in_scope(staff=current_user, artisan_id=artisan_id)
    form = PayoutForm()
    if request.method == "GET":
        form.paid_on.data = payouts.today_local()
    if form.validate_on_submit():
        try:
            payouts.record_payout(
                staff=current_user,
                artisan_id=artisan.id,
                amount_idr=form.amount.data,
                paid_on=form.paid_on.data,
                bank_reference=form.bank_reference.data,
            )
        except DomainError as error:
            if error.status_code == 404:
                raise
            show_error(form, error, "amount")
        else:
            flash(_("Pembayaran tercatat dan saldo perajin sudah berkurang."), "success")
            return redirect(url_for("staff_artisans.artisan_payouts", artisan_id=artisan.id))
    status = 200 if request.method == "GET" else 422
    return (
        render_template(
            "staff/payouts/artisan.html",
            artisan=artisan,
            form=form,
            balance=integrations.balance(artisan.id),
            hold_days=current_app.config["PAYOUT_HOLD_DAYS"],
            payouts=payouts.payouts_of(artisan.id),
        ),
        status,
    )


@bp.get("/payouts")
@staff_required
def payouts_due():
    """Artisans of the scope with money available to pay out, or (tab "owing") who owe BNN."""
    which = request.args.get("tab", payouts.PAYABLE)
    if which not in (payouts.PAYABLE, payouts.OWING):
        which = payouts.PAYABLE
    return render_template(
        "staff/payouts/index.html",
        rows=payouts.artisans_by_balance(scope=current_user.staff_scope, which=which),
        tab=which,
        limit=payouts.LIST_LIMIT,
        hold_days=current_app.config["PAYOUT_HOLD_DAYS"],
    )
