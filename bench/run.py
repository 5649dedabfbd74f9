"""Storefront benchmark (`make bench`): real HTTP load against gunicorn, compared with a floor.

What it does, in a throwaway directory (nothing in the repository changes):

1. a fresh SQLite database: migrations, regions, `generate-data` (500 artisans in all 38
   provinces, 10,000 products; bench/catalog.py);
2. the app under gunicorn (2 workers) on a free port, and beside it a bare Flask app under the
   same gunicorn settings that answers with a body of the same size as each measured page
   (bench/floor.py): the floor, i.e. what this machine, Python, WSGI and gunicorn cost anyway;
3. each page, then the floor at that page's size, with `wrk` at concurrency 16 for --duration
   seconds (after a short warm-up), or with a small threaded Python load generator when wrk is
   missing and cannot be installed (`apt-get install wrk`);
4. a table: requests/s, median and 99th-percentile latency, and each page's requests/s as a share
   of its floor. Goal (issue 3): every page >= 40% of the floor and p99 < 50 ms.

Only the standard library and subprocesses; run with the project's venv Python.
"""

from __future__ import annotations

import argparse
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
from pyload import Result, python_load  # noqa: E402  (bench/pyload.py: used when wrk is missing)
from settings import PRODUCTION_ENV  # noqa: E402  (bench/settings.py)

GOAL_SHARE = 0.40
GOAL_P99_MS = 50.0


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


def wrk_load(wrk: str, url: str, seconds: float, connections: int, cookie: str) -> Result:
    """Run wrk and read requests/s and the 50% / 99% latencies from its report."""
    threads = str(min(connections, os.cpu_count() or 2))
    duration = f"{max(1, round(seconds))}s"
    out = subprocess.run(
        [
            wrk,
            "-t",
            threads,
            "-c",
            str(connections),
            "-d",
            duration,
            "--latency",
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(percent: str) -> float:
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(match[1]) * UNITS[match[2]]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Result(rps, latency("50"), latency("99"), int(errors[1]) if errors else 0)


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


def measure(url: str, seconds: float, connections: int, wrk: str | None, cookie: str) -> Result:
    """Warm up (fills each worker's cache), then measure as a returning visitor (with cookie)."""
    load = (lambda u, s: wrk_load(wrk, u, s, connections, cookie)) if wrk else (
        lambda u, s: python_load(u, s, connections, cookie)
    )  # fmt: skip
    load(url, min(2.0, seconds))
    return load(url, seconds)


def main() -> None:
    """Build, serve, measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--artisans", type=int, default=500)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--rounds", type=int, default=3, help="page/floor pairs; median shown")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bnn-bench-"))
    env = {
        **os.environ,
        **PRODUCTION_ENV,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "INSTANCE_PATH": str(workdir / "instance"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)  # the in-process cache is what is measured
    try:
        catalog.build(env, workdir, run, artisans=options.artisans, products=options.products)
        pages = catalog.pages(workdir / "bench.sqlite3")
        wrk = ensure_wrk()
        print(f"load generator: {wrk or 'python threads (wrk unavailable)'}")
        settings = ["-w", str(options.workers), "-k", options.worker_class, "--threads", "4"]
        settings += ["--backlog", "2048", "--log-level", "warning"]
        if options.worker_class == "sync":
            settings = settings[:4] + settings[6:]
        rows = []
        # Both servers run at once and each page alternates with its floor, round after round,
        # so that both see the same machine (other processes come and go) and medians are fair.
        with (
            gunicorn("wsgi:app", env, settings, workdir / "app.log") as base,
            gunicorn("floor:app", {**env, "PYTHONPATH": str(BENCH)}, settings,
                     workdir / "floor.log") as floor_base,
        ):  # fmt: skip
            cookie = session_cookie(base + "/")
            for name, path in pages:
                size = len(urllib.request.urlopen(base + path).read())  # noqa: S310
                runs: list[tuple[Result, Result]] = []
                for _ in range(options.rounds):
                    page = measure(base + path, options.duration, options.concurrency, wrk, cookie)
                    floor = measure(f"{floor_base}/{size}", options.duration,
                                    options.concurrency, wrk, cookie)  # fmt: skip
                    runs.append((page, floor))
                runs.sort(key=lambda pair: pair[0].rps / pair[1].rps)
                page, floor = runs[len(runs) // 2]
                rows.append([name, path, page, size, floor])
        report(rows, options)
    finally:
        if options.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def report(rows: list, options) -> None:
    """Print the table and whether the goals are met."""
    print()
    print(
        f"{options.products} products, {options.artisans} artisans, SQLite; gunicorn "
        f"{options.workers} x {options.worker_class}; concurrency {options.concurrency}; "
        f"median of {options.rounds} rounds of {options.duration:g}s, page and floor alternating"
    )
    header = f"{'page':<22} {'bytes':>7} {'rps':>8} {'p50 ms':>7} {'p99 ms':>7} "
    header += f"{'floor rps':>9} {'floor p99':>9} {'share':>6}  goal"
    print(header)
    print("-" * len(header))
    for name, _path, page, size, floor in rows:
        share = page.rps / floor.rps if floor.rps else 0.0
        ok = share >= GOAL_SHARE and page.p99_ms < GOAL_P99_MS and not page.errors
        print(
            f"{name:<22} {size:>7} {page.rps:>8.0f} {page.p50_ms:>7.1f} {page.p99_ms:>7.1f} "
            f"{floor.rps:>9.0f} {floor.p99_ms:>9.1f} {share:>6.0%}  {'ok' if ok else 'MISSED'}"
            + (f" ({page.errors} errors)" if page.errors else "")
        )
    print(f"goal: each page >= {GOAL_SHARE:.0%} of the floor's rps and p99 < {GOAL_P99_MS:g} ms")


if __name__ == "__main__":
    main()
