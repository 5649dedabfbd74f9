"""Log lines are JSON with the request's id, errors carry their traceback, secrets stay out."""

from __future__ import annotations

import json
import logging
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from marketplace import create_app
from marketplace.logs import HANDLER_NAME


@pytest.fixture
def json_app(app):
    """The test app with production's JSON logging on stderr (root's handlers restored after)."""
    from marketplace import logs

    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    logs.configure_logging("json", "INFO")
    yield app
    for handler in list(root.handlers):
        if handler.get_name() == HANDLER_NAME:
            root.removeHandler(handler)
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def json_lines(captured: str) -> list[dict]:
    """Every stderr line, each of which must be a JSON object."""
    return [json.loads(line) for line in captured.splitlines() if line.strip()]


def access_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "marketplace.access"]


def test_a_request_logs_one_json_line_with_its_id_also_sent_back(json_app, capsys):
    capsys.readouterr()
    response = json_app.test_client().get(
        "/products?q=batik", headers={"X-Request-ID": "lb-7f3a.2"}
    )
    assert response.headers["X-Request-ID"] == "lb-7f3a.2"
    lines = access_lines(json_lines(capsys.readouterr().err))
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == "lb-7f3a.2"
    assert line["method"] == "GET" and line["path"] == "/products"
    assert line["query"] == "q=batik"
    assert line["status"] == 200 and line["level"] == "INFO"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["time"].endswith("Z") and "T" in line["time"]
    assert "user_id" not in line


def test_the_access_line_names_the_logged_in_user(json_app, make, capsys):
    user = make.user(email="ada@example.com")
    client = json_app.test_client()
    client.post(
        "/account/login", data={"email": "ada@example.com", "password": "kain-tenun-biru-77"}
    )
    capsys.readouterr()
    client.get("/")
    client.post("/language", data={"lang": "en"})  # saves the choice on the account: a commit
    lines = access_lines(json_lines(capsys.readouterr().err))
    assert [(line["path"], line["status"], line["user_id"]) for line in lines] == [
        ("/", 200, user.id),
        ("/language", 302, user.id),
    ]


def test_without_an_incoming_id_each_request_gets_a_fresh_one(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != second


@pytest.mark.parametrize(
    "forged", ["x" * 5000, "abc\u00e9", "a b", "id;rm -rf /", "<script>alert(1)</script>"]
)
def test_a_forged_or_huge_request_id_is_replaced(json_app, capsys, forged):
    capsys.readouterr()
    response = json_app.test_client().get("/healthz", headers={"X-Request-ID": forged})
    sent_back = response.headers["X-Request-ID"]
    assert sent_back != forged and len(sent_back) == 32
    (line,) = access_lines(json_lines(capsys.readouterr().err))
    assert line["request_id"] == sent_back
    assert forged not in json.dumps(line)


def test_an_error_logs_its_traceback_in_one_json_line(json_app, capsys):
    @json_app.get("/boom")
    def boom():
        raise RuntimeError("stock ledger out of step")

    capsys.readouterr()
    response = json_app.test_client().get("/boom", headers={"X-Request-ID": "req-boom"})
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "req-boom"
    lines = json_lines(capsys.readouterr().err)
    (error,) = [line for line in lines if line["level"] == "ERROR"]
    assert error["request_id"] == "req-boom" and error["path"] == "/boom"
    assert error["exception"] == "RuntimeError"
    assert error["traceback"].startswith("Traceback (most recent call last)")
    assert "stock ledger out of step" in error["traceback"] and "in boom" in error["traceback"]
    (access,) = access_lines(lines)
    assert access["status"] == 500 and access["level"] == "WARNING"


def test_private_link_tokens_never_reach_the_log(json_app, capsys):
    token = "f" * 32
    client = json_app.test_client()
    capsys.readouterr()
    client.get(f"/orders/BNN-261201-ABCDEF?token={token}")
    client.get(f"/account/password/reset/{token}xyz")
    captured = capsys.readouterr().err
    assert token not in captured
    paths = [line["path"] for line in access_lines(json_lines(captured))]
    assert paths == ["/orders/BNN-261201-ABCDEF", "/account/password/reset/[masked]"]
    assert "token=%5Bmasked%5D" in captured


def test_a_message_repeating_a_secret_path_is_masked(json_app, capsys):
    @json_app.get("/fails/<token>")
    def fails(token):
        raise RuntimeError(f"could not use link {token}")

    capsys.readouterr()
    json_app.test_client().get("/fails/s3cr3t-link-value")
    captured = capsys.readouterr().err
    assert "s3cr3t-link-value" not in captured
    assert "[masked]" in captured


def test_testing_leaves_records_to_caplog(app, caplog):
    caplog.set_level(logging.INFO, logger="marketplace.access")
    app.test_client().get("/healthz", headers={"X-Request-ID": "caplog-1"})
    records = [r for r in caplog.records if r.name == "marketplace.access"]
    assert [(r.request_id, r.status) for r in records] == [("caplog-1", 200)]


class FakeSentry(BaseHTTPRequestHandler):
    """Accepts Sentry envelopes (POST /api/<project>/envelope/) and keeps their bodies."""

    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            import gzip

            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            import brotli

            body = brotli.decompress(body)
        FakeSentry.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_sentry():
    """A local HTTP server standing in for Sentry; yields its DSN."""
    FakeSentry.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSentry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://public@127.0.0.1:{server.server_address[1]}/1"
    import sentry_sdk

    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)  # back to the client that records nothing
    server.shutdown()
    server.server_close()


