"""The database side of bench/checkout.py: a fresh migrated database, the catalogue the buyers
shop in, and the checks after the run (orders confirmed, no oversell, the stock invariant)."""

from __future__ import annotations

import os
import random
import secrets
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from settings import PRODUCTION_ENV, ensure_postgres_database  # bench/settings.py

ROOT = Path(__file__).resolve().parent.parent
SCARCE = 8  # products with little stock, sold out during the run
SCARCE_STOCK = 4
PLENTY = 300


def flask_env(url: str, folder: Path) -> dict:
    """Environment for the app under test: production settings on the bench database."""
    env = dict(os.environ)
    env.update(PRODUCTION_ENV)
    env.update(
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_urlsafe(48),
        MAIL_BACKEND="console",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("BENCH_PATH", "")])),
        INSTANCE_PATH=str(folder / "instance"),
    )
    return env


def flask(env: dict, *args: str) -> None:
    """Run a `flask --app wsgi` command, quietly unless it fails."""
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


@contextmanager
def database(backend: str, pg_url: str):
    """A fresh, migrated database with regions and shipping rates: yields its URL, the app's
    environment and the run's own temporary folder (SQLite file, instance/, server log)."""
    folder = Path(tempfile.mkdtemp(prefix=f"bench-checkout-{backend}-"))
    if backend == "sqlite":
        url = f"sqlite:///{folder}/bench.sqlite3"
    else:
        import sqlalchemy as sa

        url = pg_url
        ensure_postgres_database(url)
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    env = flask_env(url, folder)
    flask(env, "db", "upgrade", "heads")
    flask(env, "regions", "load")
    flask(env, "shipping", "load-defaults")
    yield url, env, folder


def build_catalogue(url: str) -> tuple[list[int], list[int]]:
    """Verified artisans in several provinces with products; returns (plenty ids, scarce ids)."""
    from datetime import date

    from marketplace import create_app
    from marketplace.accounts.models import User
    from marketplace.artisans.models import Artisan, TrainingRecord
    from marketplace.catalog.models import Category, Product
    from marketplace.db import atomic, now_utc
    from marketplace.extensions import db

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    regencies = ["32.73", "51.04", "12.12", "33.20", "34.02", "73.71", "64.72", "94.01"]
    with app.app_context(), atomic():
        category = Category(slug="bench", name_id="Uji", name_en="Bench", position=1)
        db.session.add(category)
        products = []
        for n, regency in enumerate(regencies * 5):
            user = User(email=f"perajin{n}@bench.example.com", role="artisan", name=f"P{n}")
            db.session.add(user)
            db.session.flush()
            artisan = Artisan(
                user_id=user.id,
                slug=f"bench-{n}",
                shop_name=f"Toko Uji {n}",
                legal_name=f"Perajin {n}",
                regency_code=regency,
                province_code=regency.split(".")[0],
                status="verified",
                verified_at=now_utc(),
            )
            db.session.add(artisan)
            db.session.flush()
            db.session.add(
                TrainingRecord(
                    artisan_id=artisan.id,
                    programme="Uji",
                    batch="1",
                    training_date=date(2024, 1, 1),
                    certificate_number=f"B{n}",
                    regency_code=regency,
                    village="Desa",
                )
            )
            for k in range(PLENTY // 40 + (1 if n < SCARCE else 0)):
                scarce = n < SCARCE and k == 0
                products.append(
                    Product(
                        artisan_id=artisan.id,
                        category_id=category.id,
                        slug=f"bench-{n}-{k}",
                        title=f"Kerajinan uji {n}-{k}",
                        price_idr=random.randrange(20, 500) * 1000,
                        stock=SCARCE_STOCK if scarce else 1_000_000,
                        weight_grams=400 + 100 * k,
                        status="active",
                        published_at=now_utc(),
                    )
                )
        db.session.add_all(products)
        db.session.flush()
        plenty = [p.id for p in products if p.stock > SCARCE_STOCK]
        scarce = [p.id for p in products if p.stock == SCARCE_STOCK]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return plenty, scarce


def snapshot(url: str) -> dict[int, int]:
    """Stock received per product (stock + sold_count)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = dict(conn.execute(sa.text("SELECT id, stock + sold_count FROM products")).all())
    engine.dispose()
    return rows


def verify(url: str, received: dict[int, int], scarce: list[int], orders_seen: int) -> list[str]:
    """Problems found in the database after the run (empty when all is well)."""
    import sqlalchemy as sa

    problems = []
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        live = dict(
            conn.execute(
                sa.text(
                    "SELECT l.product_id, sum(l.quantity) FROM order_lines l "
                    "JOIN orders o ON o.id = l.order_id "
                    "WHERE o.status IN ('pending_payment', 'paid', 'completed') "
                    "GROUP BY l.product_id"
                )
            ).all()
        )
        for pid, stock, sold in conn.execute(sa.text("SELECT id, stock, sold_count FROM products")):
            units = int(live.get(pid, 0))
            if stock < 0 or sold != units or stock + units != received[pid]:
                problems.append(
                    f"product {pid}: stock {stock}, sold {sold}, live {units}, "
                    f"received {received[pid]}"
                )
        orders = conn.execute(sa.text("SELECT count(*) FROM orders")).scalar()
        keys = conn.execute(sa.text("SELECT count(DISTINCT idempotency_key) FROM orders")).scalar()
        sold_scarce = conn.execute(
            sa.text(
                "SELECT coalesce(sum(sold_count), 0) FROM products WHERE id IN :ids"
            ).bindparams(sa.bindparam("ids", expanding=True)),
            {"ids": scarce},
        ).scalar()
    engine.dispose()
    if orders != orders_seen:
        problems.append(f"{orders} orders in the database, {orders_seen} confirmed to buyers")
    if keys != orders:
        problems.append("duplicate idempotency keys")
    if sold_scarce > SCARCE_STOCK * len(scarce):
        problems.append(f"oversold: {sold_scarce} scarce units sold")
    return problems


def verify_count(url: str) -> int:
    """Orders in the database now."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(sa.text("SELECT count(*) FROM orders")).scalar()
    engine.dispose()
    return count
