"""Account use cases: register, authenticate, passwords, sessions, staff and admin accounts."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from marketplace.accounts import confirmation, passwords
from marketplace.accounts.models import NATIONAL, PasswordResetToken, Role, User
from marketplace.accounts.scope import is_valid_scope
from marketplace.db import atomic, now_utc
from marketplace.errors import NotFound, ValidationError
from marketplace.extensions import db
from marketplace.mail.services import queue_mail
from marketplace.regions import services as regions


def normalize_email(email: str) -> str:
    """E-mail addresses compare case-insensitively and without surrounding spaces."""
    return (email or "").strip().lower()


def find_by_email(email: str) -> User | None:
    """The account with this e-mail, if any."""
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def login_key(identifier: str) -> str:
    """One spelling per account for a login name: the e-mail lowercased, a phone as 08...

    Used to look the account up and to count failed logins, so `+62 812...` and `0812-...`
    share one limit.
    """
    text = (identifier or "").strip()
    if "@" in text:
        return normalize_email(text)
    # Imported here: artisans build on accounts, and only their accounts have a phone.
    from marketplace.artisans.applications import normalize_phone

    return normalize_phone(text) or text.lower()


def find_for_login(identifier: str) -> User | None:
    """The account an e-mail or, for artisans enrolled without e-mail, a phone number names.

    A phone shared by two artisan accounts names neither: they log in by e-mail or a staff link.
    """
    key = login_key(identifier)
    if "@" in key:
        return find_by_email(key)
    from marketplace.artisans.models import Artisan

    users = db.session.scalars(
        sa.select(User)
        .join(Artisan, Artisan.user_id == User.id)
        .where(Artisan.phone == key)
        .limit(2)
    ).all()
    return users[0] if len(users) == 1 else None


def _check_new_password(password: str, email: str = "") -> None:
    problem = passwords.password_problem(password, email=email)
    if problem:
        raise ValidationError(problem, field="password")


def _new_user(*, email: str | None, password: str | None, role: Role, **fields) -> User:
    """Build (not commit) a user after checking the e-mail is free and the password acceptable."""
    email = normalize_email(email) if email else None
    if email and find_by_email(email):
        raise ValidationError(_("E-mail ini sudah terdaftar."), field="email")
    password_hash = None
    if password is not None:
        _check_new_password(password, email or "")
        password_hash = passwords.hash_password(password)
    user = User(email=email, password_hash=password_hash, role=role.value, **fields)
    db.session.add(user)
    db.session.flush()
    return user


def register_buyer(
    *,
    email: str,
    password: str,
    name: str = "",
    locale: str = "id",
    confirm_url_for,
    login_url: str,
    reset_url: str,
) -> User | None:
    """Register a buyer without telling the visitor whether the address already has an account.

    A free address gets an account (not logged in) and a mail with the confirmation link
    (`confirm_url_for(token)`); a taken one changes nothing and its owner is mailed instead,
    with `login_url` and `reset_url`. The password is checked and hashed in both cases, so the
    answer and its time are the same. Returns the new user, or None for a taken address.
    Raises ValidationError only for a weak password.
    """
    email = normalize_email(email)
    _check_new_password(password, email)
    password_hash = passwords.hash_password(password)
    if find_by_email(email) is None:
        try:
            with atomic():
                user = User(
                    email=email,
                    password_hash=password_hash,
                    role=Role.BUYER.value,
                    name=name,
                    locale=locale,
                )
                db.session.add(user)
                db.session.flush()
                confirmation.queue_confirmation(user, confirm_url_for)
            return user
        except IntegrityError:  # registered at the same moment by another request
            pass
    owner = find_by_email(email)
    if owner is not None and owner.is_active:
        with atomic():
            queue_mail(
                recipient=owner.email,
                template="register_taken",
                locale=owner.locale,
                kind="register_taken",
                name=owner.name,
                login_url=login_url,
                reset_url=reset_url,
            )
    return None


def create_user(
    *,
    email: str,
    password: str,
    role: str,
    scope: str | None = None,
    admin: bool = False,
    name: str = "",
) -> User:
    """Create an account of any role (the `create-user` command). Staff need a valid scope."""
    try:
        role_value = Role(role)
    except ValueError as exc:
        raise ValidationError(_("Peran tidak dikenal: %(role)s", role=role)) from exc
    if role_value is Role.STAFF:
        scope = scope or NATIONAL
        if not is_valid_scope(scope) or (
            scope != NATIONAL and not (regions.is_province(scope) or regions.is_regency(scope))
        ):
            raise ValidationError(_("Wilayah tugas tidak dikenal: %(scope)s", scope=scope))
    elif scope or admin:
        raise ValidationError(_("Hanya staf yang memiliki wilayah tugas dan hak admin."))
    with atomic():
        user = _new_user(
            email=email,
            password=password,
            role=role_value,
            name=name,
            staff_scope=scope if role_value is Role.STAFF else None,
            is_admin=admin,
        )
    return user


def authenticate(*, email: str, password: str) -> User | None:
    """The user for these credentials, or None; same effort and answer for unknown accounts.

    `email` may also be an artisan's phone number (see find_for_login).
    """
    user = find_for_login(email)
    if not passwords.verify_password(user.password_hash if user else None, password):
        return None
    if not user.is_active:
        return None
    with atomic():
        values = {"last_login_at": now_utc()}
        if passwords.needs_rehash(user.password_hash):
            values["password_hash"] = passwords.hash_password(password)
        db.session.execute(sa.update(User).where(User.id == user.id).values(**values))
    return db.session.get(User, user.id)


def end_all_sessions(*, user_id: int) -> None:
    """Invalidate every login cookie of the user, including copies made elsewhere."""
    with atomic():
        _bump_session_version(user_id)


def _bump_session_version(user_id: int) -> None:
    db.session.execute(
        sa.update(User).where(User.id == user_id).values(session_version=User.session_version + 1)
    )


def change_password(*, user_id: int, current_password: str, new_password: str) -> User:
    """Set a new password after checking the current one; ends every other session."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("Akun tidak ditemukan."))
    if not passwords.verify_password(user.password_hash, current_password):
        raise ValidationError(_("Kata sandi saat ini salah."), field="current_password")
    _check_new_password(new_password, user.email or "")
    with atomic():
        db.session.execute(
            sa.update(User)
            .where(User.id == user_id)
            .values(password_hash=passwords.hash_password(new_password))
        )
        _bump_session_version(user_id)
    db.session.refresh(user)
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_password_reset(*, email: str, reset_url_for, max_age_seconds: int) -> None:
    """E-mail a single-use reset link if the account exists; silently nothing otherwise.

    `reset_url_for(token)` builds the absolute link (the view knows the host).
    """
    user = find_by_email(email)
    if user is None or not user.is_active:
        return
    token = secrets.token_urlsafe(32)
    with atomic():
        db.session.add(
            PasswordResetToken(
                user_id=user.id,
                token_hash=_token_hash(token),
                expires_at=now_utc() + timedelta(seconds=max_age_seconds),
            )
        )
        queue_mail(
            recipient=user.email,
            template="password_reset",
            locale=user.locale,
            kind="password_reset",
            reset_url=reset_url_for(token),
            minutes=max_age_seconds // 60,
        )


