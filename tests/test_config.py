"""Configuration refuses unsafe production settings and makes development easy."""

import logging
import secrets

import pytest

import config
from marketplace import create_app


@pytest.fixture(autouse=True)
def _keep_test_logging():
    """Production and development apps put their log handler on the root logger; take it off
    again, so the rest of the suite keeps pytest's logging as it was."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize("key", ["", "dev", "short-key", "changeme"])
def test_production_refuses_to_start_without_a_strong_secret_key(key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", {"SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


PRODUCTION_SETTINGS = {
    "SECRET_KEY": secrets.token_urlsafe(48),  # made afresh: a key written here would be public
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    "SITE_URL": "https://toko.bnn.go.id",
    "BANK_TRANSFER_BANK_NAME": "Bank Mandiri",
    "BANK_TRANSFER_ACCOUNT_NUMBER": "123-00-0000000-1",
    "BANK_TRANSFER_ACCOUNT_HOLDER": "BNN RI",
}


# A random-looking key, but printed here, in the project's files, for anyone to read.
PRINTED_KEY = "pU3n7QkXo1vR8sWb2ZcL9yTm4HdJg6Fa0EiKqVtN5uYwBx"


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("a" * 40, "too little variety"),
        ("x9" * 24, "too little variety"),
        ("abcd" * 12, "too little variety"),
        (config.TestingConfig.SECRET_KEY, "printed in the project"),
        (PRINTED_KEY, "printed in the project"),
    ],
)
def test_production_refuses_a_guessable_or_published_key_and_says_how_to_make_one(key, problem):
    with pytest.raises(RuntimeError, match=problem) as refused:
        create_app("production", {**PRODUCTION_SETTINGS, "SECRET_KEY": key})
    assert "secrets.token_urlsafe(48)" in str(refused.value)


def test_a_key_in_any_file_of_the_project_is_refused_and_a_fresh_one_is_not(tmp_path, monkeypatch):
    key = secrets.token_urlsafe(48)
    assert config.secret_key_problem(key) is None
    (tmp_path / "README.md").write_text(f"Example: SECRET_KEY={key}\n")
    monkeypatch.setattr(config, "BASE_DIR", tmp_path)
    assert "printed in the project" in config.secret_key_problem(key)
    assert config.secret_key_problem(secrets.token_urlsafe(48)) is None


@pytest.mark.parametrize(
    "make_key", [lambda: secrets.token_urlsafe(48), lambda: secrets.token_hex(16)]
)
def test_keys_made_the_usual_ways_are_accepted(make_key):
    for _ in range(20):
        assert config.secret_key_problem(make_key()) is None


def test_production_trusts_only_the_host_of_site_url_and_allowed_hosts():
    app = create_app(
        "production", {**PRODUCTION_SETTINGS, "ALLOWED_HOSTS": "www.toko.bnn.go.id, 10.0.0.5"}
    )
    assert app.config["TRUSTED_HOSTS"] == ["toko.bnn.go.id", "www.toko.bnn.go.id", "10.0.0.5"]


def test_production_starts_with_a_strong_secret_key_and_its_settings():
    app = create_app("production", PRODUCTION_SETTINGS)
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("name", ["SITE_URL", "BANK_TRANSFER_ACCOUNT_NUMBER"])
def test_production_refuses_to_show_buyers_a_demo_bank_account_or_links_to_localhost(name):
    with pytest.raises(RuntimeError, match=name):
        create_app("production", {**PRODUCTION_SETTINGS, name: ""})


def test_development_makes_a_secret_key_once_and_keeps_it(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app("development", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app("development", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_unknown_environment_name_is_an_error():
    with pytest.raises(RuntimeError, match="APP_ENV"):
        create_app("staging")


def test_default_database_is_sqlite_under_instance():
    assert config.default_database_url().startswith("sqlite:///")
    assert config.default_database_url().endswith("instance/marketplace.sqlite3") or (
        "marketplace.sqlite3" in config.default_database_url()
    )


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    from sqlalchemy import text

    from marketplace.extensions import db

    if app.config["DATABASE_BACKEND"] != "sqlite":
        pytest.skip("SQLite pragmas")
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def _translations_copy(tmp_path, languages):
    """A translations directory with the .po of every language and the .mo of only some."""
    import shutil

    source = config.BASE_DIR / "marketplace" / "translations"
    for language in ("id", "en"):
        target = tmp_path / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        shutil.copy(source / language / "LC_MESSAGES" / "messages.po", target)
        if language in languages:
            shutil.copy(source / language / "LC_MESSAGES" / "messages.mo", target)
    return str(tmp_path)


@pytest.mark.parametrize("missing", ["en", "id"])
def test_production_refuses_to_start_without_a_compiled_catalogue(tmp_path, missing):
    present = {"id", "en"} - {missing}
    directory = _translations_copy(tmp_path, present)
    with pytest.raises(RuntimeError) as refused:
        create_app(
            "production", {**PRODUCTION_SETTINGS, "BABEL_TRANSLATION_DIRECTORIES": directory}
        )
    message = str(refused.value)
    assert f"{tmp_path}/{missing}/LC_MESSAGES/messages.mo" in message
    assert f"pybabel compile -d {tmp_path}" in message


def test_production_starts_with_every_catalogue_compiled(tmp_path):
    directory = _translations_copy(tmp_path, {"id", "en"})
    app = create_app(
        "production", {**PRODUCTION_SETTINGS, "BABEL_TRANSLATION_DIRECTORIES": directory}
    )
    with app.test_request_context("/?lang=en"):
        from flask_babel import gettext

        assert gettext("Halaman tidak ditemukan") == "Page not found"
