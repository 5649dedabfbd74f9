"""Benchmark of the BNN dashboard on a large data set, on SQLite and (optionally) PostgreSQL.

    .venv/bin/python bench/dashboard.py                      # SQLite only, 1,000,000 lines
    .venv/bin/python bench/dashboard.py --postgres postgresql+psycopg://postgres@127.0.0.1/bench
    .venv/bin/python bench/dashboard.py --lines 200000 --runs 10 --reuse

For each database: a fresh schema (migrations), the regions, 500 artisans over the 38 provinces and
about --lines order lines over 18 months (generate-data's generators, catalog.generate and
orders.generate, when present; else marketplace/dashboard/generate.py), then the summary rebuilt
from the lines and fresh planner statistics (ANALYZE; VACUUM ANALYZE on PostgreSQL). It then
renders whole pages (every figure, table and chart: the request a browser makes, through the
app, with a logged-in staff member) and prints the median time of the national dashboard for the
last 12 months, of a province drill-down (Jawa Barat) and, for comparison, of one plain
`SELECT sum(line_total_idr) ... GROUP BY artisan_province_code` over the lines. It also checks
that the page's figures equal a direct SQL sum over the order lines.
The PostgreSQL database given is emptied (DROP SCHEMA public CASCADE) unless --reuse.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from settings import ensure_postgres_database  # noqa: E402 - bench/settings.py

NATIONAL_EMAIL = "bench-national@example.com"
PROVINCE_EMAIL = "bench-jabar@example.com"
PASSWORD = "bangku-kayu-jati-42"  # noqa: S105 - a throwaway account of the benchmark database
PAGES = {
    "national, last 12 months": "/dashboard/?period=last_12_months",
    "province 32, last 12 months": "/dashboard/?region=32&period=last_12_months",
}


def generate(lines: int, generator: str) -> tuple[int, str]:
    """Make about `lines` order lines; returns (lines made, which generator made them).

    `generate-data`'s own pieces (catalog.generate + orders.generate, paid orders only) when
    they are there and wanted, else marketplace/dashboard/generate.py (which also writes
    refunded, expired and cancelled orders).
    """
    import importlib.util

    import sqlalchemy as sa

    from marketplace.extensions import db
    from marketplace.orders.models import OrderLine

    have_checkout = importlib.util.find_spec("marketplace.orders.generate") is not None
    if generator == "checkout" or (generator == "auto" and have_checkout):
        from marketplace.catalog.generate import generate_data
        from marketplace.orders.generate import generate_orders

        generate_data(artisans=500, products=2500, seed=7)
        generate_orders(count=lines * 100 // 182, seed=7)  # about 1.82 lines per order
        made = db.session.scalar(sa.select(sa.func.count()).select_from(OrderLine))
        return made, "generate-data (catalog + orders)"
    from marketplace.dashboard.generate import generate_sales

    made = generate_sales(lines=lines, artisans=500, months=18, seed=7, rebuild=False)
    return made.lines, "dashboard/generate.py"


def build(app, url: str, lines: int, reuse: bool, generator: str = "auto") -> dict:
    """Migrate, load regions, generate the data and rebuild the summary; returns timings."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from marketplace.accounts.services import create_user
    from marketplace.dashboard.summary import rebuild_summary
    from marketplace.extensions import db
    from marketplace.orders.models import OrderLine
    from marketplace.regions.services import load_regions

    timings = {}
    if url.startswith("postgresql"):
        ensure_postgres_database(url)
    with app.app_context():
        if reuse and sa.inspect(db.engine).has_table("order_lines"):
            count = db.session.scalar(sa.select(sa.func.count()).select_from(OrderLine))
            if count:
                timings["lines"] = count
                return timings
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        upgrade(revision="heads")
        load_regions()
        create_user(email=NATIONAL_EMAIL, password=PASSWORD, role="staff", scope="national")
        create_user(email=PROVINCE_EMAIL, password=PASSWORD, role="staff", scope="32")
        started = time.perf_counter()
        made, timings["generator"] = generate(lines, generator)
        timings["generate_s"] = time.perf_counter() - started
        started = time.perf_counter()
        rebuild_summary()
        timings["rebuild_s"] = time.perf_counter() - started
        timings["lines"] = made
        db.session.remove()
        analyze(db.engine)
    return timings


