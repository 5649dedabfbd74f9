"""Staff enrol an artisan on their behalf, and hand over one-time login links.

For people without e-mail: the account is made by BNN staff whose scope covers the artisan's
regency, and the artisan gets in through a single-use, expiring link on which they choose their
own password. The link is a password-reset token of accounts (only its hash is stored), so
accounts.services.reset_password spends it exactly once and ends any other session.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from marketplace.accounts.models import PasswordResetToken, Role, User
from marketplace.accounts.scope import covers
from marketplace.accounts.services import find_by_email, normalize_email
from marketplace.artisans.applications import ApplicationDetails, add_artisan, checked
from marketplace.artisans.models import Artisan, ArtisanStatus
from marketplace.artisans.services import artisan_in_scope
from marketplace.audit import services as audit
from marketplace.catalog.cache import bump_catalog_version
from marketplace.db import atomic, now_utc
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import db

LOGIN_LINK_MAX_AGE = 3 * 24 * 60 * 60  # staff hand the link over in person; give it a few days


def _token_hash(token: str) -> str:
    """What is stored of a login link: its SHA-256, as for password reset links."""
    return hashlib.sha256(token.encode()).hexdigest()


def _new_login_token(user_id: int) -> str:
    """Spend the account's open links and add a new one (inside the caller's transaction).

    The link is a password-reset token of accounts: using it (accounts.services.reset_password)
    sets the artisan's own password once and spends it.
    """
    now = now_utc()
    db.session.execute(
        sa.update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user_id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    max_age = int(current_app.config.get("ARTISAN_LOGIN_LINK_MAX_AGE", LOGIN_LINK_MAX_AGE))
    db.session.add(
        PasswordResetToken(
            user_id=user_id,
            token_hash=_token_hash(token),
            expires_at=now + timedelta(seconds=max_age),
        )
    )
    return token


def staff_create(
    *, staff: User, details: ApplicationDetails, email: str | None = None
) -> tuple[Artisan, str]:
    """Enrol an artisan on their behalf (e-mail optional) and return a one-time login link token.

    The staff member checked the training record in person, so the artisan starts verified; the
    regency must lie in the staff member's scope. The account has no password until the artisan
    opens the link and chooses one.
    """
    details = checked(details)
    if not staff.is_staff or not covers(staff.staff_scope, details.regency_code):
        raise ValidationError(
            _("Kabupaten/kota ini di luar wilayah tugas Anda."), field="regency_code"
        )
    email = normalize_email(email) if email else None
    if email and find_by_email(email):
        raise ValidationError(_("E-mail ini sudah terdaftar."), field="email")
    with atomic():
        user = User(
            email=email, password_hash=None, role=Role.ARTISAN.value, name=details.legal_name
        )
        db.session.add(user)
        db.session.flush()
        artisan = add_artisan(
            user,
            details,
            status=ArtisanStatus.VERIFIED.value,
            verified_at=now_utc(),
            verified_by_id=staff.id,
        )
        audit.record(
            actor_id=staff.id,
            action="artisan.create",
            subject_type="artisan",
            subject_id=artisan.id,
            regency_code=artisan.regency_code,
        )
        token = _new_login_token(user.id)
        bump_catalog_version()
    return artisan, token


def issue_login_link(*, staff: User, artisan_id: int) -> str:
    """A new one-time login link for an artisan in scope whose account has no e-mail.

    Artisans with an e-mail use "forgot password" themselves; staff never get a way into those
    accounts. Earlier links stop working.
    """
    artisan = artisan_in_scope(staff=staff, artisan_id=artisan_id)
    user = db.session.get(User, artisan.user_id)
    if user.email:
        raise Conflict(_("Perajin ini memakai e-mail: minta mereka memakai 'Lupa kata sandi'."))
    with atomic():
        token = _new_login_token(user.id)
        audit.record(
            actor_id=staff.id,
            action="artisan.login_link",
            subject_type="artisan",
            subject_id=artisan.id,
            regency_code=artisan.regency_code,
        )
    return token
