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
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checkout_buyers import Stats, load, percentile  # noqa: E402 - bench/ modules
from checkout_data import (  # noqa: E402
    build_catalogue,
    database,
    snapshot,
    verify,
    verify_count,
)

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/checkout_bench"
# Threads per gunicorn worker. SQLite takes one writer at a time and makes the others poll for
# the lock with growing sleeps, so more threads only add waiting; PostgreSQL overlaps them.
THREADS = {"sqlite": 1, "postgresql": 4}


def free_port() -> int:
    """A free local TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env: dict, workers: int, threads: int, log: Path):
    """gunicorn serving wsgi:app on a free port, its log (the app's JSON access lines and
    gunicorn's own) in the file `log`; yields the port, the log and the master's pid."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        os.environ.get("BENCH_WSGI", "wsgi:app"),
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(workers),
        "-k",
        "gthread",
        "--threads",
        str(threads),
        "--log-level",
        "warning",
    ]
    with log.open("w") as handle:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=handle)
    try:
        for _ in range(200):
            if process.poll() is not None:
                raise SystemExit(f"gunicorn stopped; see {log}")
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


def bench(backend: str, args) -> dict:
    """One backend: prepare, serve, load for several rounds, verify."""
    rounds = []
    with database(backend, args.pg_url) as (url, env, folder):
        plenty, scarce = build_catalogue(url)
        received = snapshot(url)
        threads = args.threads or THREADS[backend]
        with gunicorn(env, args.workers, threads, folder / "server.log") as (port, log, master):
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
        if r["errors"] or r["problems"]:
            print(f"    server log: {r['log']}")
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
