"""Logs as one JSON object a line, a request id on every request, and optional Sentry reports.

Every request gets an id (a sane incoming `X-Request-ID` from the proxy, else a new one), sent
back in the `X-Request-ID` header and written on every line logged while it runs, and one access
line when it ends. Secrets never reach a log line or a Sentry event: the tokens of private links
(a guest's order link `?token=`, a password reset `/password/reset/<token>`, an artisan's
`/welcome/<token>`) are masked in the path, the query and in any message that repeats them.

`LOG_FORMAT`: `json` (production), `text` (development), or empty: leave logging as it is, so
pytest's caplog sees every record (testing).
"""

from __future__ import annotations

import logging
import re
import secrets
import time
import warnings
from urllib.parse import urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from flask import Flask, g, has_request_context, request

from marketplace.log_lines import (
    ACCESS_LOGGER,
    MASK,
    JsonFormatter,
    StderrHandler,
    TextFormatter,
    redact,
)

HANDLER_NAME = "marketplace-log"
# A request id from outside is believed only if it cannot break a log line or a header.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Route arguments and query parameters whose values are secrets (or bearer links).
SECRET_NAME = re.compile(r"token|password|secret|signature", re.IGNORECASE)
# Shorter values are not masked inside messages: no real secret is that short, and masking
# every "1" of a traceback would make it unreadable.
MIN_REDACTED_LENGTH = 8
MAX_LOGGED_URL = 1000
ACCESS_MESSAGE = "%s %s %s %.1f ms"


class RequestContextFilter(logging.Filter):
    """Adds the current request's id, method, path and user to every record logged during it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keeps the record; only adds fields it does not already carry."""
        if getattr(record, "request_id", None) is not None:
            return True  # the access line brings its request's fields (computed once)
        if has_request_context() and "request_id" in g:
            for field, value in request_fields().items():
                if getattr(record, field, None) is None:
                    setattr(record, field, value)
        elif not hasattr(record, "request_id"):
            record.request_id = None
        return True


def init_app(app: Flask) -> None:
    """Configure logging for the app's setting and install the request id and access log hooks.

    Called first in create_app, so the request id exists before any other hook can answer.
    """
    configure_logging(app.config.get("LOG_FORMAT", "json"), app.config.get("LOG_LEVEL", "INFO"))
    app.before_request(start_request)
    app.after_request(finish_request)
    app.teardown_request(log_unfinished_request)
    init_error_reporting(app)


def configure_logging(log_format: str, level: str) -> None:
    """One handler on the root logger, to stderr, in the chosen format (replacing ours if any).

    Records of every library (SQLAlchemy, Alembic, the mail sender) then come out in one format.
    An empty format leaves the root's handlers alone: tests read records through caplog.
    """
    logging.getLogger("marketplace").setLevel(level.upper())
    if not log_format:
        return
    if log_format not in ("json", "text"):
        raise RuntimeError(f"LOG_FORMAT must be json or text, got {log_format!r}")
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == HANDLER_NAME:
            root.removeHandler(handler)
    handler = StderrHandler()
    handler.set_name(HANDLER_NAME)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Alembic announces each of its plugins at INFO whenever it is imported (every worker start).
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # Flask adds its own stderr handler to app.logger unless one is already on the way up.
    from flask.logging import default_handler

    logging.getLogger("marketplace").removeHandler(default_handler)


def start_request() -> None:
    """Give the request its id and start its clock."""
    store, req = g._get_current_object(), request._get_current_object()  # one lookup each
    incoming = req.environ.get("HTTP_X_REQUEST_ID", "")
    store.request_id = incoming if SANE_REQUEST_ID.fullmatch(incoming) else secrets.token_hex(16)
    store.request_started = time.perf_counter()
    store.access_logged = False
    store.log_secrets = secret_values(req)


def finish_request(response):
    """Send the id back and write the request's access line."""
    if "request_id" not in g:  # a hook registered before ours answered first
        start_request()
    response.headers["X-Request-ID"] = g.request_id
    _log_access(response.status_code)
    return response


def log_unfinished_request(error: BaseException | None) -> None:
    """A request that ended without a response (an exception no handler took) is logged too."""
    if "request_id" in g and not g.get("access_logged"):
        _log_access(500)


_access_log = logging.getLogger(ACCESS_LOGGER)


def _log_access(status: int) -> None:
    """The one access line of a request.

    Made straight from its fields (Logger.log would also look up the calling frame for each
    line); it still goes through the logger, so levels, caplog and Sentry's filter apply.
    """
    store = g._get_current_object()
    store.access_logged = True
    level = logging.WARNING if status >= 500 else logging.INFO
    if not _access_log.isEnabledFor(level):
        return
    duration = round((time.perf_counter() - store.request_started) * 1000, 1)
    fields = request_fields()
    fields["status"] = status
    fields["duration_ms"] = duration
    args = (fields["method"], fields["path"], status, duration)
    _access_log.handle(
        _access_log.makeRecord(
            ACCESS_LOGGER, level, __file__, 0, ACCESS_MESSAGE, args, None, extra=fields
        )
    )


