"""Language choice: Indonesian by default, English on request, the choice kept."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations


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


def _translations():
    """The current locale's translations, looked up once per locale and context.

    Flask-Babel resolves its context, domain and the locale's name on every call (about 14 us);
    a page calls gettext dozens of times. A locale forced for an e-mail is a new Locale object,
    so the memo follows force_locale() in and out.
    """
    locale = get_locale()
    memo = g.get("_i18n_translations")
    if memo is None or memo[0] is not locale:
        memo = (locale, get_translations())
        g._i18n_translations = memo
    return memo[1]


def install_template_gettext(app: Flask) -> None:
    """Templates translate through _translations() (after Flask-Babel's init_app)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
