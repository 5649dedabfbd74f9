"""The catalog version: one counter bumped whenever what buyers see of the catalog changes.

Pages that every visitor sees alike (lists, product pages) are cached under the current version;
any change to a product, its price, stock, photos or status, or to an artisan's verification,
bumps the version in the same transaction, so no cached page outlives the data it shows.

A sale is the exception (bump_after_sale): pages show a stock figure only up to
STOCK_SHOWN_UP_TO ("tinggal 3", "stok habis"), so a sale that leaves more than that changes
nothing a page shows except the best-seller order of the home page, which may then lag by up to
one and a half SALE_RANKING_LAG (90 s). Bumping the one row on every order made all checkouts on
PostgreSQL wait for each other's commit.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from time import monotonic

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, now_utc
from marketplace.extensions import db

STOCK_SHOWN_UP_TO = 5  # pages say "Tinggal N" up to here, above it only "Stok tersedia"
SALE_RANKING_LAG = timedelta(seconds=60)


class CatalogState(Base):
    """A single row (id 1) holding the catalog version."""

    __tablename__ = "catalog_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)
    changed_at: Mapped[datetime] = mapped_column(default=now_utc)


def bump_catalog_version() -> None:
    """Mark the catalog changed; call inside the transaction that changes it."""
    db.session.execute(
        sa.update(CatalogState)
        .where(CatalogState.id == 1)
        .values(version=CatalogState.version + 1, changed_at=now_utc())
    )


def bump_after_sale(stock_left: list[int]) -> None:
    """After a sale took stock: bump if a page's stock figure changed, else at most once a lag.

    The conditional update leaves the row alone (and unlocked) while the last change is recent;
    each process tries it at most every half lag, so a busy shop does not send it with every
    order (the ranking then lags at most one and a half SALE_RANKING_LAG).
    """
    if any(stock <= STOCK_SHOWN_UP_TO for stock in stock_left):
        bump_catalog_version()
        return
    tried = current_app.extensions.setdefault("catalog_sale_bump", {})
    moment = monotonic()
    if moment - tried.get("at", -math.inf) < SALE_RANKING_LAG.total_seconds() / 2:
        return
    tried["at"] = moment
    now = now_utc()
    db.session.execute(
        sa.update(CatalogState)
        .where(CatalogState.id == 1, CatalogState.changed_at < now - SALE_RANKING_LAG)
        .values(version=CatalogState.version + 1, changed_at=now)
    )


def catalog_version() -> int:
    """The current version (one primary-key read)."""
    return db.session.scalar(sa.select(CatalogState.version).where(CatalogState.id == 1)) or 0
