"""Cross-cutting web concerns: security headers, template helpers, health and language."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from marketplace import form_html, money, request_guard
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
    app.after_request(security_headers)
    app.add_template_filter(rupiah, "rupiah")
    app.add_template_global(form_html.render_field, "render_field")
    app.add_template_global(form_html.render_label, "render_label")
    app.context_processor(template_context)


def security_headers(response):
    """Headers every response carries; pages load only what we serve (no CDN, no inline script)."""
    extra = " ".join(current_app.config.get("CSP_FORM_ACTION_EXTRA", ()))
    response.headers.setdefault(
        "Content-Security-Policy", CSP.format(form_extra=f" {extra}" if extra else "")
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    # Public responses (photos, static files) stay cacheable; pages of a logged-in user never are.
    if not response.cache_control.public and getattr(current_user, "is_authenticated", False):
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
