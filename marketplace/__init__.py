"""BNN's empowerment marketplace: create_app() builds the Flask application."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from config import INSTANCE_DIR, config_for

ROOT = Path(__file__).resolve().parent.parent


def create_app(env: str | None = None, overrides: dict | None = None) -> Flask:
    """Build the application for an environment (`APP_ENV`), with optional setting overrides."""
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    config_class = config_for(env)
    app.config.from_object(config_class)
    if overrides:
        app.config.update(overrides)
    config_class.check(app.config)
    trust_proxies(app)
    os.makedirs(app.instance_path, exist_ok=True)

    # First of all hooks: every request has its id before any other hook may answer it.
    from marketplace import logs

    logs.init_app(app)

    from marketplace import models, web  # noqa: F401  (models: the whole schema for Alembic)

    register_extensions(app)
    register_blueprints(app)
    web.register(app)

    from marketplace.cli import register_commands

    register_commands(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Take the client's address and scheme from the TRUSTED_PROXIES proxies in front, if any.

    ProxyFix believes only the last TRUSTED_PROXIES entries of X-Forwarded-For (the ones our own
    proxies appended), so an address a client writes there itself is never taken. The Host header
    is not taken from X-Forwarded-Host: the proxy passes Host on, and TRUSTED_HOSTS checks it.
    """
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def register_extensions(app: Flask) -> None:
    """Bind the extension objects of extensions.py to this app."""
    from marketplace import i18n
    from marketplace.db import (
        engine_options,
        guard_writes_outside_atomic,
        ping_idle_connections,
    )
    from marketplace.extensions import babel, csrf, db, limiter, login_manager, migrate

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            ping_idle_connections(engine, app.config["DATABASE_PING_AFTER_IDLE"])
            guard_writes_outside_atomic(engine, strict=app.testing)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.install_template_gettext(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from marketplace.accounts import sessions

    sessions.configure(login_manager)


def register_blueprints(app: Flask) -> None:
    """Mount each domain's blueprint."""
    from marketplace.accounts.views import bp as accounts_bp
    from marketplace.api.views import bp as api_bp
    from marketplace.artisans.staff_views import bp as staff_artisans_bp
    from marketplace.artisans.views import bp as seller_bp
    from marketplace.cart.views import bp as cart_bp
    from marketplace.catalog.views import bp as catalog_bp
    from marketplace.dashboard.views import bp as dashboard_bp
    from marketplace.mail.staff_views import bp as staff_mail_bp
    from marketplace.media.views import bp as media_bp
    from marketplace.orders.staff_views import bp as staff_orders_bp
    from marketplace.orders.views import bp as orders_bp
    from marketplace.payments.staff_views import bp as staff_payments_bp
    from marketplace.payments.stripe_views import bp as stripe_bp
    from marketplace.payments.stripe_views import staff_bp as staff_stripe_bp
    from marketplace.payments.views import bp as payments_bp
    from marketplace.regions.views import bp as regions_bp

    for blueprint in (
        catalog_bp,
        accounts_bp,
        regions_bp,
        media_bp,
        cart_bp,
        orders_bp,
        payments_bp,
        seller_bp,
        dashboard_bp,
        staff_artisans_bp,
        staff_orders_bp,
        staff_payments_bp,
        stripe_bp,
        staff_stripe_bp,
        api_bp,
        staff_mail_bp,
    ):
        app.register_blueprint(blueprint)
