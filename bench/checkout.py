"""Checkout benchmark: orders placed per second by 16 concurrent buyers, over HTTP (gunicorn).

For each database (SQLite file, PostgreSQL) it builds a fresh schema, a catalogue (plenty of
stock, plus a few scarce products that sell out during the run, to prove there is no oversell),
starts gunicorn, and lets 16 guest buyers loop: add one or two products to the cart, open
/checkout, post it. Then it checks the database: every 303 answer is one order, no product sold
more than it had, and "stock left + units in live orders = stock received" for every product.
Prints a table; writes nothing into the test suite.

    python bench/checkout.py                      # both databases, 16 buyers, 3 rounds of 10 s
    python bench/checkout.py --backends sqlite --seconds 10
    BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/other python bench/checkout.py
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from settings import PRODUCTION_ENV, ensure_postgres_database  # bench/settings.py

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/checkout_bench"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
KEY = re.compile(r'name="idempotency_key" type="hidden" value="([^"]+)"')
SCARCE = 8  # products with little stock, sold out during the run
SCARCE_STOCK = 4
PLENTY = 300
# Threads per gunicorn worker. SQLite takes one writer at a time and makes the others poll for
# the lock with growing sleeps, so more threads only add waiting; PostgreSQL overlaps them.
THREADS = {"sqlite": 1, "postgresql": 4}
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


def free_port() -> int:
    """A free local TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask_env(url: str) -> dict:
    """Environment for the app under test: production settings on the bench database."""
    env = dict(os.environ)
    env.update(PRODUCTION_ENV)
    env.update(
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_urlsafe(48),
        MAIL_BACKEND="console",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("BENCH_PATH", "")])),
        INSTANCE_PATH=tempfile.mkdtemp(prefix="bench-instance-"),
    )
    return env


