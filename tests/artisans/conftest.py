"""Fixtures of the seller centre's tests: the catalog version row and a look into MEDIA_ROOT."""

from __future__ import annotations

from pathlib import Path

import pytest

from marketplace.catalog.cache import CatalogState
from marketplace.db import atomic, now_utc
from marketplace.extensions import db


@pytest.fixture
def app(app):
    """The app, with the catalog version row that PostgreSQL runs lose when tables are emptied."""
    with app.app_context():
        if db.session.get(CatalogState, 1) is None:
            with atomic():
                db.session.add(CatalogState(id=1, version=1, changed_at=now_utc()))
        db.session.remove()
    return app


@pytest.fixture
def media_files(app):
    """A function listing every file under MEDIA_ROOT, relative and sorted."""
    root = Path(app.config["MEDIA_ROOT"])

    def listing() -> list[str]:
        if not root.exists():
            return []
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    return listing