def request_fields() -> dict:
    """The request's id, method, masked path and query, and user id (if a user is logged in)."""
    store, req = g._get_current_object(), request._get_current_object()
    fields = {
        "request_id": store.request_id,
        "method": req.method,
        "path": masked_path(req),
        "user_id": _user_id(store),
    }
    query = masked_query(req)  # "" at once without a query string
    if query:
        fields["query"] = query
    return fields


def _user_id(store) -> int | None:
    """The logged-in user's id, without a query: only if Flask-Login already loaded the user,
    and read from the identity map (after a commit the object's attributes are expired, and
    reading one would query the database, or fail once the session is gone)."""
    user = store.get("_login_user")
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        identity = sa.inspect(user).identity
    except sa.exc.NoInspectionAvailable:
        return getattr(user, "id", None)
    return identity[0] if identity else None


def secret_values(req=None) -> set[str]:
    """The values of this request's secret route arguments and query parameters."""
    req = req or request._get_current_object()
    values = {
        str(value)
        for name, value in (req.view_args or {}).items()
        if SECRET_NAME.search(name) and value
    }
    if req.query_string:  # most pages have none: no parsing, no pass over parameters
        values |= {value for name, value in req.args.items(multi=True) if SECRET_NAME.search(name)}
    return {value for value in values if len(value) >= MIN_REDACTED_LENGTH}


def masked_path(req=None) -> str:
    """The request path with secret route arguments replaced by a mask."""
    req = req or request._get_current_object()
    path = req.path
    for name, value in (req.view_args or {}).items():
        if SECRET_NAME.search(name) and isinstance(value, str) and value:
            path = path.replace(value, MASK)
    return path[:MAX_LOGGED_URL]


def masked_query(req=None) -> str:
    """The query string with the values of secret parameters replaced by a mask."""
    req = req or request._get_current_object()
    if not req.query_string:
        return ""
    if not any(SECRET_NAME.search(name) for name in req.args):  # as sent: nothing to mask
        return req.query_string.decode("utf-8", "replace")[:MAX_LOGGED_URL]
    pairs = [
        (name, MASK if SECRET_NAME.search(name) else value)
        for name, value in req.args.items(multi=True)
    ]
    return urlencode(pairs)[:MAX_LOGGED_URL]


def init_error_reporting(app: Flask) -> None:
    """Report errors to Sentry when SENTRY_DSN is set; without it nothing is loaded or sent.

    The app's error handler logs every unexpected exception with its traceback, and Sentry's
    logging integration turns that ERROR record into an event. No personal data: no cookies,
    user, IP address, request body or local variables, and the secrets of private links are masked.
    """
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration
    from sentry_sdk.integrations.logging import ignore_logger

    with warnings.catch_warnings():
        # sentry-sdk 2.75 calls send_default_pii deprecated in favour of data_collection, but
        # False is still the documented safe value, and it means the same on every 2.x release.
        warnings.filterwarnings("ignore", "The send_default_pii option", DeprecationWarning)
        sentry_sdk.init(
            dsn=dsn,
            integrations=[FlaskIntegration()],
            send_default_pii=False,
            max_request_body_size="never",
            include_local_variables=False,  # a frame's locals may be a password or a token
            release=app.config.get("SENTRY_RELEASE") or None,
            environment=app.config.get("SENTRY_ENVIRONMENT") or app.config.get("ENV_NAME"),
            before_send=scrub_event,
        )
    ignore_logger(ACCESS_LOGGER)  # one line per request: noise as breadcrumbs, never an event


def scrub_event(event: dict, hint: dict) -> dict:
    """A Sentry event with the request's secrets masked wherever they appear."""
    if has_request_context() and "request_id" in g:
        event.setdefault("tags", {})["request_id"] = g.request_id
        if isinstance(event.get("request"), dict):
            url = urlsplit(str(event["request"].get("url", "")))
            event["request"]["url"] = urlunsplit(url._replace(path=masked_path(), query=""))
            event["request"]["query_string"] = masked_query()
            # The previous page's address may be a private link (same-origin referrers are full).
            headers = event["request"].get("headers") or {}
            event["request"]["headers"] = {k: v for k, v in headers.items() if k != "Referer"}
    return _redact_all(event)


def _redact_all(value):
    """Mask secrets in every string of a nested structure."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redact_all(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_all(item) for item in value]
    return value
