"""A fake Stripe on 127.0.0.1: enough of the API for the gateway, and a hosted page for browsers.

It answers what the app asks (POST /v1/checkout/sessions, GET /v1/checkout/sessions/<id>,
POST /v1/refunds), keeps Stripe's idempotency rule (the same Idempotency-Key returns the same
answer), and records every request with its form-decoded parameters so tests assert exactly what
was sent. `GET /pay/<id>` plays Stripe's hosted Checkout page: it redirects to the success URL.
Tests sign webhook events with the library's own helper (`signed_event`).
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import stripe

WEBHOOK_SECRET = "whsec_test_fake_secret_for_tests_only"
SECRET_KEY = "sk_test_fake_key_for_tests_only"


@dataclass
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    params: dict
    idempotency_key: str | None
    authorization: str


def decode_form(body: str) -> dict:
    """Stripe's form encoding (`a[b][0][c]=v`) back into nested dicts and lists."""
    root: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node):
    """Dicts keyed 0..n-1 become lists, all the way down."""
    if not isinstance(node, dict):
        return node
    node = {k: _lists(v) for k, v in node.items()}
    if node and all(k.isdigit() for k in node) and sorted(map(int, node)) == list(range(len(node))):
        return [node[str(i)] for i in range(len(node))]
    return node


