"""Flask-Login wiring: how a login cookie becomes a user, and when it stops doing so."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from marketplace.accounts.models import User
from marketplace.extensions import db


def load_user(user_id: str) -> User | None:
    """Load `<id>:<session_version>`; an old version (logged out, password changed) loads nobody."""
    try:
        raw_id, raw_version = user_id.split(":", 1)
        uid, version = int(raw_id), int(raw_version)
    except (AttributeError, ValueError):
        return None
    user = db.session.get(User, uid)
    if user is None or user.session_version != version or not user.is_active:
        return None
    return user


def unauthorized():
    """Send anonymous visitors to the login page, remembering where they were going."""
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def configure(manager: LoginManager) -> None:
    """Install the loader and the login page settings."""
    manager.user_loader(load_user)
    manager.unauthorized_handler(unauthorized)
    manager.login_view = "accounts.login"
    manager.login_message = _l("Silakan masuk terlebih dahulu.")
    manager.session_protection = "basic"
