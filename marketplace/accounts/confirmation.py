"""Confirming an account's e-mail through a signed, expiring link mailed to it.

A confirmed address is what attaches that address's guest orders to the account (the orders
domain listens to `email_confirmed`; accounts sits below orders and never imports it). So an
address is confirmed only by the link mailed to it, and by the account's owner: whoever opens
the link is either logged in as that account or types its password. Without that, a stranger who
registered with someone else's address would get their orders as soon as a mail scanner, or the
puzzled owner, opened the link.
"""

from __future__ import annotations

import sqlalchemy as sa
from blinker import Namespace
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from marketplace.accounts import passwords
from marketplace.accounts.models import User
from marketplace.db import atomic, now_utc
from marketplace.errors import NotFound, ValidationError
from marketplace.extensions import db
from marketplace.mail.services import queue_mail

_signals = Namespace()
# Sent inside the confirming transaction with user_id and email (lowercased): receivers write
# in the same transaction, so the address is confirmed together with what it brings, or not at all.
email_confirmed = _signals.signal("email-confirmed")

_SALT = "email-confirm"
DEFAULT_MAX_AGE = 3 * 24 * 60 * 60


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _max_age() -> int:
    return int(current_app.config.get("EMAIL_CONFIRM_MAX_AGE", DEFAULT_MAX_AGE))


def confirmation_token(user: User) -> str:
    """The secret of the link: user id and address, signed with SECRET_KEY and dated.

    The address is part of it, so a link stops working if the account's address changes.
    """
    return _serializer().dumps({"user": user.id, "email": user.email})


def user_for_token(token: str) -> User | None:
    """The account a link confirms, or None when it is forged, expired or out of date."""
    try:
        data = _serializer().loads(token or "", max_age=_max_age())
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("user"))
    if user is None or not user.is_active or not user.email or user.email != data.get("email"):
        return None
    return user


def queue_confirmation(user: User, confirm_url_for) -> None:
    """Put the confirmation mail in the outbox (inside the caller's transaction)."""
    queue_mail(
        recipient=user.email,
        template="email_confirm",
        locale=user.locale,
        kind="email_confirm",
        name=user.name,
        confirm_url=confirm_url_for(confirmation_token(user)),
        hours=_max_age() // 3600,
    )


def send_confirmation(*, user_id: int, confirm_url_for) -> bool:
    """Mail the link again to an account whose address is not confirmed yet.

    Returns False (and mails nothing) when it is already confirmed or has no e-mail.
    `confirm_url_for(token)` builds the absolute link.
    """
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("Akun tidak ditemukan."))
    if not user.email or user.email_confirmed_at is not None:
        return False
    with atomic():
        queue_confirmation(user, confirm_url_for)
    return True


def confirm_email(*, token: str, viewer_id: int | None = None, password: str = "") -> User:
    """Confirm the address a link names, once; guest orders of the address follow (signal).

    The viewer must be the account (logged in as it, or giving its password). A repeated
    confirmation changes nothing. Raises ValidationError for a bad link or a wrong password.
    """
    user = user_for_token(token)
    if user is None:
        raise ValidationError(_("Tautan konfirmasi ini tidak berlaku lagi. Minta tautan baru."))
    if viewer_id != user.id and not passwords.verify_password(user.password_hash, password):
        raise ValidationError(_("Kata sandi salah."), field="password")
    with atomic():
        # The conditional update makes two clicks at once confirm (and send the signal) once.
        confirmed = db.session.execute(
            sa.update(User)
            .where(User.id == user.id, User.email == user.email, User.email_confirmed_at.is_(None))
            .values(email_confirmed_at=now_utc())
        ).rowcount
        if confirmed == 1:
            email_confirmed.send(
                current_app._get_current_object(), user_id=user.id, email=user.email
            )
    db.session.refresh(user)
    return user
