"""The product page with the page cache missing, in-process: one request at a time, no server.

    python bench/product_page.py --database sqlite --products 10000 --workdir /tmp/pp
    BENCH_PG_URL=postgresql+psycopg://... python bench/product_page.py --database postgresql

What it does:

1. a catalogue of --products products by --artisans artisans (bench/catalog.py build(): the
   migrations, regions, categories, `generate-data --seed 1`), kept in --workdir between runs
   (100,000 products take minutes to generate): SQLite in <workdir>/products-N.sqlite3,
   PostgreSQL in BENCH_PG_URL, rebuilt when that database holds another catalogue (or --rebuild),
   brought to the newest migration when kept; PostgreSQL then gets VACUUM ANALYZE (autovacuum's
   work in a running shop);
2. the app as production runs it (bench/settings.py PRODUCTION_ENV) with the page cache off
   (CATALOG_CACHE_SIZE=0, no REDIS_URL), so every request renders its page from the database;
3. --pages different visible product pages (spread over the whole id range, sold-out ones among
   them), each requested once per round through Flask's test client, for --rounds rounds after a
   warm-up; the access log is formatted as in production but written to /dev/null;
4. a markdown table: the median over rounds of each round's median and 90th-percentile time per
   request; the median CPU time of this process per request (on a shared machine, less noisy
   than the clock; PostgreSQL's own work is not in it); the SQL statements per request (through
   SQLAlchemy, BEGIN included; the page cache's version read on a raw connection comes on top).
   --profile prints a cProfile of one more round.

Nothing in the repository changes. Run with the project's venv Python.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import os
import pstats
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stderr
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

import catalog  # noqa: E402  (bench/catalog.py: builds the catalogue)
from settings import PRODUCTION_ENV, ensure_postgres_database  # noqa: E402

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_product_page"
VISIBLE_SLUGS = (
    "SELECT p.slug FROM products p JOIN artisans a ON a.id = p.artisan_id "
    "WHERE p.status = 'active' AND a.status = 'verified' ORDER BY p.id"
)


def run(args: list[str], env: dict, quiet: bool = True) -> str:
    """Run a command in the repository; its output, or exit with it on failure."""
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{done.stdout}\n{done.stderr}")
    if not quiet:
        print(done.stdout.strip())
    return done.stdout


def database_url(options, workdir: Path) -> str:
    """The URL of the database this run measures."""
    if options.database == "sqlite":
        return f"sqlite:///{workdir / f'products-{options.products}.sqlite3'}"
    return os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL)


def empty_postgres(url: str) -> None:
    """Create the database if need be and drop everything in it."""
    import sqlalchemy as sa

    ensure_postgres_database(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def analyze_postgres(url: str) -> None:
    """VACUUM ANALYZE: the planner statistics and visibility map autovacuum keeps in a running
    shop (this machine's server runs with autovacuum off; a fresh bulk load has none).

    SQLite gets no ANALYZE: a shop on SQLite has no statistics unless someone runs it, so its
    plans must be good without.
    """
    import sqlalchemy as sa

    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    engine.dispose()


def ensure_catalogue(options, workdir: Path, url: str, env: dict) -> None:
    """Build the catalogue unless the workdir's note says this database already holds it.

    The note is written only after a complete build, so an interrupted one is built again.
    Compare code before and after a schema change on databases of their own (two workdirs, two
    BENCH_PG_URLs): a kept database gets the newer code's indexes.
    """
    wanted = {"url": url, "artisans": options.artisans, "products": options.products}
    digest = hashlib.sha256(url.encode()).hexdigest()[:10]
    note = workdir / f"{options.database}-{digest}.built.json"
    if not options.rebuild and note.exists() and json.loads(note.read_text()) == wanted:
        # Kept from an earlier run: only the migrations added since (new indexes) are applied.
        run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade", "heads"], env)
        return
    note.unlink(missing_ok=True)
    if options.database == "sqlite":
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        empty_postgres(url)
    print(f"building {options.products} products on {options.database}...")
    catalog.build(env, workdir, run, artisans=options.artisans, products=options.products)
    note.write_text(json.dumps(wanted))


def product_paths(url: str, count: int) -> list[str]:
    """count visible products' pages, taken evenly over the id range."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        slugs = conn.execute(sa.text(VISIBLE_SLUGS)).scalars().all()
    engine.dispose()
    step = max(1, len(slugs) // count)
    return [f"/products/{slug}" for slug in slugs[::step][:count]]


def percentile(values: list[float], share: float) -> float:
    """The value below which share of the sorted values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(app, paths: list[str], rounds: int, profile: bool) -> dict:
    """Request every path once per round; the medians over rounds, queries per request."""
    from sqlalchemy import event

    from marketplace.extensions import db

    client = app.test_client()
    base = {"base_url": PRODUCTION_ENV["SITE_URL"]}  # production answers its own host only
    statements = [0]

    def count(*_args):
        statements[0] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    medians, p90s, cpus, per_request = [], [], [], set()
    with open(os.devnull, "w") as devnull, redirect_stderr(devnull):
        for path in paths[: min(200, len(paths))]:  # warm-up: templates, region names, pools
            client.get(path, **base)
        for _ in range(rounds):
            times, cpu = [], []
            for path in paths:
                statements[0] = 0
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(path, **base)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
                if response.status_code != 200:
                    sys.exit(f"{path} answered {response.status_code}")
                per_request.add(statements[0])
            medians.append(statistics.median(times))
            p90s.append(percentile(times, 0.9))
            cpus.append(statistics.median(cpu))
        profiler = None
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for path in paths:
                client.get(path, **base)
            profiler.disable()
    event.remove(engine, "before_cursor_execute", count)
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
        print(out.getvalue())
    return {
        "median": statistics.median(medians),
        "p90": statistics.median(p90s),
        "cpu": statistics.median(cpus),
        "rounds": medians,
        "queries": sorted(per_request),
    }


def main() -> None:
    """Parse the options, build or reuse the catalogue, measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--artisans", type=int, default=500)
    parser.add_argument("--pages", type=int, default=2000, help="different product pages")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "bench-product-page"
    )
    parser.add_argument("--rebuild", action="store_true", help="build the catalogue again")
    parser.add_argument("--profile", action="store_true", help="cProfile one more round")
    options = parser.parse_args()

    workdir = options.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    url = database_url(options, workdir)
    env = {
        **os.environ,
        **PRODUCTION_ENV,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(workdir / "media"),
        "INSTANCE_PATH": str(workdir / "instance"),
        "CATALOG_CACHE_SIZE": "0",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)  # the cache is off: every request renders its page
    ensure_catalogue(options, workdir, url, env)
    if options.database == "postgresql":
        analyze_postgres(url)
    paths = product_paths(url, options.pages)

    os.environ.clear()
    os.environ.update(env)  # config.py reads the environment when it is imported
    from marketplace import create_app

    app = create_app()
    result = measure(app, paths, options.rounds, options.profile)
    queries = "-".join(str(n) for n in (result["queries"][0], result["queries"][-1]))
    if len(result["queries"]) == 1:
        queries = str(result["queries"][0])
    rounds = ", ".join(f"{ms:.2f}" for ms in result["rounds"])
    print(
        f"\n{options.products} products, {options.artisans} artisans; {len(paths)} different "
        f"product pages; median of {options.rounds} rounds (each round's median: {rounds} ms)\n"
    )
    print("| database | products | page | median ms | p90 ms | app CPU ms | queries per request |")
    print("|---|---:|---|---:|---:|---:|---:|")
    print(
        f"| {options.database} | {options.products:,} | product page, cache off | "
        f"{result['median']:.2f} | {result['p90']:.2f} | {result['cpu']:.2f} | {queries} |"
    )


if __name__ == "__main__":
    main()
