"""Headers, health, errors and language on every page."""

import pytest


def test_every_response_has_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_script(client):
    for url in ["/", "/account/login", "/account/register", "/does-not-exist"]:
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and "onclick=" not in html and 'style="' not in html


def test_session_cookie_is_httponly_and_samesite(client, make):
    make.user(email="ada@example.com")
    response = client.post(
        "/account/login", data={"email": "ada@example.com", "password": "kain-tenun-biru-77"}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure():
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_says_when_the_database_is_down(tmp_path):
    from marketplace import create_app

    app = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/db.sqlite3"}
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"


@pytest.mark.parametrize(
    ("lang", "text"), [("id", "Halaman tidak ditemukan"), ("en", "Page not found")]
)
def test_404_page_in_both_languages(client, lang, text):
    response = client.get("/tidak-ada", query_string={"lang": lang})
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)


def test_api_errors_are_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_an_unexpected_error_shows_a_friendly_page_without_traceback(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Terjadi kesalahan" in body
    assert "secret internals" not in body and "Traceback" not in body


def test_request_body_over_the_limit_is_413(app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = app.test_client().post("/account/login", data={"email": "x" * 5000})
    assert response.status_code == 413
    assert "terlalu besar" in response.get_data(as_text=True)


def test_language_choice_is_kept_in_the_session(client):
    assert 'lang="id"' in client.get("/").get_data(as_text=True)
    response = client.post("/language", data={"lang": "en", "next": "/account/login"})
    assert response.headers["Location"] == "/account/login"
    assert 'lang="en"' in client.get("/").get_data(as_text=True)


def test_language_switch_never_redirects_off_site(client):
    response = client.post("/language", data={"lang": "en", "next": "//evil.example"})
    assert response.headers["Location"] == "/"


def test_unknown_language_is_ignored(client):
    client.post("/language", data={"lang": "fr"})
    assert 'lang="id"' in client.get("/").get_data(as_text=True)


def _closed_port() -> int:
    """A local port nothing listens on."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_readyz_is_ok_when_database_and_storage_answer(app, tmp_path):
    app.config.update(REDIS_URL="", MEDIA_ROOT=str(tmp_path / "media"))
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "database": "ok",
        "redis": "not configured",
        "storage": "ok",
    }
    assert list((tmp_path / "media").iterdir()) == []  # the probe file is gone


def test_readyz_checks_redis_when_it_is_configured(app):
    import os

    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs a Redis server: set REDIS_URL")
    app.config["REDIS_URL"] = url
    response = app.test_client().get("/readyz")
    assert response.status_code == 200 and response.get_json()["redis"] == "ok"


def test_readyz_is_503_when_redis_is_down(app):
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{_closed_port()}/0"
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable" and body["redis"] == "unavailable"
    assert body["database"] == "ok"


def test_readyz_is_503_when_photos_cannot_be_written(app, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where MEDIA_ROOT should be")
    app.config.update(REDIS_URL="", MEDIA_ROOT=str(blocker))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["storage"] == "unavailable"


def test_readyz_is_503_when_the_database_is_down(tmp_path):
    from marketplace import create_app

    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/db.sqlite3",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "REDIS_URL": "",
        },
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"
