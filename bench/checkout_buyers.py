"""The buyers of bench/checkout.py: guests with a cookie jar on a keep-alive connection, each
looping "add one or two products, open /checkout, place the order", and what they saw."""

from __future__ import annotations

import http.client
import random
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
KEY = re.compile(r'name="idempotency_key" type="hidden" value="([^"]+)"')
ADDRESS = {
    "name": "Pembeli Uji",
    "phone": "0812 3456 7890",
    "email": "pembeli.uji@example.com",
    "street": "Jl. Merdeka No. 1, RT 01/RW 02",
    "village": "",
    "province_code": "35",
    "regency_code": "35.78",
    "postal_code": "60265",
    "payment_method": "manual_transfer",
    "action": "place",
}


@dataclass
class Stats:
    """What the buyers saw."""

    orders: int = 0
    sold_out: int = 0
    errors: list[str] = field(default_factory=list)
    place_ms: list[float] = field(default_factory=list)
    flow_ms: list[float] = field(default_factory=list)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Buyer:
    """One guest with a browser-like cookie jar, on a keep-alive connection."""

    def __init__(self, port: int, stats: Stats, rng: random.Random):
        """A fresh guest."""
        self.port, self.stats, self.rng = port, stats, rng
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""
        self.csrf = ""

    def request(self, method: str, path: str, form: dict | None = None):
        """One request; returns (status, body text)."""
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("bnn_session="):
                self.cookie = value.split(";", 1)[0]
        with self.stats.lock:
            self.stats.requests += 1
        return response.status, text

    def start_session(self) -> None:
        """Forget the cart and get a CSRF token for a new guest session."""
        self.cookie = ""
        _status, text = self.request("GET", "/cart")
        self.csrf = TOKEN.search(text).group(1)

    def order(self, plenty: list[int], scarce: list[int]) -> None:
        """Add one or two products, open checkout, place the order."""
        started = time.perf_counter()
        picks = [self.rng.choice(plenty)]
        if self.rng.random() < 0.25:
            picks.append(self.rng.choice(plenty))
        if scarce and self.rng.random() < 0.1:
            picks.append(self.rng.choice(scarce))
        for pid in set(picks):
            status, _ = self.request(
                "POST", "/cart/add", {"product_id": pid, "quantity": 1, "csrf_token": self.csrf}
            )
            if status == 422:  # a scarce product already sold out: shop elsewhere
                continue
            if status != 303:
                raise RuntimeError(f"cart/add answered {status}")
        status, text = self.request("GET", "/checkout")
        if status == 302:  # everything was sold out; start again
            return
        if status != 200:
            raise RuntimeError(f"GET /checkout answered {status}")
        key = KEY.search(text).group(1)
        placed = time.perf_counter()
        status, text = self.request(
            "POST", "/checkout", {**ADDRESS, "idempotency_key": key, "csrf_token": self.csrf}
        )
        done = time.perf_counter()
        with self.stats.lock:
            if status == 303:
                self.stats.orders += 1
                self.stats.place_ms.append((done - placed) * 1000)
                self.stats.flow_ms.append((done - started) * 1000)
            elif status == 409:
                self.stats.sold_out += 1
            else:
                self.stats.errors.append(f"POST /checkout answered {status}")
        if status == 409:
            self.start_session()


def load(port: int, buyers: int, seconds: float, plenty, scarce) -> tuple[Stats, float]:
    """Run the buyers for `seconds`; returns the stats and the elapsed time."""
    stats = Stats()
    stop = time.perf_counter() + seconds

    def run(n: int) -> None:
        """One buyer placing orders until the time is up."""
        buyer = Buyer(port, stats, random.Random(n))
        try:
            buyer.start_session()
            while time.perf_counter() < stop:
                buyer.order(plenty, scarce)
        except Exception as exc:  # every failure is reported in the table
            with stats.lock:
                stats.errors.append(repr(exc))

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(n,)) for n in range(buyers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return stats, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
