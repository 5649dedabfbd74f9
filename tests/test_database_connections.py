"""Pooled PostgreSQL connections that the server closed while they sat idle (a restart, an idle
timeout) must not cost a visitor an error page: idle ones are checked before they are lent out."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace import create_app
from marketplace.extensions import db


def _app(url: str, ping_after: int):
    return create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": url, "DATABASE_PING_AFTER_IDLE": ping_after}
    )


def _kill_the_pooled_connection(app) -> None:
    """Leave one connection in the app's pool, then have the server close it."""
    with app.app_context():
        pid = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        db.session.remove()  # back into the pool, still open on our side
    killer = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with killer.connect() as conn:
        assert conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    killer.dispose()


def _dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_an_idle_connection_closed_by_the_server_is_replaced_unseen(database, postgres_only):
    app = _app(database.url, ping_after=0)  # every connection counts as idle
    _kill_the_pooled_connection(app)

    response = app.test_client().get("/healthz")

    assert response.status_code == 200
    assert response.get_json()["database"] == "ok"
    _dispose(app)


def test_a_busy_connection_is_not_pinged_and_a_broken_one_fails_only_once(database, postgres_only):
    # What the idle threshold trades: a connection back from a request a moment ago is lent
    # without a round trip; if the server closed it, one request fails and the pool is renewed.
    app = _app(database.url, ping_after=3600)
    _kill_the_pooled_connection(app)
    client = app.test_client()

    assert client.get("/healthz").status_code == 503
    assert client.get("/healthz").status_code == 200
    _dispose(app)
