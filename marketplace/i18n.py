"""Language choice: Indonesian by default, English on request, the choice kept."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale


def select_locale() -> str:
    """The visitor's language: their saved choice, else Indonesian.

    We do not follow Accept-Language: the shop speaks Indonesian first, and many phones sold in
    Indonesia default to English while their owners read Indonesian.
    """
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.args.get("lang")
    if chosen in languages:
        return chosen
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """The two-letter code of the language this response is in."""
    return str(get_locale() or "id")
