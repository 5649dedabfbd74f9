"""What a page-cache hit costs in-process: one request through the whole app (CPU time), and the
page cache's own part of it (views.cached_page), on a small catalogue.

    python bench/cache_hit.py                                # SQLite, the code beside this file
    python bench/cache_hit.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/x
    PYTHONPATH=/other/checkout python bench/cache_hit.py --code /other/checkout

--code runs another checkout's application (to compare before and after a change in the same
minute); the database is built fresh each time (migrations, regions, 2,000 products).
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from settings import PRODUCTION_ENV, ensure_postgres_database  # noqa: E402  (bench/settings.py)


def build(code: Path, env: dict, products: int) -> None:
    """A fresh database with the generated catalogue, made by the checkout under test."""
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for args in (
        ["db", "upgrade", "heads"],
        ["regions", "load"],
        ["catalog", "load-categories"],
        ["generate-data", "--artisans", "100", "--products", str(products), "--seed", "1"],
    ):
        done = subprocess.run([*flask, *args], cwd=code, env=env, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def fresh_database(url: str | None, workdir: Path) -> str:
    """The database URL to build in: a new SQLite file, or the PostgreSQL one emptied."""
    if not url:
        return f"sqlite:///{workdir / 'hit.sqlite3'}"
    import sqlalchemy as sa

    ensure_postgres_database(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def measure(requests: int, rounds: int) -> dict[str, tuple[float, float]]:
    """{page: (CPU µs per whole request, µs in cached_page)}: the fastest of the rounds of the
    mean CPU time per request, and of the rounds' median time spent in cached_page."""
    import sqlalchemy as sa

    from marketplace.catalog import views
    from wsgi import app

    with app.app_context():
        from marketplace.extensions import db

        slug = db.session.scalar(sa.text("SELECT slug FROM products WHERE stock > 0 LIMIT 1"))
        db.session.remove()
    inner: list[float] = []
    original = views.cached_page

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            inner.append(time.perf_counter() - started)

    views.cached_page = timed
    client = app.test_client()
    results = {}
    for path in ("/", "/products", "/products?q=batik", f"/products/{slug}"):
        for _ in range(3):  # fills the cache and settles the session cookie
            response = client.get(path, base_url="http://127.0.0.1")
            assert response.status_code == 200, (path, response.status_code)
        whole, part = [], []
        for _ in range(rounds):
            inner.clear()
            started = time.process_time()
            for _ in range(requests):
                client.get(path, base_url="http://127.0.0.1")
            whole.append((time.process_time() - started) / requests * 1e6)
            part.append(statistics.median(inner) * 1e6)
        # The least of the rounds: on a shared machine the other processes only ever add time.
        results["product page" if "/products/" in path else path] = (min(whole), min(part))
    results["LRU lookup alone"] = (0.0, lookup_cost(app))
    return results


def lookup_cost(app) -> float:
    """µs of the LRU's own part of a hit on /products (with a change log: following it, then the
    lookup), the least of seven timeit rounds."""
    lru = app.extensions["catalog_page_cache"]
    key = next(key for key in lru._data if key.startswith("catalog:page:") and "/products?" in key)
    version, seq = lru.version, getattr(lru, "seq", None)
    if seq is None:
        lookup = lambda: lru.get(version, key)  # noqa: E731
    else:
        lookup = lambda: (lru.follow(version, seq, None), lru.get(version, key))  # noqa: E731
    return min(timeit.repeat(lookup, number=100_000, repeat=7)) / 100_000 * 1e6


def main() -> None:
    """Build, then measure in a child process that imports the checkout under test."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", default=str(BENCH.parent), help="the checkout to measure")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        for page, (whole, part) in measure(options.requests, options.rounds).items():
            if whole:
                print(f"{page:<20} {whole:>7.0f} µs CPU/request {part:>7.2f} µs in cached_page")
            else:
                print(f"{page:<20} {part:>36.2f} µs")
        return
    code = Path(options.code).resolve()
    with tempfile.TemporaryDirectory(prefix="bench-hit-") as folder:
        workdir = Path(folder)
        env = {
            **os.environ,
            **PRODUCTION_ENV,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": fresh_database(options.database_url, workdir),
            "MEDIA_ROOT": str(workdir / "media"),
            "INSTANCE_PATH": str(workdir / "instance"),
            "PYTHONPATH": os.pathsep.join([str(code), str(BENCH)]),
            "LOG_LEVEL": "WARNING",
        }
        env.pop("REDIS_URL", None)
        build(code, env, options.products)
        print(f"code: {code}; database: {env['DATABASE_URL'].split(':')[0]}")
        args = [sys.executable, __file__, "--measure", "--requests", str(options.requests)]
        args += ["--rounds", str(options.rounds)]
        subprocess.run(args, cwd=code, env=env, check=True)


if __name__ == "__main__":
    main()
