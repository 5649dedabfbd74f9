"""The mixed run of `make bench`: browsing, searching and buying at once, and the page cache's
hit rate under it (issue 12: a sale must not empty every cached page).

- Browsing: wrk (-c --concurrency) walks a file of 10,000 URLs (bench/miss.lua): 70% drawn from
  about 140 popular pages with falling weights (the home page, the first list pages, each
  category, the price sorts, ten common searches, the 100 newest products' pages), 30% a long
  tail of distinct list, product and search URLs (bench/miss_paths.py), shuffled.
- Buying: BUYERS guests of bench/checkout_buyers.py at the same time, each looping "add one or
  two of the popular products in stock (now and then one of the newest 500 with five or fewer
  left), check out": people buy what they browse, and some sales change a stock figure that
  pages show (about one product in ten has five or fewer left in the generated catalogue).
- Reported: requests/s and latency of the browsing, the share of whole-page cache lookups that
  hit (bench/counted.py), orders placed, and how often the catalog told the caches about a
  change during the run (catalog version bumps: every page dropped; change-log entries: only
  the pages showing those products).

After a warm-up of browsing (half of --duration), a run of --duration seconds of browsing
alone (what the cache holds without sales), then one with the buyers. Run by bench/run.py after
each database's table rows, or alone, also against another checkout to compare:

    .venv/bin/python bench/mixed.py --database sqlite --code /path/to/other/checkout
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from miss_paths import VISIBLE, miss_paths, search_words  # noqa: E402
from pyload import Result  # noqa: E402
from settings import PRODUCTION_ENV  # noqa: E402

BUYERS = 4
LINES = 10_000
POPULAR_SHARE = 0.7
WARM_UP = 0.5  # of --duration: browsing before the measured runs, to fill the caches


@dataclass
class MixedRow:
    """One database's mixed run."""

    database: str
    load: str  # "browsing", or "+ buying" (buyers placing orders at the same time)
    browsing: Result
    hit_rate: float | None
    orders: int
    seconds: float
    version_bumps: int
    logged_changes: int | None  # None: this code has no change log


def mixed_paths(url: str) -> tuple[list[str], list[int], list[int]]:
    """(the URL file's lines, the popular products in stock, newer products with five or fewer)."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        newest = conn.execute(
            sa.text(
                "SELECT p.id, p.slug, p.stock FROM products p JOIN artisans a"
                f" ON a.id = p.artisan_id WHERE {VISIBLE}"
                " ORDER BY p.published_at DESC, p.id DESC LIMIT 500"
            )
        ).all()
        categories = conn.execute(sa.text("SELECT slug FROM categories ORDER BY position")).all()
        titles = conn.execute(
            sa.text(
                "SELECT p.title, p.description FROM products p JOIN artisans a"
                f" ON a.id = p.artisan_id WHERE {VISIBLE}"
            )
        ).all()
    engine.dispose()
    popular = ["/", "/products", *(f"/products?page={n}" for n in range(2, 6))]
    popular += [f"/products?category={row.slug}" for row in categories]
    popular += ["/products?sort=price_asc", "/products?sort=price_desc"]
    popular += [f"/products?q={word}" for word in search_words(titles)[:10]]
    popular += [f"/products/{row.slug}" for row in newest[:100]]
    rng = random.Random(3)
    weights = [1 / (rank + 1) for rank in range(len(popular))]
    lines = rng.choices(popular, weights, k=int(LINES * POPULAR_SHARE))
    tail = [path for paths in miss_paths(url).values() for path in paths]
    lines += rng.sample(tail, min(len(tail), LINES - len(lines)))
    rng.shuffle(lines)
    # What they browse, as it is: some of these have five or fewer left (about one in ten).
    plenty = [row.id for row in newest[:100] if row.stock > 0]
    scarce = [row.id for row in newest if 0 < row.stock <= 5]
    return lines, plenty, scarce


def catalog_state(url: str) -> tuple[int, int | None]:
    """(catalog version, change_seq or None where the code has no change log)."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        version = conn.execute(sa.text("SELECT version FROM catalog_state")).scalar_one()
        try:
            seq = conn.execute(sa.text("SELECT change_seq FROM catalog_state")).scalar_one()
        except sa.exc.DBAPIError:
            seq = None
    engine.dispose()
    return version, seq


def environment(url: str, workdir: Path, code: Path) -> dict:
    """The app's environment, as bench/run.py gives it."""
    env = {
        **os.environ,
        **PRODUCTION_ENV,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(workdir / "media"),
        "INSTANCE_PATH": str(workdir / "instance"),
        "PYTHONPATH": os.pathsep.join([str(code), str(BENCH)]),
    }
    env.pop("REDIS_URL", None)
    return env


def runner(code: Path):
    """run(args, env, quiet) for commands of the checkout being measured (bench/catalog.py)."""

    def run(args: list[str], env: dict, quiet: bool = True) -> str:
        done = subprocess.run(args, cwd=code, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"failed: {' '.join(args)}\n{done.stdout}\n{done.stderr}")
        if not quiet:
            print(done.stdout.strip())
        return done.stdout

    return run


@contextmanager
def serve(code: Path, env: dict, settings: list[str], log: Path):
    """bench/counted.py under gunicorn, run from the checkout being measured; yields the URL."""
    from run import free_port

    port = free_port()
    command = [sys.executable, "-m", "gunicorn", *settings, "-b", f"127.0.0.1:{port}"]
    command.append("counted:app")
    with log.open("w") as handle:
        process = subprocess.Popen(command, cwd=code, env=env, stdout=handle, stderr=handle)
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


