"""Fixtures in the spirit of the Flask tutorial: app, client, runner, auth; plus the database.

The schema is built by the Alembic migrations, once per test session and backend: SQLite always,
PostgreSQL too when TEST_DATABASE_URL is set. Each test then gets a fresh copy (SQLite: a copy of
the migrated file; PostgreSQL: the tables emptied, regions kept).
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from marketplace import create_app
from marketplace.extensions import db
from marketplace.regions.services import load_regions

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])
KEPT_TABLES = {"alembic_version", "provinces", "regencies", "catalog_state"}


@dataclass
class Backend:
    """A migrated database that tests copy or reset."""

    name: str
    url: str


def pytest_report_header(config):
    """Say which databases the suite runs on, so a skipped PostgreSQL is visible."""
    if TEST_DATABASE_URL:
        return "databases: sqlite, postgresql (TEST_DATABASE_URL)"
    return "databases: sqlite only (TEST_DATABASE_URL not set: PostgreSQL runs are skipped)"


def _migrate(url: str) -> None:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        upgrade(revision="heads")
        load_regions()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database(request, tmp_path_factory) -> Backend:
    """A database migrated to head with the regions loaded."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        _migrate(f"sqlite:///{path}")
        return Backend("sqlite", str(path))
    _migrate(TEST_DATABASE_URL)
    return Backend("postgresql", TEST_DATABASE_URL)


def _empty_postgres(app) -> None:
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in db.metadata.sorted_tables if t.name not in KEPT_TABLES]
        with db.engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def app(database, tmp_path):
    """The application on a fresh database of the session's backend."""
    if database.name == "sqlite":
        copy = tmp_path / "test.sqlite3"
        shutil.copyfile(database.url, copy)
        uri = f"sqlite:///{copy}"
    else:
        uri = database.url
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": uri,
            "MEDIA_ROOT": str(tmp_path / "media"),
            "DATABASE_BACKEND": database.name,
        },
    )
    if database.name == "postgresql":
        _empty_postgres(app)
        # Every PostgreSQL test reuses one database URL, which is what the Redis page cache's
        # keys are prefixed with; a fresh prefix keeps an earlier test's pages out of this one.
        app.extensions["catalog_redis_prefix"] = f"test-{uuid.uuid4().hex[:12]}"
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class Make:
    """Factories for view tests: each call runs in its own app context and returns a detached,
    fully loaded object, so the test client's requests never share the test's session or `g`."""

    def __init__(self, app):
        self._app = app

    def __getattr__(self, name):
        from tests import factories

        factory = getattr(factories, f"make_{name}")

        def call(**kwargs):
            with self._app.app_context():
                obj = factory(**kwargs)
                db.session.refresh(obj)
                db.session.expunge(obj)
                db.session.remove()
                return obj

        return call


@pytest.fixture
def make(app):
    """`make.user(...)`, `make.artisan(...)`: test data for tests that use the client."""
    return Make(app)


@pytest.fixture
def ctx(app):
    """An application context for tests that call services directly.

    Do not combine with `client`: requests would share this context's session and `g`; view tests
    use `make` instead.
    """
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    """A test client (cookies kept between requests)."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A runner for the app's `flask` commands."""
    return app.test_cli_runner()


@pytest.fixture
def outbox(app):
    """Mail sent by the app during the test, as dicts with to, subject and body."""
    return app.extensions.setdefault("mail_sent", [])


@pytest.fixture
def postgres_only(database):
    """Skip unless the test runs on PostgreSQL."""
    if database.name != "postgresql":
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL (CI does)")


class AuthActions:
    """Log in and out through the real pages."""

    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str, next_url: str | None = None):
        """Post the login form; returns the response."""
        url = "/account/login" + (f"?next={next_url}" if next_url else "")
        return self._client.post(url, data={"email": email, "password": password})

    def logout(self):
        """Post the logout form."""
        return self._client.post("/account/logout")


@pytest.fixture
def auth(client):
    """Log the test client in and out."""
    return AuthActions(client)
