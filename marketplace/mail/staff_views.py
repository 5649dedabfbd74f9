"""Admin pages about mail (/dashboard/mail): the messages that could not be sent."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.accounts.permissions import admin_required
from marketplace.audit import services as audit
from marketplace.mail import failed as failed_mail
from marketplace.mail.services import MAX_ATTEMPTS

bp = Blueprint("staff_mail", __name__, url_prefix="/dashboard/mail")


@bp.get("/failed")
@admin_required
def failed():
    """Messages that failed their last attempt, with whom they were for and why they failed."""
    return render_template(
        "staff/mail/failed.html",
        messages=failed_mail.failed_messages(),
        max_attempts=MAX_ATTEMPTS,
    )


@bp.post("/failed/retry")
@bp.post("/failed/<int:message_id>/retry")
@admin_required
def retry(message_id: int | None = None):
    """Send one failed message, or all of them, again; each retry goes in the audit log."""
    actor_id = current_user.id

    def audited(retried_id: int) -> None:
        audit.record(
            actor_id=actor_id,
            action="mail.retry",
            subject_type="mail",
            subject_id=retried_id,
            regency_code=None,
        )

    ids = failed_mail.retry_failed(message_id=message_id, on_retry=audited)
    flash(_("%(n)d pesan dikirim ulang.", n=len(ids)), "success")
    return redirect(url_for("staff_mail.failed"), 303)
