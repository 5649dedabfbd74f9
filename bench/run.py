"""Storefront benchmark (`make bench`): real HTTP load against gunicorn, compared with a floor.

What it does, in a throwaway directory (nothing in the repository changes):

1. a fresh database per --database (SQLite file, PostgreSQL): migrations, regions,
   `generate-data` (500 artisans in all 38 provinces, 10,000 products; bench/catalog.py);
2. the app under gunicorn (2 workers) on a free port (bench/counted.py: wsgi:app plus a count of
   page-cache hits), and beside it under the same gunicorn settings a bare Flask app that answers
   with a body of the same size as each measured page (bench/floor.py): the floor, i.e. what this
   machine, Python, WSGI and gunicorn cost anyway; and a plain Flask + SQLAlchemy + Jinja page
   with one JOIN query (bench/reference.py);
3. each page, then the floor at that page's size, with `wrk` at concurrency 16 for --duration
   seconds (after a short warm-up), or with a small threaded Python load generator when wrk is
   missing and cannot be installed (`apt-get install wrk`). "Cache hit" rows send one URL over
   and over; "cache miss" rows give every request its own URL (bench/miss.lua walking the URLs
   of bench/miss_paths.py), and need wrk;
4. a table: requests/s, median and 99th-percentile latency, each page's requests/s as a share of
   its floor and of the reference, the measured page-cache hit rate, the goals (bench/report.py);
5. the mixed run (bench/mixed.py): browsing, searching and buying at once, with the hit rate.

The standard library, SQLAlchemy (to read the catalogue) and subprocesses; run with the
project's venv Python.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import catalog  # noqa: E402  (bench/catalog.py: the data and the pages)
from miss_paths import miss_paths  # noqa: E402  (bench/miss_paths.py: the cache-miss URLs)
from mixed import measure_mixed, print_mixed  # noqa: E402  (bench/mixed.py: buying too)
from pyload import Result, python_load  # noqa: E402  (bench/pyload.py: used when wrk is missing)
from report import Row, print_table  # noqa: E402  (bench/report.py: the table and the goals)
from settings import PRODUCTION_ENV, ensure_postgres_database  # noqa: E402  (bench/settings.py)

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_storefront"
MISS_SCRIPT = BENCH / "miss.lua"
# How far a miss run's start moves past the previous run's requests: more URLs than a worker's
# cache holds, so that the URLs the threads sent last (they do not stop exactly together) are gone.
MISS_GAP = 300


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(args: list[str], env: dict, quiet: bool = True) -> str:
    """Run a command in the repository; its output, or exit with it on failure."""
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{done.stdout}\n{done.stderr}")
    if not quiet:
        print(done.stdout.strip())
    return done.stdout


@contextmanager
def gunicorn(app: str, env: dict, settings: list[str], log: Path):
    """Serve a WSGI app under gunicorn on a free port; yields the base URL."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", *settings, "-b", f"127.0.0.1:{port}", app]
    with log.open("w") as handle:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=handle)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()  # noqa: S310
                break
            except OSError:
                if process.poll() is not None:
                    sys.exit(f"gunicorn stopped: see {log}")
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def ensure_wrk() -> str | None:
    """The wrk binary, installing Debian's package when we may; None if it stays missing."""
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    print("installing wrk (apt-get install wrk)...")
    for args in (["apt-get", "install", "-y", "-q", "wrk"], ["apt-get", "update", "-q"]):
        subprocess.run(args, capture_output=True, check=False)
        if shutil.which("wrk"):
            break
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True, check=False)
    return shutil.which("wrk")


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk_load(
    wrk: str, url: str, seconds: float, connections: int, cookie: str, walk: tuple | None = None
) -> Result:
    """Run wrk and read requests/s and the 50% / 99% latencies from its report.

    walk = (paths file, start): every request its own URL (bench/miss.lua), from that start.
    """
    threads = min(connections, os.cpu_count() or 2)
    duration = f"{max(1, round(seconds))}s"
    command = [wrk, "-t", str(threads), "-c", str(connections), "-d", duration, "--latency"]
    # wrk drops a request slower than its timeout (2 s by default) from the latencies; a slow
    # search must show in p99, so wait longer and count the ones that still time out as errors.
    command += ["--timeout", "10s"]
    command += ["-H", f"Cookie: {cookie}"]
    if walk:
        command += ["-s", str(MISS_SCRIPT), url, "--", str(walk[0]), str(walk[1]), str(threads)]
    else:
        command.append(url)
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def latency(percent: str) -> float:
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(match[1]) * UNITS[match[2]]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", out)
    requests = int(re.search(r"(\d+) requests in", out)[1])
    return Result(
        rps,
        latency("50"),
        latency("99"),
        (int(errors[1]) if errors else 0) + (int(timeouts[1]) if timeouts else 0),
        requests,
    )


