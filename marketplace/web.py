"""Cross-cutting web concerns: security headers, template helpers, health and language."""

from __future__ import annotations

import os
from functools import lru_cache

from flask import Blueprint, Flask, current_app, jsonify, redirect, request, session, url_for
from flask_compress import Compress
from flask_login import current_user
from sqlalchemy import text

from marketplace import form_html, money, request_guard, static_files
from marketplace.errors import register_error_handlers
from marketplace.extensions import csrf, db
from marketplace.i18n import current_language
from marketplace.urls import safe_next

bp = Blueprint("web", __name__)

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'{form_extra}"
)


def register(app: Flask) -> None:
    """Install headers, filters, context, error pages and the small routes of this module."""
    register_error_handlers(app)
    request_guard.register(app)
    app.register_blueprint(bp)
    # Compression first: after_request hooks run last-registered first, so it sees every header
    # set below (ETag, Vary) and adds Vary: Accept-Encoding to each response.
    register_compression(app)
    static_files.register(app)
    app.after_request(security_headers)
    app.add_template_filter(rupiah, "rupiah")
    app.add_template_global(form_html.render_field, "render_field")
    app.add_template_global(form_html.render_label, "render_label")
    app.context_processor(template_context)
    # Times people read carry their zone and no seconds (overrides Flask-Babel's filter).
    from marketplace.i18n import install_datetime_filter

    install_datetime_filter(app)


def register_compression(app: Flask) -> None:
    """Flask-Compress (brotli, else gzip: config.COMPRESS_*), run only for a client that accepts
    some encoding; every other response just gets its `Vary: Accept-Encoding`."""
    compress = Compress()
    app.config["COMPRESS_REGISTER"] = False  # the hook below calls it
    compress.init_app(app)

    def compress_if_accepted(response):
        accepted = request.environ.get("HTTP_ACCEPT_ENCODING", "")
        if accepted and accepted.strip().lower() != "identity":
            return compress.after_request(response)
        vary = response.headers.get("Vary")  # as Flask-Compress itself does it
        if not vary:
            response.headers["Vary"] = "Accept-Encoding"
        elif "accept-encoding" not in vary.lower():
            response.headers["Vary"] = f"{vary}, Accept-Encoding"
        return response

    app.after_request(compress_if_accepted)


@lru_cache(maxsize=8)
def content_security_policy(form_action_extra: tuple[str, ...]) -> str:
    """The CSP header for the extra form targets (a payment provider's page), made once."""
    extra = " ".join(form_action_extra)
    return CSP.format(form_extra=f" {extra}" if extra else "")


def security_headers(response):
    """Headers every response carries; pages load only what we serve (no CDN, no inline script)."""
    extra = tuple(current_app.config.get("CSP_FORM_ACTION_EXTRA", ()))
    response.headers.setdefault("Content-Security-Policy", content_security_policy(extra))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    # Public responses (photos, static files: see static_files.py) stay cacheable for everyone;
    # pages of a logged-in user never are.
    if getattr(current_user, "is_authenticated", False) and not response.cache_control.public:
        response.headers["Cache-Control"] = "private, no-store"
        response.vary.add("Cookie")
    return response


def rupiah(amount: int) -> str:
    """Jinja filter: an amount of Rupiah in the page's language."""
    return money.format_idr(int(amount), current_language())


def template_context() -> dict:
    """Values every template can use."""
    return {
        "current_language": current_language(),
        "languages": current_app.config["LANGUAGES"],
        "site_name": current_app.config["SITE_NAME"],
        "cart_count": cart_count(),
    }


def cart_count() -> int:
    """Items in the visitor's cart; the cart domain replaces this when it lands."""
    count_func = current_app.extensions.get("cart_count")
    return count_func() if count_func else 0


@bp.get("/healthz")
@csrf.exempt
def healthz():
    """JSON health for load balancers: the app answers and the database answers."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # any failure means "not healthy"; the detail goes to the log only
        current_app.logger.exception("health check: database unavailable")
        db.session.rollback()
        database = "unavailable"
    status = "ok" if database == "ok" else "degraded"
    return jsonify(status=status, database=database), (200 if database == "ok" else 503)


@bp.get("/readyz")
@csrf.exempt
def readyz():
    """JSON readiness for load balancers: 503 unless the database, Redis (when REDIS_URL is set)
    and the photo storage all answer, so a server that cannot serve is taken out of rotation."""
    checks = {
        "database": _ready_database(),
        "redis": _ready_redis(current_app.config.get("REDIS_URL")),
        "storage": _ready_storage(),
    }
    ready = all(state in ("ok", "not configured") for state in checks.values())
    return jsonify(status="ok" if ready else "unavailable", **checks), (200 if ready else 503)


def _ready_database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception:  # any failure means "not ready"; the detail goes to the log only
        current_app.logger.exception("readiness: database unavailable")
        db.session.rollback()
        return "unavailable"


def _ready_redis(url: str | None) -> str:
    if not url:
        return "not configured"
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
        return "ok"
    except (redis.RedisError, OSError):
        current_app.logger.warning("readiness: Redis unavailable", exc_info=True)
        return "unavailable"
    finally:
        client.close()


def _ready_storage() -> str:
    """The photo storage takes a write: a full disk or a read-only mount fails uploads."""
    from marketplace.media.storage import get_storage

    storage, probe = get_storage(), f".readyz-{os.getpid()}"
    try:
        storage.save(probe, b"ready")
        storage.delete(probe)
        return "ok"
    except OSError:
        current_app.logger.warning("readiness: photo storage not writable", exc_info=True)
        return "unavailable"


@bp.post("/language")
def set_language():
    """Keep the chosen language in the session (and on the account), then go back."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated and current_user.locale != lang:
            from marketplace.accounts.services import set_locale

            set_locale(user_id=current_user.id, locale=lang)
    return redirect(safe_next(request.form.get("next"), url_for("catalog.home")))
