"""Language choice: Indonesian by default, English on request, the choice kept."""

from __future__ import annotations

from datetime import UTC

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


# Indonesia's three zones by their everyday names, in both languages; any other zone by its name.
ZONE_NAMES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}
# 'short' dates are numeric and read differently in each language (1/12/26 vs 12/1/26): a time
# shown to people always names its month.
_DATE_FORMATS = {"short": "medium", "medium": "medium", "long": "long", "full": "full"}


def zone_name(tz) -> str:
    """WIB, WITA, WIT, or the zone's own name (`Europe/Amsterdam`, `UTC`)."""
    key = getattr(tz, "key", None) or getattr(tz, "zone", None) or str(tz)
    return ZONE_NAMES.get(key, key)


def format_datetime_for_people(value, format: str = "medium") -> str:
    """Jinja `datetimeformat`: date, hours and minutes (no seconds) and the zone, in the page's
    (or mail's) language and the shop's time zone: `1 Des 2026 14.05 WIB`,
    `Dec 1, 2026, 2:05 PM WIB`. Stored times are UTC; a naive one is read as UTC."""
    if value is None:
        return ""
    from babel import dates
    from flask_babel import get_timezone

    tz = get_timezone()
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(tz)
    locale = get_locale() or "id"
    date_format = _DATE_FORMATS.get(format)
    if date_format is None:  # an explicit CLDR pattern: the caller chose exactly what to show
        text = dates.format_datetime(local, format, tzinfo=tz, locale=locale)
    else:
        naive = local.replace(tzinfo=None)
        text = (
            dates.get_datetime_format(date_format, locale=locale)
            .replace("'", "")
            .replace("{0}", dates.format_time(naive.time(), "short", locale=locale))
            .replace("{1}", dates.format_date(naive.date(), date_format, locale=locale))
        )
    # CLDR puts a narrow no-break space before AM/PM; a plain one reads the same in every mail.
    return f"{text} {zone_name(tz)}".replace("\u202f", " ")


def install_datetime_filter(app: Flask) -> None:
    """Replace Flask-Babel's `datetimeformat` (call after babel.init_app)."""
    app.jinja_env.filters["datetimeformat"] = format_datetime_for_people