def session_cookie(url: str) -> str:
    """The cookies of a returning visitor: a first visit's, sent back until they stop changing.

    Browsers send back what they were given; wrk only sends one fixed header, so the cookie is
    settled first (the session gets its CSRF token, then Flask-Login's marker), as a browser's is
    after a page or two.
    """
    jar: dict[str, str] = {}
    for _ in range(5):
        cookie = "; ".join(f"{name}={value}" for name, value in jar.items())
        request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
        with urllib.request.urlopen(request) as response:  # noqa: S310 - our own local server
            fresh = response.headers.get_all("Set-Cookie") or []
        if not fresh:
            break
        for header in fresh:
            name, _, value = header.split(";", 1)[0].partition("=")
            jar[name] = value
    return "; ".join(f"{name}={value}" for name, value in jar.items())


class Load:
    """The load generator of one run, with the cookie of a returning visitor."""

    def __init__(self, wrk: str | None, seconds: float, connections: int, cookie: str):
        """wrk when there is one (else Python threads)."""
        self.wrk, self.seconds, self.connections, self.cookie = wrk, seconds, connections, cookie
        self.starts: dict[Path, int] = {}  # where the next walk of each paths file begins

    def once(self, url: str, seconds: float, paths: Path | None = None) -> Result:
        """One load run; with paths, every request its own URL, continuing the previous walk."""
        if not self.wrk:
            return python_load(url, seconds, self.connections, self.cookie)
        walk = (paths, self.starts.get(paths, 0)) if paths else None
        result = wrk_load(self.wrk, url, seconds, self.connections, self.cookie, walk)
        if paths:
            self.starts[paths] = walk[1] + result.requests + MISS_GAP
        return result

    def measure(self, url: str, paths: Path | None = None, counts=None) -> tuple[Result, float]:
        """Warm up (fills caches, or walks on), then measure; and the page-cache hit rate."""
        self.once(url, min(2.0, self.seconds), paths)
        before = counts() if counts else None
        result = self.once(url, self.seconds, paths)
        if not counts:
            return result, None
        after = counts()
        hits, misses = after[0] - before[0], after[1] - before[1]
        return result, hits / (hits + misses) if hits + misses else None


def cache_counts(base: str, workers: int) -> tuple[int, int, str]:
    """(hits, misses) of the whole-page cache summed over every worker, and the code's path.

    Each request reaches one worker, so ask (new connection each time) until all have answered;
    a worker still finishing a slow page from the load (a search) answers a little later.
    """
    seen: dict[int, dict] = {}
    deadline = time.monotonic() + 60
    while len(seen) < workers and time.monotonic() < deadline:
        with urllib.request.urlopen(base + "/_bench/page-cache") as response:  # noqa: S310
            answer = json.loads(response.read())
        seen[answer["pid"]] = answer
        time.sleep(0.02)
    if len(seen) < workers:
        sys.exit(f"heard only {len(seen)} of {workers} workers on /_bench/page-cache")
    code = {answer["code"] for answer in seen.values()}
    return (
        sum(a["hits"] for a in seen.values()),
        sum(a["misses"] for a in seen.values()),
        ", ".join(code),
    )


def body_size(url: str) -> int:
    """The page's size in bytes (as wrk gets it: uncompressed), failing loudly on an error."""
    return len(urllib.request.urlopen(url).read())  # noqa: S310


def prepare_database(name: str) -> str | None:
    """The URL of a fresh empty database for name, or None (with a note) when unreachable."""
    if name == "sqlite":
        return "sqlite"  # made in the working directory
    url = os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL)
    try:
        import sqlalchemy as sa

        ensure_postgres_database(url)
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    except Exception as error:  # no server: the SQLite rows still stand
        print(f"PostgreSQL skipped: {url} does not answer ({type(error).__name__}: {error})")
        return None
    return url


