"""The storefront scenario of bench/run.py: the data set and the pages to measure."""

from __future__ import annotations

import sys
import time
from pathlib import Path


def build(env: dict, workdir: Path, run, *, artisans: int, products: int) -> None:
    """Migrate a fresh database (env's DATABASE_URL), load regions, generate the catalogue."""
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    started = time.perf_counter()
    run([*flask, "db", "upgrade", "heads"], env)
    run([*flask, "regions", "load"], env)
    run([*flask, "catalog", "load-categories"], env)
    run(
        [*flask, "generate-data", "--artisans", str(artisans), "--products", str(products),
         "--orders", "0", "--seed", "1"],
        env,
        quiet=False,
    )  # fmt: skip
    print(f"data ready in {time.perf_counter() - started:.1f}s")


def pages(database_url: str) -> list[tuple[str, str, str]]:
    """(kind, name, path) of each cache-hit page; the product page is a visible product's."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        slug = conn.execute(
            sa.text(
                "SELECT p.slug FROM products p JOIN artisans a ON a.id = p.artisan_id "
                "WHERE p.status = 'active' AND a.status = 'verified' AND p.stock > 0 "
                "ORDER BY p.id LIMIT 1"
            )
        ).scalar_one()
    engine.dispose()
    return [
        ("list", "/products", "/products"),
        ("list", "/products?province=32", "/products?province=32"),
        ("search", "/products?q=batik", "/products?q=batik"),
        ("product", "product page", f"/products/{slug}"),
    ]