def flask(env: dict, *args: str) -> None:
    """Run a `flask --app wsgi` command, quietly unless it fails."""
    command = [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


@contextmanager
def database(backend: str, pg_url: str):
    """A fresh, migrated database URL with regions and shipping rates."""
    if backend == "sqlite":
        folder = tempfile.mkdtemp(prefix="bench-checkout-")
        url = f"sqlite:///{folder}/bench.sqlite3"
    else:
        import sqlalchemy as sa

        url = pg_url
        ensure_postgres_database(url)
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    env = flask_env(url)
    flask(env, "db", "upgrade", "heads")
    flask(env, "regions", "load")
    flask(env, "shipping", "load-defaults")
    yield url, env


def build_catalogue(url: str) -> tuple[list[int], list[int]]:
    """Verified artisans in several provinces with products; returns (plenty ids, scarce ids)."""
    from datetime import date

    from marketplace import create_app
    from marketplace.accounts.models import User
    from marketplace.artisans.models import Artisan, TrainingRecord
    from marketplace.catalog.models import Category, Product
    from marketplace.db import atomic, now_utc
    from marketplace.extensions import db

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    regencies = ["32.73", "51.04", "12.12", "33.20", "34.02", "73.71", "64.72", "94.01"]
    with app.app_context(), atomic():
        category = Category(slug="bench", name_id="Uji", name_en="Bench", position=1)
        db.session.add(category)
        products = []
        for n, regency in enumerate(regencies * 5):
            user = User(email=f"perajin{n}@bench.example.com", role="artisan", name=f"P{n}")
            db.session.add(user)
            db.session.flush()
            artisan = Artisan(
                user_id=user.id,
                slug=f"bench-{n}",
                shop_name=f"Toko Uji {n}",
                legal_name=f"Perajin {n}",
                regency_code=regency,
                province_code=regency.split(".")[0],
                status="verified",
                verified_at=now_utc(),
            )
            db.session.add(artisan)
            db.session.flush()
            db.session.add(
                TrainingRecord(
                    artisan_id=artisan.id,
                    programme="Uji",
                    batch="1",
                    training_date=date(2024, 1, 1),
                    certificate_number=f"B{n}",
                    regency_code=regency,
                    village="Desa",
                )
            )
            for k in range(PLENTY // 40 + (1 if n < SCARCE else 0)):
                scarce = n < SCARCE and k == 0
                products.append(
                    Product(
                        artisan_id=artisan.id,
                        category_id=category.id,
                        slug=f"bench-{n}-{k}",
                        title=f"Kerajinan uji {n}-{k}",
                        price_idr=random.randrange(20, 500) * 1000,
                        stock=SCARCE_STOCK if scarce else 1_000_000,
                        weight_grams=400 + 100 * k,
                        status="active",
                        published_at=now_utc(),
                    )
                )
        db.session.add_all(products)
        db.session.flush()
        plenty = [p.id for p in products if p.stock > SCARCE_STOCK]
        scarce = [p.id for p in products if p.stock == SCARCE_STOCK]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return plenty, scarce


def snapshot(url: str) -> dict[int, int]:
    """Stock received per product (stock + sold_count)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = dict(conn.execute(sa.text("SELECT id, stock + sold_count FROM products")).all())
    engine.dispose()
    return rows


def verify(url: str, received: dict[int, int], scarce: list[int], orders_seen: int) -> list[str]:
    """Problems found in the database after the run (empty when all is well)."""
    import sqlalchemy as sa

    problems = []
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        live = dict(
            conn.execute(
                sa.text(
                    "SELECT l.product_id, sum(l.quantity) FROM order_lines l "
                    "JOIN orders o ON o.id = l.order_id "
                    "WHERE o.status IN ('pending_payment', 'paid', 'completed') "
                    "GROUP BY l.product_id"
                )
            ).all()
        )
        for pid, stock, sold in conn.execute(sa.text("SELECT id, stock, sold_count FROM products")):
            units = int(live.get(pid, 0))
            if stock < 0 or sold != units or stock + units != received[pid]:
                problems.append(
                    f"product {pid}: stock {stock}, sold {sold}, live {units}, "
                    f"received {received[pid]}"
                )
        orders = conn.execute(sa.text("SELECT count(*) FROM orders")).scalar()
        keys = conn.execute(sa.text("SELECT count(DISTINCT idempotency_key) FROM orders")).scalar()
        sold_scarce = conn.execute(
            sa.text(
                "SELECT coalesce(sum(sold_count), 0) FROM products WHERE id IN :ids"
            ).bindparams(sa.bindparam("ids", expanding=True)),
            {"ids": scarce},
        ).scalar()
    engine.dispose()
    if orders != orders_seen:
        problems.append(f"{orders} orders in the database, {orders_seen} confirmed to buyers")
    if keys != orders:
        problems.append("duplicate idempotency keys")
    if sold_scarce > SCARCE_STOCK * len(scarce):
        problems.append(f"oversold: {sold_scarce} scarce units sold")
    return problems


@contextmanager
def gunicorn(env: dict, workers: int, threads: int):
    """gunicorn serving wsgi:app on a free port; yields the port."""
    port = free_port()
    handle, log = tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".log")
    os.close(handle)
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        os.environ.get("BENCH_WSGI", "wsgi:app"),
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(workers),
        "-k",
        "gthread",
        "--threads",
        str(threads),
        "--error-logfile",
        log,
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit(f"gunicorn did not start; see {log}")
        yield port, log, process.pid
    finally:
        process.terminate()
        process.wait(timeout=20)


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


def bench(backend: str, args) -> dict:
    """One backend: prepare, serve, load for several rounds, verify."""
    rounds = []
    with database(backend, args.pg_url) as (url, env):
        plenty, scarce = build_catalogue(url)
        received = snapshot(url)
        threads = args.threads or THREADS[backend]
        with gunicorn(env, args.workers, threads) as (port, log, master):
            load(port, args.buyers, 2, plenty, [])  # warm-up: imports, connections, caches
            warm = verify_count(url)
            for _ in range(args.rounds):
                rounds.append(measured_round(port, master, url, args, plenty, scarce))
        orders = sum(r["stats"].orders for r in rounds)
        problems = verify(url, received, scarce, warm + orders)
    stats = Stats(
        orders=orders,
        sold_out=sum(r["stats"].sold_out for r in rounds),
        errors=[e for r in rounds for e in r["stats"].errors],
        place_ms=[ms for r in rounds for ms in r["stats"].place_ms],
        flow_ms=[ms for r in rounds for ms in r["stats"].flow_ms],
        requests=sum(r["stats"].requests for r in rounds),
    )
    elapsed = sum(r["elapsed"] for r in rounds)
    rates = [r["stats"].orders / r["elapsed"] for r in rounds]

    def per_order(key: str) -> float:
        return sum(r[key] for r in rounds) * 1000 / orders if orders else float("nan")

    return {
        "backend": backend,
        "orders": orders,
        "orders_s": statistics.median(rates),
        "orders_s_range": (min(rates), max(rates)),
        "req_s": stats.requests / elapsed,
        "place_p50": statistics.median(stats.place_ms) if stats.place_ms else float("nan"),
        "place_p99": percentile(stats.place_ms, 0.99),
        "flow_p50": statistics.median(stats.flow_ms) if stats.flow_ms else float("nan"),
        "sold_out": stats.sold_out,
        "errors": stats.errors,
        "problems": problems,
        "log": log,
        "cpu_ms": per_order("app_cpu") + per_order("db_cpu"),
        "db_cpu_ms": per_order("db_cpu"),
        "client_cpu_ms": per_order("client_cpu"),
    }


def measured_round(port: int, master: int, url: str, args, plenty, scarce) -> dict:
    """One round of load, with the CPU the server and the buyers used during it."""
    workers, backends = server_pids(master, url)
    app_before, db_before = cpu_seconds(workers), cpu_seconds(backends)
    client_before = time.process_time()
    stats, elapsed = load(port, args.buyers, args.seconds, plenty, scarce)
    return {
        "stats": stats,
        "elapsed": elapsed,
        "client_cpu": time.process_time() - client_before,
        "app_cpu": cpu_seconds(workers) - app_before,
        "db_cpu": cpu_seconds(backends) - db_before,
    }


def server_pids(master: int, url: str) -> tuple[list[int], list[int]]:
    """The gunicorn workers, and the PostgreSQL backends serving them (other databases on the
    same server are not counted): the server side of the benchmark."""
    children = [
        int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()
    ]
    if not url.startswith("postgresql"):
        return children, []
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        backends = (
            conn.execute(
                sa.text(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            .scalars()
            .all()
        )
    engine.dispose()
    return children, list(backends)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time those processes have used so far."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def verify_count(url: str) -> int:
    """Orders in the database now."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(sa.text("SELECT count(*) FROM orders")).scalar()
    engine.dispose()
    return count


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; exit status 1 on any error or broken invariant."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--buyers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10, help="per round")
    parser.add_argument("--rounds", type=int, default=3, help="orders/s is their median")
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2))
    parser.add_argument("--threads", type=int, default=0, help="default: per database")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL))
    args = parser.parse_args(argv)
    rows = [bench(backend, args) for backend in args.backends.split(",") if backend]
    print(
        f"\ncheckout over HTTP: {args.buyers} buyers, median of {args.rounds} rounds of "
        f"{args.seconds:.0f} s, gunicorn "
        f"{args.workers} workers x threads ("
        + (str(args.threads) if args.threads else ", ".join(f"{k} {v}" for k, v in THREADS.items()))
        + f"), {os.cpu_count()} CPUs"
    )
    print(
        f"{'database':<11}{'orders':>8}{'orders/s':>10}{'rounds':>13}{'req/s':>8}{'place p50':>11}"
        f"{'place p99':>11}{'flow p50':>10}{'sold out':>10}{'errors':>8}{'server CPU':>12}"
        f"{'of it db':>10}{'buyers CPU':>12}  invariant"
    )
    failed = False
    for r in rows:
        ok = not r["problems"]
        failed |= bool(r["errors"] or r["problems"])
        print(
            f"{r['backend']:<11}{r['orders']:>8}{r['orders_s']:>10.1f}"
            f"{'{:.0f}-{:.0f}'.format(*r['orders_s_range']):>13}{r['req_s']:>8.0f}"
            f"{r['place_p50']:>9.1f}ms{r['place_p99']:>9.1f}ms{r['flow_p50']:>8.1f}ms"
            f"{r['sold_out']:>10}{len(r['errors']):>8}{r['cpu_ms']:>7.1f}ms/o"
            f"{r['db_cpu_ms']:>6.1f}ms/o{r['client_cpu_ms']:>8.1f}ms/o"
            f"  {'ok' if ok else 'BROKEN'}"
        )
        for line in r["errors"][:5] + r["problems"][:5]:
            print(f"    {line}")
        if r["errors"]:
            print(f"    gunicorn log: {r['log']}")
    print(
        "server CPU = CPU time of the gunicorn workers and their PostgreSQL backends per order\n"
        "(of it db: the backends' share); buyers CPU = the load generator's own CPU per order;\n"
        f"{os.cpu_count()} dedicated CPUs could serve about {os.cpu_count()} x 1000 / that many "
        "orders/s (the machine also runs the buyers, and whatever else is running on it)."
    )
    print(f"load average during the run: {os.getloadavg()[0]:.1f}")
    print("goal: >= 100 orders/s (median) on each database, no error, invariant ok")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