def analyze(engine) -> None:
    """Fresh planner statistics for every table after the bulk load, as autovacuum would give.

    PostgreSQL also gets VACUUM, which sets the visibility map that index-only scans rely on;
    SQLite moves the bulk load out of its write-ahead log into the database file, as its
    automatic checkpoints do in a running shop.
    """
    import sqlalchemy as sa

    engine.dispose()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    else:
        # Straight on the driver: a checkpoint cannot run inside the transaction SQLAlchemy opens.
        raw = engine.raw_connection()
        try:
            cursor = raw.driver_connection.cursor()
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    engine.dispose()


def median_ms(func, runs: int) -> float:
    """Median wall time of func() in milliseconds, after two warm-up calls."""
    for _ in range(2):
        func()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def measure(app, runs: int) -> dict:
    """Median full-page render times and the plain GROUP BY query's time."""
    import sqlalchemy as sa

    from marketplace.extensions import db

    results = {}
    for email, (label, path) in zip((NATIONAL_EMAIL, PROVINCE_EMAIL), PAGES.items(), strict=True):
        client = app.test_client()
        response = client.post("/account/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, f"login failed for {email}"

        def get(path=path, client=client):
            """One full page."""
            response = client.get(path)
            assert response.status_code == 200, response.status_code
            return response

        results[label] = median_ms(get, runs)
    plain = sa.text(
        "SELECT artisan_province_code, sum(line_total_idr) FROM order_lines "
        "GROUP BY artisan_province_code"
    )
    with app.app_context():

        def query():
            """The plain GROUP BY over the lines."""
            db.session.execute(plain).all()

        results["plain SELECT sum GROUP BY province"] = median_ms(query, runs)
        results["agrees with order lines"] = check_figures()
        db.session.remove()
    return results


def check_figures() -> bool:
    """The national page's GMV, items and orders equal a direct SQL sum over the order lines."""
    import sqlalchemy as sa

    from marketplace.dashboard.periods import preset_period, today
    from marketplace.dashboard.reports import region_report
    from marketplace.extensions import db
    from marketplace.orders.models import Order, OrderLine

    period = preset_period("last_12_months", today())
    start, end = period.utc_bounds()
    report = region_report(scope="national", region="national", period=period)
    figures = {row["key"]: row["value"] for row in report.figures.rows}
    raw = db.session.execute(
        sa.select(
            sa.func.sum(OrderLine.line_total_idr),
            sa.func.sum(OrderLine.quantity),
            sa.func.count(sa.distinct(OrderLine.order_id)),
        )
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.status.in_(("paid", "completed")), Order.paid_at >= start, Order.paid_at < end)
    ).one()
    return (figures["gmv_idr"], figures["items"], figures["orders"]) == tuple(int(v) for v in raw)


def run(name: str, url: str, args) -> dict:
    """Build (or reuse) one database and measure it."""
    from marketplace import create_app

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    timings = build(app, url, args.lines, args.reuse, args.generator)
    results = measure(app, args.runs)
    with app.app_context():
        from marketplace.extensions import db

        db.engine.dispose()
    return {"database": name, **timings, **results}


def print_table(rows: list[dict]) -> None:
    """The results as a plain text table."""
    keys = [*PAGES, "plain SELECT sum GROUP BY province"]
    print()
    print(f"{'database':<11}{'lines':>11}  " + "  ".join(f"{k:>34}" for k in keys) + "  agree")
    for row in rows:
        cells = "  ".join(f"{row[k]:>31.1f} ms" for k in keys)
        print(
            f"{row['database']:<11}{row['lines']:>11,}  {cells}  {row['agrees with order lines']}"
        )
    for row in rows:
        if "generate_s" in row:
            made = f"{row['generator']} made the data in {row['generate_s']:.0f} s"
            print(f"{row['database']}: {made}; summary rebuilt in {row['rebuild_s']:.1f} s")


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the benchmark on each database, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sqlite", default="", help="SQLite file (default: a temporary one)")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", ""))
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep data already generated")
    parser.add_argument(
        "--generator",
        choices=("auto", "checkout", "own"),
        default="auto",
        help="checkout: generate-data's orders generator; own: dashboard/generate.py; "
        "auto: checkout's when present",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("APP_ENV", "testing")
    rows = []
    if not args.no_sqlite:
        path = args.sqlite or str(Path(tempfile.mkdtemp(prefix="bench-dashboard-")) / "bench.db")
        if not args.reuse and os.path.exists(path):
            os.remove(path)
        rows.append(run("sqlite", f"sqlite:///{path}", args))
    if args.postgres:
        rows.append(run("postgresql", args.postgres, args))
    print_table(rows)
    return 0 if all(r["agrees with order lines"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