@dataclass
class FakeStripe:
    """The server, its records and the objects it made."""

    requests: list[Recorded] = field(default_factory=list)
    sessions: dict[str, dict] = field(default_factory=dict)
    refunds: dict[str, dict] = field(default_factory=dict)
    replies: dict[str, tuple[int, dict]] = field(default_factory=dict)
    # Set to make the fake drop every API connection, as an unreachable Stripe would.
    down: bool = False

    def __post_init__(self):
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                fake._handle(self, "GET")

            def do_POST(self):
                fake._handle(self, "POST")

            def log_message(self, *args):
                """Quiet: tests read `requests`, not stderr."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()

    def calls(self, method: str, path: str) -> list[Recorded]:
        """The recorded requests to one endpoint (path may end in a prefix with `*`)."""
        if path.endswith("*"):
            return [r for r in self.requests if r.method == method and r.path.startswith(path[:-1])]
        return [r for r in self.requests if r.method == method and r.path == path]

    # --- the HTTP side -------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        """Route one request; record API calls."""
        url = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode() if length else ""
        if url.path.startswith("/pay/"):
            return self._hosted_page(handler, url.path.removeprefix("/pay/"))
        if self.down:
            handler.close_connection = True
            handler.connection.shutdown(2)
            return None
        params = decode_form(body or url.query)
        key = handler.headers.get("Idempotency-Key")
        with self._lock:
            self.requests.append(
                Recorded(method, url.path, params, key, handler.headers.get("Authorization", ""))
            )
            if key and key in self.replies:
                status, reply = self.replies[key]
            else:
                status, reply = self._answer(method, url.path, params, handler)
                if key and method == "POST":
                    self.replies[key] = (status, reply)
        return self._send_json(handler, status, reply)

    def _answer(self, method, path, params, handler) -> tuple[int, dict]:
        """The API's answer to one request."""
        if method == "POST" and path == "/v1/checkout/sessions":
            return 200, self._create_session(params)
        if method == "POST" and re.fullmatch(r"/v1/checkout/sessions/[^/]+/expire", path):
            found = self.sessions.get(path.split("/")[-2])
            if not found or found["status"] != "open":
                return _error(400, "session_not_open", "Only open sessions can be expired.")
            found.update(status="expired", url=None)
            return 200, found
        if method == "GET" and path.startswith("/v1/checkout/sessions/"):
            found = self.sessions.get(path.rsplit("/", 1)[-1])
            return (200, found) if found else _error(404, "resource_missing", "No such session")
        if method == "POST" and path == "/v1/refunds":
            return self._create_refund(params)
        return _error(404, "resource_missing", f"Unrecognized request URL ({method} {path})")

    def _create_session(self, params: dict) -> dict:
        """A session that totals its line items like Stripe does."""
        session_id = "cs_test_" + secrets.token_hex(12)
        total = sum(
            int(item["price_data"]["unit_amount"]) * int(item["quantity"])
            for item in params.get("line_items", [])
        )
        currency = {item["price_data"]["currency"] for item in params.get("line_items", [])}
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params.get("mode"),
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": total,
            "currency": currency.pop() if len(currency) == 1 else None,
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata", {}),
            "expires_at": int(params.get("expires_at", 0)),
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "payment_intent": None,
            "url": f"{self.base_url}/pay/{session_id}",
        }
        self.sessions[session_id] = session
        return session

    def _create_refund(self, params: dict) -> tuple[int, dict]:
        """Refund a paid session's payment intent in full, once."""
        intent = params.get("payment_intent")
        session = next(
            (s for s in self.sessions.values() if s["payment_intent"] == intent and intent), None
        )
        if session is None:
            return _error(400, "resource_missing", "No such payment_intent")
        if any(r["payment_intent"] == intent for r in self.refunds.values()):
            return _error(400, "charge_already_refunded", "Charge has already been refunded.")
        refund = {
            "id": "re_test_" + secrets.token_hex(12),
            "object": "refund",
            "amount": session["amount_total"],
            "currency": session["currency"],
            "payment_intent": intent,
            "status": "succeeded",
            "metadata": params.get("metadata", {}),
        }
        self.refunds[refund["id"]] = refund
        return 200, refund

    def _hosted_page(self, handler, session_id: str) -> None:
        """Stripe's payment page, paid at once: mark the session paid, go back to the shop."""
        session = self.sessions.get(session_id)
        if session is None:
            return self._send_json(handler, 404, {"error": "no such session"})
        self.pay(session_id)
        handler.send_response(303)
        handler.send_header("Location", session["success_url"])
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return None

    @staticmethod
    def _send_json(handler, status: int, payload: dict) -> None:
        """Write a JSON reply."""
        body = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("Request-Id", "req_" + secrets.token_hex(6))
        handler.end_headers()
        handler.wfile.write(body)

    # --- what Stripe would do on its side, for tests ---------------------------------------------

    def pay(self, session_id: str) -> dict:
        """The buyer paid on the hosted page: the session completes with a payment intent."""
        session = self.sessions[session_id]
        if session["payment_intent"] is None:
            session["payment_intent"] = "pi_test_" + secrets.token_hex(12)
        session.update(status="complete", payment_status="paid")
        return session


def _error(status: int, code: str, message: str) -> tuple[int, dict]:
    """A Stripe-shaped error body."""
    return status, {"error": {"type": "invalid_request_error", "code": code, "message": message}}


def make_event(event_type: str, obj: dict, event_id: str | None = None) -> dict:
    """A webhook event around an object, as Stripe sends it."""
    return {
        "id": event_id or "evt_test_" + secrets.token_hex(12),
        "object": "event",
        "api_version": "2026-10-28.endive",  # the API version of stripe 16.1.0
        "created": int(time.time()),
        "livemode": False,
        "type": event_type,
        "data": {"object": obj},
    }


def sign(payload: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header for a body, made by the library's own helper."""
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)


def charge_for(session: dict, *, refunded: bool = True, amount_refunded: int | None = None) -> dict:
    """The charge object of a paid session, as `charge.refunded` carries it."""
    amount = session["amount_total"]
    return {
        "id": "ch_test_" + session["payment_intent"].removeprefix("pi_test_"),
        "object": "charge",
        "amount": amount,
        "amount_refunded": amount if amount_refunded is None else amount_refunded,
        "currency": session["currency"],
        "payment_intent": session["payment_intent"],
        "refunded": refunded,
        "metadata": {},
    }
