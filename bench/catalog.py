"""The storefront scenario of bench/run.py: the data set and the pages to measure."""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path


def build(env: dict, workdir: Path, run, *, artisans: int, products: int) -> None:
    """Migrate a fresh SQLite file, load regions, generate artisans and products."""
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


def pages(database: Path) -> list[tuple[str, str]]:
    """(name, path) of each page to measure; the product page is a visible product's."""
    with sqlite3.connect(database) as conn:
        slug = conn.execute(
            "SELECT p.slug FROM products p JOIN artisans a ON a.id = p.artisan_id "
            "WHERE p.status = 'active' AND a.status = 'verified' AND p.stock > 0 "
            "ORDER BY p.id LIMIT 1"
        ).fetchone()[0]
    return [
        ("/products", "/products"),
        ("/products?province=32", "/products?province=32"),
        ("/products?q=batik", "/products?q=batik"),
        ("product page", f"/products/{slug}"),
    ]