def envelope_items(body: bytes) -> list[dict]:
    """The JSON lines of a Sentry envelope (header, item headers, payloads)."""
    items = []
    for line in body.split(b"\n"):
        try:
            items.append(json.loads(line))
        except ValueError:
            continue
    return items


def test_sentry_dsn_reports_an_error_to_the_server_without_personal_data(
    database, tmp_path, fake_sentry
):
    import sentry_sdk

    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/db.sqlite3",
            "SENTRY_DSN": fake_sentry,
            "SENTRY_RELEASE": "bnn-marketplace@test",
        },
    )

    @app.get("/orders/<number>/explode")
    def explode(number):
        raise ZeroDivisionError("ledger split by zero")

    token, cookie = secrets.token_hex(16), secrets.token_hex(16)  # not in the source context
    response = app.test_client().get(
        f"/orders/BNN-1/explode?token={token}", headers={"Cookie": f"bnn_session={cookie}"}
    )
    assert response.status_code == 500
    sentry_sdk.flush(timeout=5)
    bodies = b"".join(FakeSentry.received)
    events = [i for i in envelope_items(bodies) if "exception" in i or "logentry" in i]
    assert events, bodies[:500]
    event = events[0]
    types = [v["type"] for v in event["exception"]["values"]]
    assert "ZeroDivisionError" in types
    assert event["release"] == "bnn-marketplace@test" and event["environment"] == "testing"
    assert token.encode() not in bodies and cookie.encode() not in bodies
    assert "ip_address" not in event.get("user", {})
    frames = event["exception"]["values"][-1]["stacktrace"]["frames"]
    assert frames and not any("vars" in frame for frame in frames)  # locals may hold secrets


def test_without_sentry_dsn_sentry_is_not_even_loaded():
    import subprocess
    import sys

    script = (
        "import sys; from marketplace import create_app; create_app('testing'); "
        "print('sentry_sdk' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"


def test_under_gunicorn_its_own_lines_and_the_apps_are_json(tmp_path):
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "BANK_TRANSFER_BANK_NAME": "Bank Mandiri",
        "BANK_TRANSFER_ACCOUNT_NUMBER": "123-00-0000000-1",
        "BANK_TRANSFER_ACCOUNT_HOLDER": "BNN RI",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "PYTHONPATH": str(root),
    }
    env.pop("REDIS_URL", None)
    env.pop("SENTRY_DSN", None)
    log = (tmp_path / "stderr.log").open("w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=root,
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 60
        while True:  # wait until gunicorn listens, then ask once
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, log.name
                time.sleep(0.2)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/healthz", headers={"X-Request-ID": "gunicorn-1"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            assert response.headers["X-Request-ID"] == "gunicorn-1"
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = json_lines((tmp_path / "stderr.log").read_text())
    assert any(line["logger"] == "gunicorn.error" for line in lines)
    (access,) = access_lines(lines)
    assert access["request_id"] == "gunicorn-1" and access["path"] == "/healthz"