def measured(name: str, load, base: str, paths: Path, url: str, options, buy=None) -> MixedRow:
    """One run of the browsing (with buy(), the buyers beside it) and what the caches saw."""
    from checkout_buyers import Stats
    from run import cache_counts

    hits, misses, _code = cache_counts(base, options.workers)
    version, seq = catalog_state(url)
    bought = {"stats": Stats(), "seconds": options.duration}
    buyers = threading.Thread(target=lambda: bought.update(buy()) if buy else None)
    buyers.start()
    browsing = load.once(base, options.duration, paths)
    buyers.join()
    hits_after, misses_after, _code = cache_counts(base, options.workers)
    version_after, seq_after = catalog_state(url)
    looked = hits_after - hits + misses_after - misses
    if bought["stats"].errors:
        print(f"  buyers' errors: {bought['stats'].errors[:3]}")
    row = MixedRow(
        name,
        "+ buying" if buy else "browsing",
        browsing,
        (hits_after - hits) / looked if looked else None,
        bought["stats"].orders,
        bought["seconds"],
        version_after - version,
        None if seq is None else seq_after - seq,
    )
    print(f"  {row.load}: {browsing.rps:.0f} rps, hits {row.hit_rate:.0%}, {row.orders} orders")
    return row


def measure_mixed(
    name: str, url: str, options, wrk: str | None, workdir: Path, code=ROOT
) -> list[MixedRow]:
    """Browsing alone, then browsing and buying, on a database bench/run.py has built."""
    from checkout_buyers import load as buyers_load
    from run import Load, session_cookie

    if not wrk:
        print("mixed run skipped: it needs wrk")
        return []
    if url == "sqlite":
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = environment(url, workdir, code)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    runner(Path(code))([*flask, "shipping", "load-defaults"], env)
    lines, plenty, scarce = mixed_paths(url)
    paths = workdir / "mixed.paths"
    paths.write_text("\n".join(lines) + "\n")
    settings = ["-w", str(options.workers), "-k", options.worker_class, "--threads", "4"]
    settings += ["--backlog", "2048", "--log-level", "warning"]
    if options.worker_class == "sync":
        settings = settings[:4] + settings[6:]
    print(f"== {name}: mixed run ({len(set(lines))} distinct URLs, {BUYERS} buyers)")
    with serve(Path(code), env, settings, workdir / "mixed.log") as base:
        load = Load(wrk, options.duration, options.concurrency, session_cookie(base + "/"))
        load.once(base, max(2.0, options.duration * WARM_UP), paths)
        port = int(base.rsplit(":", 1)[1])

        def buy() -> dict:
            """The buyers, for as long as the browsing runs."""
            stats, seconds = buyers_load(port, BUYERS, options.duration, plenty, scarce)
            return {"stats": stats, "seconds": seconds}

        return [
            measured(name, load, base, paths, url, options),
            measured(name, load, base, paths, url, options, buy),
        ]


def print_mixed(rows: list[MixedRow], title: str = "") -> None:
    """The mixed runs' section of the output."""
    if not rows:
        return
    print()
    print(title or "mixed run: browsing (wrk) and buying (checkout_buyers) at once")
    header = (
        f"{'database':<10} {'load':<9} {'rps':>6} {'p50 ms':>7} {'p99 ms':>7} {'hits':>5} "
        f"{'orders':>6} {'orders/s':>8} {'version bumps':>13} {'logged changes':>14}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        hits = f"{row.hit_rate:.0%}" if row.hit_rate is not None else "-"
        logged = "-" if row.logged_changes is None else str(row.logged_changes)
        print(
            f"{row.database:<10} {row.load:<9} {row.browsing.rps:>6.0f} "
            f"{row.browsing.p50_ms:>7.1f} {row.browsing.p99_ms:>7.1f} {hits:>5} {row.orders:>6} "
            f"{row.orders / row.seconds:>8.1f} {row.version_bumps:>13} {logged:>14}"
        )
    print(
        "hits: share of whole-page cache lookups that hit during the run; a version bump empties "
        "every worker's cache, a logged change drops only the pages showing its products."
    )


def main() -> None:
    """Build a catalogue per database and run the mixed load alone (see the docstring)."""
    import catalog
    from run import ensure_wrk, prepare_database

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="both", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--code", default=str(ROOT), help="the checkout whose app is measured")
    parser.add_argument("--artisans", type=int, default=500)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    options = parser.parse_args()
    wrk = ensure_wrk()
    code = Path(options.code).resolve()
    rows = []
    names = ["sqlite", "postgresql"] if options.database == "both" else [options.database]
    with tempfile.TemporaryDirectory(prefix="bnn-mixed-") as folder:
        for name in names:
            url = prepare_database(name)
            if not url:
                continue
            workdir = Path(folder) / name
            workdir.mkdir()
            database_url = f"sqlite:///{workdir / 'bench.sqlite3'}" if url == "sqlite" else url
            env = environment(database_url, workdir, code)
            catalog.build(
                env, workdir, runner(code), artisans=options.artisans, products=options.products
            )
            rows += measure_mixed(name, url, options, wrk, workdir, code)
    print_mixed(rows, f"mixed run of {code}: {options.duration:g}s, {options.products} products")


if __name__ == "__main__":
    main()
