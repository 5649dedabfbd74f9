"""Catalog test helpers: data made the way the app's writers make it.

A writer commits the change, refreshes the product's search row and bumps the catalog version in
one transaction; `publish()` does the same for rows made by tests/factories.py.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.catalog.cache import CatalogState, bump_catalog_version
from marketplace.catalog.search import reindex_artisan, reindex_product
from marketplace.db import atomic, now_utc
from marketplace.extensions import db
from tests import factories


@pytest.fixture
def app(app):
    """The app, with the catalog version row that PostgreSQL runs lose when tables are emptied."""
    with app.app_context():
        if db.session.get(CatalogState, 1) is None:
            with atomic():
                db.session.add(CatalogState(id=1, version=1, changed_at=now_utc()))
        db.session.remove()
    return app


def publish(product_id: int) -> None:
    """Index a product for search and bump the catalog version, as the seller code does."""
    with atomic():
        reindex_product(product_id)
        bump_catalog_version()


def make_product(**kwargs):
    """A committed, searchable product (in the current app context)."""
    product = factories.make_product(**kwargs)
    publish(product.id)
    return product


def change_product(product_id: int, **values) -> None:
    """Update a product as a writer would: index and version in the same transaction."""
    from marketplace.catalog.models import Product

    with atomic():
        db.session.execute(sa.update(Product).where(Product.id == product_id).values(**values))
        reindex_product(product_id)
        bump_catalog_version()


def change_artisan(artisan_id: int, **values) -> None:
    """Update an artisan (status, shop name) as a writer would."""
    from marketplace.artisans.models import Artisan

    with atomic():
        db.session.execute(sa.update(Artisan).where(Artisan.id == artisan_id).values(**values))
        reindex_artisan(artisan_id)
        bump_catalog_version()


class Shop:
    """The helpers above for view tests: each call in its own app context, objects detached."""

    def __init__(self, app):
        self._app = app

    def _run(self, func, *args, **kwargs):
        with self._app.app_context():
            result = func(*args, **kwargs)
            if result is not None:
                db.session.refresh(result)
                db.session.expunge(result)
            db.session.remove()
            return result

    def product(self, **kwargs):
        """A committed, searchable product."""
        return self._run(make_product, **kwargs)

    def artisan(self, **kwargs):
        """A committed artisan (verified unless told otherwise)."""
        return self._run(factories.make_artisan, **kwargs)

    def category(self, **kwargs):
        """A committed category."""
        return self._run(factories.make_category, **kwargs)

    def change_product(self, product_id: int, **values) -> None:
        """See change_product()."""
        self._run(change_product, product_id, **values)

    def change_artisan(self, artisan_id: int, **values) -> None:
        """See change_artisan()."""
        self._run(change_artisan, artisan_id, **values)


@pytest.fixture
def shop(app):
    """Catalog data for view tests (never combine with `ctx`)."""
    return Shop(app)


class QueryCounter:
    """Counts the SQL statements the app runs while active."""

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    def __len__(self):
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as counter:` ... `len(counter)` statements ran."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = QueryCounter()
        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", counter)

    return counting
