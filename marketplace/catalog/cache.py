"""The catalog version: one counter bumped whenever what buyers see of the catalog changes.

Pages that every visitor sees alike (lists, product pages) are cached under the current version;
any change to a product, its price, stock, photos or status, or to an artisan's verification,
bumps the version in the same transaction, so no cached page outlives the data it shows.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, now_utc
from marketplace.extensions import db


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


def catalog_version() -> int:
    """The current version (one primary-key read)."""
    return db.session.scalar(sa.select(CatalogState.version).where(CatalogState.id == 1)) or 0