def reset_token_is_usable(token: str) -> bool:
    """True while a reset link can still be used (for showing the form)."""
    row = db.session.scalar(
        sa.select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_hash(token))
    )
    return bool(row and row.used_at is None and row.expires_at > now_utc())


def reset_password(*, token: str, new_password: str) -> User:
    """Use a reset link once: set the password, spend every open link, end every session."""
    row = db.session.scalar(
        sa.select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_hash(token))
    )
    invalid = ValidationError(_("Tautan ini tidak berlaku lagi. Minta tautan baru."))
    if row is None:
        raise invalid
    user = db.session.get(User, row.user_id)
    _check_new_password(new_password, user.email or "")
    new_hash = passwords.hash_password(new_password)
    now = now_utc()
    with atomic():
        # The conditional update is what makes the link single-use, even for two clicks at once.
        spent = db.session.execute(
            sa.update(PasswordResetToken)
            .where(
                PasswordResetToken.id == row.id,
                PasswordResetToken.used_at.is_(None),
                PasswordResetToken.expires_at > now,
            )
            .values(used_at=now)
        ).rowcount
        if spent != 1:
            raise invalid
        db.session.execute(
            sa.update(PasswordResetToken)
            .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
            .values(used_at=now)
        )
        db.session.execute(sa.update(User).where(User.id == user.id).values(password_hash=new_hash))
        _bump_session_version(user.id)
    db.session.refresh(user)
    return user


def set_locale(*, user_id: int, locale: str) -> None:
    """Remember the account's language (mail is sent in it)."""
    with atomic():
        db.session.execute(sa.update(User).where(User.id == user_id).values(locale=locale))
