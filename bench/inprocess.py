"""One storefront request in-process, the page cache off: what a cache miss costs (issue 12).

No server and no load generator: the app (production settings, CATALOG_CACHE_SIZE=0, no
REDIS_URL) answers through Flask's test client, one request at a time, so the figure is the
application's own cost of a miss (queries, Python, template), without gunicorn or the network.

For each kind of page a set of URLs read from the generated catalogue (first list pages of every
sort, page 300 and the deepest page, filter combinations, one-word and two-word searches, searches
with a filter, artisan pages, the home and product pages, and bench/reference.py's page) is asked
once per round; a round's figure is the median time of its requests, and the table shows the
median of --rounds rounds, in milliseconds.

```sh
.venv/bin/python bench/inprocess.py --database sqlite --products 10000
.venv/bin/python bench/inprocess.py --database both --products 100000 --workdir /tmp/b100k
BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/mine .venv/bin/python bench/inprocess.py
```

The catalogue is built with bench/catalog.py (`generate-data --artisans 500 --products N
--seed 1`). With --workdir the SQLite file stays there and is used again by the next run with
the same --products (and so is the PostgreSQL database, when a marker in the directory says it
holds that catalogue); migrations are applied each time, so a reused database has the current
schema. Without --workdir everything is built in a temporary directory and removed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import secrets
import shutil
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

import catalog  # noqa: E402  (bench/catalog.py: the data)
from miss_paths import PRICE_RANGES, search_pairs, search_words  # noqa: E402
from settings import PRODUCTION_ENV, ensure_postgres_database  # noqa: E402

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_storefront"  # as run.py
VISIBLE = "p.status = 'active' AND a.status = 'verified'"
PER_PAGE = 24


def run(args: list[str], env: dict, quiet: bool = True) -> str:
    """Run a command in the repository; its output, or exit with it on failure."""
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{done.stdout}\n{done.stderr}")
    if not quiet:
        print(done.stdout.strip())
    return done.stdout


def app_env(url: str, workdir: Path) -> dict:
    """The environment of the app under test: production, cache off, this database."""
    env = {
        **os.environ,
        **PRODUCTION_ENV,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(workdir / "media"),
        "INSTANCE_PATH": str(workdir / "instance"),
        "CATALOG_CACHE_SIZE": "0",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(BENCH)]),
    }
    env.pop("REDIS_URL", None)
    return env


def prepare(name: str, options, workdir: Path) -> str | None:
    """The database URL holding the catalogue of options.products, built unless kept from before."""
    marker = workdir / "catalogues.json"
    built = json.loads(marker.read_text()) if marker.exists() else {}
    if name == "sqlite":
        path = workdir / f"bench-{options.products}.sqlite3"
        url = f"sqlite:///{path}"
        fresh = not path.exists() or built.get(url) != options.products
        if fresh and path.exists():
            path.unlink()
    else:
        url = os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL)
        fresh = built.get(url) != options.products
        try:
            import sqlalchemy as sa

            ensure_postgres_database(url)
            if fresh:
                engine = sa.create_engine(url)
                with engine.begin() as conn:
                    conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                    conn.execute(sa.text("CREATE SCHEMA public"))
                engine.dispose()
        except Exception as error:  # no server: the SQLite figures still stand
            print(f"PostgreSQL skipped: {url} does not answer ({type(error).__name__}: {error})")
            return None
    env = app_env(url, workdir)
    if fresh:
        built.pop(url, None)
        marker.write_text(json.dumps(built))
        print(f"== {name}: building {options.products} products")
        catalog.build(env, workdir, run, artisans=options.artisans, products=options.products)
        built[url] = options.products
        marker.write_text(json.dumps(built))
    else:
        print(f"== {name}: using the catalogue of {options.products} products kept in {workdir}")
        run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade", "heads"], env)
    refresh_statistics(url)
    return url


def refresh_statistics(url: str) -> None:
    """Planner statistics and (PostgreSQL) the visibility map, as a database in use has them.

    PostgreSQL's autovacuum does this a minute after a bulk load, when it runs (it may be off on
    a development server); SQLite never does it by itself. Whatever code built the catalogue,
    every run measures on the same footing.
    """
    import sqlalchemy as sa

    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("VACUUM ANALYZE" if url.startswith("postgresql") else "ANALYZE"))
    engine.dispose()


def url_of(path: str, **params) -> str:
    """path with the non-empty params as its query string."""
    from urllib.parse import urlencode

    query = urlencode({key: value for key, value in params.items() if value is not None})
    return f"{path}?{query}" if query else path


def urls(database_url: str, count: int) -> dict[str, list[str]]:
    """{kind: URLs} read from the catalogue; at most count URLs a kind, fixed seed."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        products = conn.execute(
            sa.text(
                "SELECT p.slug, p.title, p.description FROM products p JOIN artisans a "
                f"ON a.id = p.artisan_id WHERE {VISIBLE} ORDER BY p.id"
            )
        ).all()
        artisans = conn.execute(
            sa.text(
                "SELECT a.slug, count(*) FROM artisans a JOIN products p ON p.artisan_id = a.id "
                f"WHERE {VISIBLE} GROUP BY a.slug ORDER BY count(*) DESC, a.slug"
            )
        ).all()
        provinces = [row[0] for row in conn.execute(sa.text("SELECT code FROM provinces"))]
        regencies = [
            row[0]
            for row in conn.execute(
                sa.text(
                    "SELECT DISTINCT a.regency_code FROM artisans a "
                    "WHERE a.status = 'verified' ORDER BY 1"
                )
            )
        ]
        categories = [row[0] for row in conn.execute(sa.text("SELECT slug FROM categories"))]
    engine.dispose()
    rng = random.Random(1)
    sorts = [None, "price_asc", "price_desc"]
    pages = max(1, -(-len(products) // PER_PAGE))
    prices = [dict(min_price=low, max_price=high) for low, high in PRICE_RANGES]
    filters = [{"province": code} for code in provinces]
    filters += [{"category": slug} for slug in categories]
    filters += [{"regency": code} for code in regencies]
    filters += prices
    filters += [{"province": p, "category": c} for p in provinces for c in categories]
    rng.shuffle(filters)
    words = search_words(products)
    search_sorts = [None, "newest"]
    busy = [(slug, n) for slug, n in artisans[:count] if n > PER_PAGE]
    kinds = {
        "list, first page": [url_of("/products", sort=sort) for sort in sorts],
        "list, page 300": [url_of("/products", sort=sort, page=min(300, pages)) for sort in sorts],
        "list, deepest page": [url_of("/products", sort=sort, page=pages) for sort in sorts],
        "list, a page in between": [
            url_of("/products", sort=rng.choice(sorts), page=rng.randrange(2, pages + 1))
            for _ in range(count)
        ],
        "list with filters": [
            url_of("/products", **combo, sort=rng.choice(sorts), page=rng.choice([None, 2]))
            for combo in filters[:count]
        ],
        "search, one word": [url_of("/products", q=word) for word in words[:count]],
        "search, two words": [url_of("/products", q=pair) for pair in search_pairs(products)],
        "search with a filter": [
            url_of("/products", q=word, **rng.choice(filters[:50]), sort=rng.choice(search_sorts))
            for word in rng.sample(words, min(count, len(words)))
        ],
        "artisan page": [url_of(f"/artisans/{slug}") for slug, _n in artisans[::10][:count]]
        + [url_of(f"/artisans/{slug}", page=2) for slug, n in busy[:10]],
        "home page": ["/"],
        "product page": [
            f"/products/{row.slug}" for row in products[:: max(1, len(products) // count)]
        ],
    }
    return {kind: paths[:count] for kind, paths in kinds.items()}


class Client:
    """A test client asking under SITE_URL's host (production refuses other hosts)."""

    def __init__(self, app):
        self._client = app.test_client()

    def get(self, path: str):
        """GET path as a browser at SITE_URL would."""
        return self._client.get(path, base_url=PRODUCTION_ENV["SITE_URL"])


def backend_pids(database_url: str) -> list[int]:
    """The PostgreSQL server processes serving this database (ours: the bench owns it)."""
    if not database_url.startswith("postgresql"):
        return []
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        pids = conn.execute(
            sa.text(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalars()
        pids = list(pids)
    engine.dispose()
    return pids


def server_cpu(pids: list[int]) -> float:
    """Seconds of CPU the server processes have used (Linux /proc/<pid>/schedstat, in ns)."""
    total = 0
    for pid in pids:
        # Not on Linux, or the process is gone: it adds nothing.
        with contextlib.suppress(OSError, ValueError, IndexError):
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    return total / 1e9


def measure(database_url: str, workdir: Path, options) -> tuple[dict, dict, dict]:
    """({kind: wall ms}, {kind: CPU ms}, {kind: URLs}): medians over rounds of medians of URLs.

    CPU is this process's and, on PostgreSQL, the server processes' of this database: on a
    shared machine it moves far less than wall time with what else runs.
    """
    os.environ.update(app_env(database_url, workdir))
    import reference

    from marketplace import create_app

    app = create_app("production")
    kinds = urls(database_url, options.urls)
    kinds["reference (bench/reference.py)"] = [f"/reference?page={n}" for n in range(1, 31)]
    if options.only:
        wanted = options.only.split(",")
        kinds = {kind: paths for kind, paths in kinds.items() if any(w in kind for w in wanted)}
    # SITE_URL's host: production answers only the hosts it is served under.
    clients = {kind: Client(app) for kind in kinds}
    clients["reference (bench/reference.py)"] = Client(reference.app)
    walls: dict[str, list[float]] = {kind: [] for kind in kinds}
    cpus: dict[str, list[float]] = {kind: [] for kind in kinds}
    with open(os.devnull, "w") as devnull, redirect_stderr(devnull):  # the JSON access lines
        for kind, paths in kinds.items():  # warm: connections, templates, regions, OS cache
            for path in paths:
                status = clients[kind].get(path).status_code
                assert status == 200, (path, status)
        pids = backend_pids(database_url)
        for _round in range(options.rounds):
            for kind, paths in kinds.items():
                client, wall, cpu = clients[kind], [], []
                for path in paths:
                    server = server_cpu(pids)
                    started, used = time.perf_counter(), time.process_time()
                    response = client.get(path)
                    wall.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - used + server_cpu(pids) - server)
                    assert response.status_code == 200, path
                walls[kind].append(statistics.median(wall) * 1000)
                cpus[kind].append(statistics.median(cpu) * 1000)
    return (
        {kind: statistics.median(values) for kind, values in walls.items()},
        {kind: statistics.median(values) for kind, values in cpus.items()},
        {kind: len(paths) for kind, paths in kinds.items()},
    )


def main() -> None:
    """Build or reuse the catalogue per database, measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="both", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--artisans", type=int, default=500)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--urls", type=int, default=60, help="URLs per kind at most")
    parser.add_argument("--workdir", type=Path, help="keep (and reuse) the databases here")
    parser.add_argument("--only", default="", help="measure only kinds naming one of these words")
    options = parser.parse_args()
    names = ["sqlite", "postgresql"] if options.database == "both" else [options.database]
    workdir = options.workdir or Path(tempfile.mkdtemp(prefix="bench-inprocess-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        columns, sizes = {}, {}
        for name in names:
            url = prepare(name, options, workdir)
            if url is None:
                continue
            # Each database measured in a process of its own: one app, one engine, no leftovers.
            done = subprocess.run(
                [sys.executable, __file__, "--measure", url, "--workdir", str(workdir),
                 "--rounds", str(options.rounds), "--urls", str(options.urls),
                 "--only", options.only],
                cwd=ROOT, env=app_env(url, workdir), capture_output=True, text=True, check=False,
            )  # fmt: skip
            if done.returncode != 0:
                sys.exit(f"measuring {name} failed:\n{done.stdout}\n{done.stderr}")
            walls, cpus, sizes[name] = json.loads(done.stdout.strip().splitlines()[-1])
            columns[name] = {"wall": walls, "CPU": cpus}
        print_table(columns, sizes, options)
    finally:
        if options.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


def print_table(columns: dict, sizes: dict, options) -> None:
    """The markdown table: a row per kind, wall and CPU columns per database."""
    names = list(columns)
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    size = f"{options.products // 1000}k" if options.products >= 1000 else str(options.products)
    heads = [f"{label[n]} {size} {clock}" for n in names for clock in ("wall", "CPU")]
    print()
    print(
        f"One request in-process, page cache off, production settings; {options.products} "
        f"products, {options.artisans} artisans; ms, median of {options.rounds} rounds, each "
        "the median of its URLs. CPU: this process's plus, on PostgreSQL, the server's."
    )
    print()
    print("| page | URLs | " + " | ".join(heads) + " |")
    print("|---|---:|" + "---:|" * len(heads))
    for kind in sizes[names[0]] if names else []:
        cells = " | ".join(
            f"{columns[n][clock][kind]:.2f}" for n in names for clock in ("wall", "CPU")
        )
        print(f"| {kind} | {sizes[names[0]][kind]} | {cells} |")


def measure_main() -> None:
    """The child process: measure one database, print {kind: ms} and {kind: URL count} as JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--measure", required=True)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--urls", type=int, default=60)
    parser.add_argument("--only", default="")
    options = parser.parse_args()
    print(json.dumps(measure(options.measure, options.workdir, options)))


if __name__ == "__main__":
    if "--measure" in sys.argv:
        measure_main()
    else:
        main()
