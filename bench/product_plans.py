"""The query plans of the product page's statements, on a database bench/product_page.py built.

    python bench/product_plans.py sqlite:////tmp/bench-product-page/products-10000.sqlite3
    python bench/product_plans.py postgresql+psycopg://postgres@127.0.0.1:5432/bench_product_page

For two products (the newest of the shop with the most products, one of the shop with the
fewest, whose related products come mostly from its category), every SELECT that
services.product_page() runs, each followed by EXPLAIN QUERY PLAN (SQLite) or EXPLAIN ANALYZE
(PostgreSQL: the plan it ran and its time). Read-only. Run with the project's venv Python.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from settings import PRODUCTION_ENV  # noqa: E402

VISIBLE = "p.status = 'active' AND a.status = 'verified'"
SAMPLES = {
    "the biggest shop's newest product": (
        f"SELECT p.slug FROM products p JOIN artisans a ON a.id = p.artisan_id WHERE {VISIBLE} "
        "AND p.artisan_id = (SELECT artisan_id FROM products GROUP BY artisan_id "
        "ORDER BY count(*) DESC LIMIT 1) ORDER BY p.published_at DESC, p.id DESC LIMIT 1"
    ),
    "the smallest shop's product (topped up from its category)": (
        "SELECT min(p.slug) FROM products p JOIN artisans a ON a.id = p.artisan_id "
        f"WHERE {VISIBLE} GROUP BY p.artisan_id ORDER BY count(*), p.artisan_id LIMIT 1"
    ),
}


def main() -> None:
    """Print each sample product's statements with their plans."""
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    os.environ.update(PRODUCTION_ENV)
    os.environ.update(
        DATABASE_URL=sys.argv[1], CATALOG_CACHE_SIZE="0", SECRET_KEY=secrets.token_urlsafe(48)
    )
    os.environ.pop("REDIS_URL", None)
    import sqlalchemy as sa
    from sqlalchemy import event

    from marketplace import create_app
    from marketplace.catalog.services import product_page
    from marketplace.extensions import db

    app = create_app()
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        for label, sql in SAMPLES.items():
            slug = db.session.execute(sa.text(sql)).scalar()
            if slug is None:
                print(f"## {label}: none in this catalogue\n")
                continue
            seen: list[tuple[str, object]] = []

            def record(conn, cursor, statement, parameters, context, executemany, seen=seen):
                seen.append((statement, parameters))

            event.listen(db.engine, "before_cursor_execute", record)
            try:
                view = product_page(slug=slug)
            finally:
                event.remove(db.engine, "before_cursor_execute", record)
            print(f"## {label}: {slug} ({len(view.related)} related)\n")
            connection = db.session.connection()
            for statement, params in seen:
                explain = "EXPLAIN (ANALYZE, COSTS OFF) " if postgres else "EXPLAIN QUERY PLAN "
                rows = connection.exec_driver_sql(explain + statement, params).all()
                plan = "\n".join(str(row[-1]) for row in rows)
                print(f"```sql\n{' '.join(statement.split())}\n```\n```\n{plan}\n```\n")


if __name__ == "__main__":
    main()