def measure_database(name: str, url: str, options, wrk: str | None, workdir: Path) -> list[Row]:
    """Build the catalogue on one database, serve it, and measure every row."""
    if url == "sqlite":
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = {
        **os.environ,
        **PRODUCTION_ENV,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(workdir / "media"),
        "INSTANCE_PATH": str(workdir / "instance"),
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(BENCH)]),
    }
    env.pop("REDIS_URL", None)  # the in-process cache is what is measured
    print(f"== {name}: building the catalogue")
    catalog.build(env, workdir, run, artisans=options.artisans, products=options.products)
    hit_pages = catalog.pages(url)
    walks = {}
    for kind, paths in (miss_paths(url) if wrk else {}).items():
        walks[kind] = workdir / f"{kind}.paths"
        walks[kind].write_text("\n".join(paths) + "\n")
        print(f"{kind}: {len(paths)} distinct cache-miss URLs")
    settings = ["-w", str(options.workers), "-k", options.worker_class, "--threads", "4"]
    settings += ["--backlog", "2048", "--log-level", "warning"]
    if options.worker_class == "sync":
        settings = settings[:4] + settings[6:]
    rows = []
    # The servers run at once and each page alternates with its floor, round after round, so
    # that both see the same machine (other processes come and go) and medians are fair.
    with (
        gunicorn("counted:app", env, settings, workdir / "app.log") as base,
        gunicorn("floor:app", env, settings, workdir / "floor.log") as floor_base,
        gunicorn("reference:app", env, settings, workdir / "reference.log") as reference_base,
    ):
        load = Load(wrk, options.duration, options.concurrency, session_cookie(base + "/"))
        print(f"serving {cache_counts(base, options.workers)[2]}")

        def counts():
            return cache_counts(base, options.workers)[:2]

        specs = [(kind, "hit", label, base + path, None) for kind, label, path in hit_pages]
        specs += [(k, "miss", "every URL its own", base, p) for k, p in walks.items()]
        specs.append(("reference", "-", "bench/reference.py", reference_base + "/reference", None))
        for kind, mode, label, target, paths in specs:
            if paths:  # the median size of a few of the URLs, from the end of the walk
                sizes = sorted(body_size(target + p) for p in paths.read_text().split()[-9:])
                size = sizes[len(sizes) // 2]
            else:
                size = body_size(target)
            runs = []
            for _ in range(options.rounds):
                page, hit_rate = load.measure(
                    target, paths, None if kind == "reference" else counts
                )
                floor, _ = load.measure(f"{floor_base}/{size}")
                runs.append((page, floor, hit_rate))
            runs.sort(key=lambda run: run[0].rps / run[1].rps)
            page, floor, hit_rate = runs[len(runs) // 2]
            rows.append(Row(name, kind, mode, label, size, page, floor, hit_rate))
            print(f"  {kind} {mode}: {page.rps:.0f} rps, p99 {page.p99_ms:.1f} ms")
    return rows


def main() -> None:
    """Build, serve, measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="both", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--artisans", type=int, default=500)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--rounds", type=int, default=3, help="page/floor pairs; median shown")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    options = parser.parse_args()

    wrk = ensure_wrk()
    print(f"load generator: {wrk or 'python threads (wrk unavailable: no cache-miss rows)'}")
    names = ["sqlite", "postgresql"] if options.database == "both" else [options.database]
    workdir = Path(tempfile.mkdtemp(prefix="bnn-bench-"))
    rows: list[Row] = []
    mixed = []
    try:
        for name in names:
            url = prepare_database(name)
            if url:
                (workdir / name).mkdir()
                rows += measure_database(name, url, options, wrk, workdir / name)
                mixed += measure_mixed(name, url, options, wrk, workdir / name)
    finally:
        if options.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print_table(
        rows,
        f"{options.products} products, {options.artisans} artisans; gunicorn {options.workers} x "
        f"{options.worker_class}; concurrency {options.concurrency}; median of {options.rounds} "
        f"rounds of {options.duration:g}s, page and floor alternating",
    )
    print_mixed(mixed)


if __name__ == "__main__":
    main()
