"""generate-data, load-categories and the demo products: the commands developers and benches run."""

from __future__ import annotations

import shutil
import time

import sqlalchemy as sa

from marketplace import create_app
from marketplace.artisans.models import Artisan, TrainingRecord
from marketplace.catalog.filters import parse_filters
from marketplace.catalog.models import Product, ProductPhoto
from marketplace.catalog.services import list_products
from marketplace.extensions import db


def count(model, *where) -> int:
    """Rows of a model."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_generate_data_spreads_verified_artisans_over_all_38_provinces(runner, app):
    started = time.perf_counter()
    result = runner.invoke(args=["generate-data", "--artisans", "76", "--products", "1500",
                                 "--seed", "7"])  # fmt: skip
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert "76 artisans in 38 provinces and 1500 products" in result.output
    assert elapsed < 30, "bulk inserts should take seconds, not minutes"
    with app.app_context():
        assert count(Artisan, Artisan.status == "verified") == 76
        assert count(TrainingRecord) == 76
        assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Artisan.province_code)))) == 38
        assert count(Product) == 1500
        visible = list_products(filters=parse_filters({})).total
        assert 1200 < visible < 1500  # some drafts and archived products, as in real life
        found = list_products(filters=parse_filters({"q": "kopi"})).total
        assert found == list_products(filters=parse_filters({"category": "minuman"})).total > 0


def test_generate_data_is_deterministic_for_a_seed(database, tmp_path):
    def snapshot(name: str):
        if database.name == "sqlite":
            path = tmp_path / f"{name}.sqlite3"
            shutil.copyfile(database.url, path)
            uri = f"sqlite:///{path}"
        else:
            uri = database.url
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": uri})
        with app.app_context():
            from marketplace.catalog.generate import generate_data

            if database.name == "postgresql":
                db.session.execute(sa.text("TRUNCATE users, categories RESTART IDENTITY CASCADE"))
                db.session.commit()
            generate_data(artisans=10, products=60, seed=42)
            rows = db.session.execute(
                sa.select(Product.title, Product.price_idr, Product.stock, Product.status,
                          Artisan.shop_name, Artisan.regency_code)
                .join(Artisan, Artisan.id == Product.artisan_id).order_by(Product.id)
            ).all()  # fmt: skip
            db.session.remove()
            db.engine.dispose()
        return rows

    assert snapshot("first") == snapshot("second")


def test_generate_data_refuses_a_seed_used_before_and_skips_orders_until_they_exist(runner, app):
    first = runner.invoke(args=["generate-data", "--artisans", "2", "--products", "3",
                                "--orders", "5", "--seed", "9"])  # fmt: skip
    assert first.exit_code == 0, first.output
    import importlib.util

    if importlib.util.find_spec("marketplace.orders.generate") is None:
        assert "orders: not supported yet" in first.output
    again = runner.invoke(args=["generate-data", "--artisans", "2", "--products", "3",
                                "--seed", "9"])  # fmt: skip
    assert again.exit_code != 0 and "seed 9" in again.output


def test_load_categories_command_is_idempotent(runner):
    first = runner.invoke(args=["catalog", "load-categories"])
    assert first.exit_code == 0 and "10 added" in first.output
    second = runner.invoke(args=["catalog", "load-categories"])
    assert "0 added" in second.output


def test_reindex_command_rebuilds_search(runner, app):
    runner.invoke(args=["generate-data", "--artisans", "3", "--products", "20", "--seed", "2"])
    with app.app_context():
        visible = list_products(filters=parse_filters({})).total
        db.session.execute(sa.text("DELETE FROM product_search"))
        db.session.commit()
        assert list_products(filters=parse_filters({"q": "a"})).total == 0
    result = runner.invoke(args=["catalog", "reindex"])
    assert f"{visible} visible products indexed" in result.output


def test_seed_demo_adds_about_60_products_with_photos_once(runner, app):
    from marketplace.catalog.demo import seed_products

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        products = count(Product)
        photos = count(ProductPhoto)
        assert 55 <= products <= 70
        assert products < photos <= 3 * products
        per_product = db.session.execute(
            sa.select(sa.func.count()).select_from(ProductPhoto).group_by(ProductPhoto.product_id)
        ).scalars().all()  # fmt: skip
        assert len(per_product) == products and set(per_product) == {1, 2, 3}
        # The pending demo artisan's products wait for verification.
        visible = list_products(filters=parse_filters({})).total
        assert 40 <= visible < products
        assert list_products(filters=parse_filters({"q": "anyam"})).total > 3
        assert seed_products() == 0
        assert count(Product) == products and count(ProductPhoto) == photos
    media = app.config["MEDIA_ROOT"]
    stored = [p for p in __import__("pathlib").Path(media).rglob("*_medium.webp")]
    assert len(stored) == photos
