"""What buyers see of the catalog changed: the two signals the page cache follows (page_cache.py).

- The catalog version, for changes that move products between pages or change what a page says
  of them: a product published, archived or edited (title, price, photos, category), an artisan
  verified or suspended, the categories. bump_catalog_version() in the writer's transaction;
  every worker then drops every cached page.
- The change log, for a product's stock: `catalog_state.change_seq` and one `catalog_changes`
  row per product, written by log_stock_changes() in the writer's transaction. Each worker
  reads the product ids changed since the seq it last saw and drops only the pages that show
  those products (a list, search or artisan page with the product's card, its own product page
  and the product pages that show it among related products, the home page's best sellers).

Pages show a product's stock only as "Stok habis", "Tinggal N" up to STOCK_SHOWN_UP_TO, or
"Stok tersedia" (shown_stock()), so a stock change is logged only when that figure changes:
a sale that leaves more than STOCK_SHOWN_UP_TO units writes nothing here. That matters: touching
the one row with every order made all PostgreSQL checkouts wait for each other's commit.
The product page's quantity field follows the same rule (its max is the stock only while the
stock is shown, see templates/catalog/product.html): a cached page never holds a stock figure
that a change would not evict.

The best-seller order of the home page changes with every sale; instead of a write per sale,
the home page is cached for at most SALE_RANKING_LAG (catalog/views.py), so a new best seller
shows within that time whether or not anything else sells.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, now_utc
from marketplace.extensions import db

STOCK_SHOWN_UP_TO = 5  # pages say "Tinggal N" up to here, above it only "Stok tersedia"
SALE_RANKING_LAG = timedelta(seconds=60)
LOG_KEPT = 10_000  # seqs kept in catalog_changes; a worker further behind than that empties
PRUNE_EVERY = 1_000  # its cache anyway (page_lru.MAX_BEHIND), so older rows are never read


class CatalogState(Base):
    """A single row (id 1): the catalog version and the change log's last sequence number."""

    __tablename__ = "catalog_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1)
    changed_at: Mapped[datetime] = mapped_column(default=now_utc)
    change_seq: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")


class CatalogChange(Base):
    """One product whose shown stock changed in the transaction that took sequence number seq.

    No foreign key: it is a log for caches, pruned by seq, not a fact about the product.
    """

    __tablename__ = "catalog_changes"

    seq: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    product_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


_state = CatalogState.__table__
_changes = CatalogChange.__table__
# Built once: the sale path runs them.
_NEXT_SEQ = (
    sa.update(_state)
    .where(_state.c.id == 1)
    .values(change_seq=_state.c.change_seq + 1)
    .returning(_state.c.change_seq)
)
_LOG = sa.insert(_changes)


def bump_catalog_version() -> None:
    """Mark the catalog changed; call inside the transaction that changes it."""
    db.session.execute(
        sa.update(CatalogState)
        .where(CatalogState.id == 1)
        .values(version=CatalogState.version + 1, changed_at=now_utc())
    )


def shown_stock(stock: int) -> int:
    """The stock as pages show it: exact up to STOCK_SHOWN_UP_TO, one figure above it."""
    return min(stock, STOCK_SHOWN_UP_TO + 1)


def log_stock_changes(moves: Iterable[tuple[int, int, int]]) -> None:
    """Log the products of (product id, stock before, stock after) whose shown stock changed.

    Call inside the transaction that changed the stock. The UPDATE takes the state row's lock
    and holds it until commit, so sequence numbers are handed out in commit order: seq n + 1
    goes to a transaction only once the one holding n has committed. A worker that reads a
    committed change_seq m can therefore read every change up to m; none up to m can still be
    in flight and commit after it has looked (what "changes since my last seq" relies on).
    """
    ids = sorted({pid for pid, before, after in moves if shown_stock(before) != shown_stock(after)})
    if not ids:
        return
    seq = db.session.execute(_NEXT_SEQ).scalar_one()
    db.session.execute(_LOG, [{"seq": seq, "product_id": pid} for pid in ids])
    if seq % PRUNE_EVERY == 0:
        db.session.execute(sa.delete(_changes).where(_changes.c.seq <= seq - LOG_KEPT))


def bump_after_sale(taken: list[tuple[int, int, int]]) -> None:
    """After a sale took stock, as (product id, units taken, stock left) per line.

    Only lines whose shown stock changed touch the state row (a sale leaving more than
    STOCK_SHOWN_UP_TO writes nothing); call it last in the checkout transaction, so that the
    row, when locked, is held the shortest time.
    """
    log_stock_changes((pid, left + units, left) for pid, units, left in taken)


def catalog_version() -> int:
    """The current version (one primary-key read)."""
    return db.session.scalar(sa.select(CatalogState.version).where(CatalogState.id == 1)) or 0
