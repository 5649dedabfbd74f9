"""Browser tests: one live server on its own SQLite file, one headless chromium, per session.

The e2e tests never use the `app`/`database` fixtures of tests/conftest.py: they talk to a real
server over HTTP, so they run once (not once per database backend) against a migrated, seeded
SQLite file. Where chromium is missing or will not start, every browser test is skipped with the
reason; point `E2E_CHROMIUM_PATH` elsewhere to use another binary (or a missing one, to check that).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

CHROMIUM_PATH = os.environ.get("E2E_CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def database():
    """Overrides tests/conftest.py's per-backend database: no e2e test runs once per backend."""
    pytest.fail("e2e tests use `live_server` (their own SQLite server), not `app`/`database`")


@pytest.fixture(scope="session")
def browser():
    """A headless chromium (Debian's), shared by the whole session; skips when it cannot run."""
    if not os.path.exists(CHROMIUM_PATH):
        pytest.skip(f"browser tests need chromium at {CHROMIUM_PATH} (apt-get install chromium)")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev extras pin playwright
        pytest.skip("browser tests need the playwright package (pip install -e .[dev])")
    manager = sync_playwright().start()
    try:
        launched = manager.chromium.launch(
            executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS, headless=True
        )
    except PlaywrightError as error:
        manager.stop()
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        pytest.skip(f"playwright cannot launch chromium at {CHROMIUM_PATH}: {first_line}")
    yield launched
    launched.close()
    manager.stop()


@pytest.fixture(scope="session")
def live_server(browser, tmp_path_factory) -> Iterator[str]:
    """Base URL of the app served on a random local port, migrated, with regions and demo data.

    It asks for `browser` first so that a machine without chromium skips before building anything.
    """
    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.demo import seed_demo
    from marketplace.extensions import db
    from marketplace.regions.services import load_regions

    root = tmp_path_factory.mktemp("e2e")
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'e2e.sqlite3'}",
            "MEDIA_ROOT": str(root / "media"),
            "DATABASE_BACKEND": "sqlite",
        },
    )
    with app.app_context():
        upgrade()
        load_regions()
        seed_demo()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["SITE_URL"] = f"http://127.0.0.1:{server.server_port}"  # mailed links lead here
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def page(browser, live_server):
    """A fresh tab in its own context (no cookies from other tests), phone-sized by default.

    Relative URLs work: `page.goto("/account/login")`.
    """
    context = browser.new_context(viewport=PHONE, base_url=live_server)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()
