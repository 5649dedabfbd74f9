"""The list index: page N of a product list is a seek, not a walk over every product before it.

`list_entries` holds one row per visible product (the rule of queries.py) with the keys the lists
sort and filter by; an index per list gives each its order without a sort. But a B-tree finds
the 7,000th entry of an order only by stepping over the 6,999 before it (OFFSET), so deep pages
would cost what the catalogue weighs. Hence the blocks: every list that grows with the catalogue,
a *scope* ("" the whole catalogue, c<category id>, p<province>, r<regency>, a<artisan id>), is
cut in each order (newest: published_at, id; price: price, id) into runs of consecutive entries.
A block row holds the key of its first entry, how many entries it holds and the position of the
first one. The entry at position p lies in the block with the greatest first_position <= p (an
index seek), at most MAX_BLOCK entries into it; a list's length is its last block's end.

Writers keep it current in the transaction that changes what buyers see, through
search.reindex_product / reindex_artisan, where every such change already goes: refresh()
replaces those products' entries, moves the counts of the blocks they left or entered, cuts a
block grown past MAX_BLOCK, and renumbers the blocks after the first one that changed (one
writer at a time). rebuild() remakes everything (generate-data, `flask catalog reindex`).
"""

from __future__ import annotations

import bisect
import functools
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from marketplace.artisans.models import Artisan
from marketplace.catalog.models import ListBlockNewest, ListBlockPrice, ListEntry, Product
from marketplace.catalog.queries import visible_products
from marketplace.extensions import db

BLOCK = 256
MAX_BLOCK = 2 * BLOCK
# PostgreSQL advisory lock held by the transaction that changes the index: writers read the
# blocks, then rewrite them, so two at once would lose one's counts.
LOCK_KEY = 1_212_000_012

ENTRY_COLUMNS = (
    ListEntry.product_id,
    ListEntry.published_at,
    ListEntry.price_idr,
    ListEntry.category_id,
    ListEntry.province_code,
    ListEntry.regency_code,
    ListEntry.artisan_id,
)
# A scope's letters and the entry columns they filter on.
SCOPE_COLUMNS = {
    "c": ListEntry.category_id,
    "p": ListEntry.province_code,
    "r": ListEntry.regency_code,
    "a": ListEntry.artisan_id,
}


@dataclass(frozen=True, eq=False)
class Order:
    """One order the lists are read in (ascending), with its table of blocks."""

    name: str
    entry_key: sa.orm.InstrumentedAttribute
    block: type
    block_key: sa.orm.InstrumentedAttribute
    lowest: object  # below every real key: each scope's first block starts at (lowest, 0)
    kinds: tuple[tuple[str, ...], ...]  # the kinds of scope kept in this order, as letters


NEWEST = Order(
    "newest",
    ListEntry.published_at,
    ListBlockNewest,
    ListBlockNewest.start_at,
    datetime(1970, 1, 1, tzinfo=UTC),
    ((), ("c",), ("p",), ("r",), ("a",), ("c", "p"), ("c", "r")),
)
PRICE = Order(
    "price",
    ListEntry.price_idr,
    ListBlockPrice,
    ListBlockPrice.start_price,
    0,
    ((), ("c",), ("p",), ("r",), ("c", "p"), ("c", "r")),
)
ORDERS = (NEWEST, PRICE)
ORDERS_BY_NAME = {order.name: order for order in ORDERS}


def scope_of(**values) -> str:
    """The scope of these filters, e.g. scope_of(p="32", c=3) == "c3/p32"; "" for none."""
    return "/".join(f"{letter}{values[letter]}" for letter in "cpra" if letter in values)


def scope_values(scope: str) -> dict[str, str | int]:
    """{letter: value} of a scope: "c3/p32" -> {"c": 3, "p": "32"}."""
    parts = scope.split("/") if scope else []
    return {p[0]: int(p[1:]) if p[0] in "ca" else p[1:] for p in parts}


def scope_kind(scope: str) -> tuple[str, ...]:
    """The letters of a scope: "c3/p32" -> ("c", "p")."""
    return tuple(scope_values(scope))


def scope_condition(scope: str) -> sa.ColumnElement[bool]:
    """The entries of a scope."""
    values = scope_values(scope)
    return sa.and_(sa.true(), *(SCOPE_COLUMNS[letter] == value for letter, value in values.items()))


@functools.cache
def length_statement(order: Order) -> sa.Select:
    """How many entries the scope :scope holds: where its last block ends (an index seek)."""
    block = order.block
    return (
        sa.select(block.first_position + block.entries)
        .where(block.scope == sa.bindparam("scope"))
        .order_by(block.first_position.desc())
        .limit(1)
    )


@functools.cache
def window_statement(order: Order, kind: tuple[str, ...]) -> sa.Select:
    """(product_id, sort_key) of the entries at positions :start .. :start + :count - 1 of the
    scope :scope (of this kind, whose entries have :value_<letter> in each letter's column).

    The block holding position :start is found by its first_position, and the seek starts at
    its first key: at most MAX_BLOCK entries are stepped over, however deep the page.
    """
    block = order.block
    start = sa.bindparam("start", type_=sa.Integer)

    def holding() -> sa.Select:
        return (
            sa.select()
            .where(block.scope == sa.bindparam("scope"), block.first_position <= start)
            .order_by(block.first_position.desc())
            .limit(1)
        )

    first = holding().add_columns(order.block_key, block.start_id).scalar_subquery()
    skipped = holding().add_columns(block.first_position).scalar_subquery()
    stmt = sa.select(ListEntry.product_id, order.entry_key.label("sort_key")).where(
        sa.tuple_(order.entry_key, ListEntry.product_id) >= first
    )
    for letter in kind:
        stmt = stmt.where(SCOPE_COLUMNS[letter] == sa.bindparam(f"value_{letter}"))
    return (
        stmt.order_by(order.entry_key, ListEntry.product_id)
        .limit(sa.bindparam("count", type_=sa.Integer))
        .offset(start - skipped)
    )


def counts(order: Order, letters: tuple[str, ...]) -> dict[str, int]:
    """{scope: entries} of every one-letter scope of these letters (e.g. "c": each category)."""
    block = order.block
    stmt = (
        sa.select(block.scope, sa.func.sum(block.entries))
        .where(sa.or_(*(block.scope.between(letter, f"{letter}~") for letter in letters)))
        .group_by(block.scope)
    )
    return {scope: int(total) for scope, total in db.session.execute(stmt) if "/" not in scope}


# --- writers -------------------------------------------------------------------------------


def visible_entries() -> sa.Select:
    """The list_entries rows of every visible product, from products and artisans."""
    # A product made active without a publication time is listed as published when created.
    return visible_products(
        Product.id,
        sa.func.coalesce(Product.published_at, Product.created_at),
        Product.price_idr,
        Product.category_id,
        Artisan.province_code,
        Artisan.regency_code,
        Product.artisan_id,
    )


def _lock() -> None:
    """One writer of the index at a time (SQLite writers hold the database lock anyway)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


def refresh_product(product_id: int) -> None:
    """Bring one product's entry up to date (added, moved or removed); inside atomic()."""
    _refresh(ListEntry.product_id == product_id, Product.id == product_id)


def refresh_artisan(artisan_id: int) -> None:
    """Bring all of an artisan's entries up to date (verified, suspended, moved region)."""
    _refresh(ListEntry.artisan_id == artisan_id, Product.artisan_id == artisan_id)


def _refresh(entries: sa.ColumnElement[bool], products: sa.ColumnElement[bool]) -> None:
    """Replace the entries of these products and move the blocks' counts accordingly."""
    _lock()
    old = db.session.execute(sa.select(*ENTRY_COLUMNS).where(entries)).all()
    db.session.execute(sa.delete(ListEntry).where(entries))
    db.session.execute(
        sa.insert(ListEntry).from_select(
            [column.key for column in ENTRY_COLUMNS], visible_entries().where(products)
        )
    )
    new = db.session.execute(sa.select(*ENTRY_COLUMNS).where(entries)).all()
    for order in ORDERS:
        moves: dict[str, Counter] = defaultdict(Counter)
        for rows, sign in ((old, -1), (new, 1)):
            for row in rows:
                key = (getattr(row, order.entry_key.key), row.product_id)
                for scope in scopes_of(row, order):
                    moves[scope][key] += sign
        changed = {}
        for scope, moved in moves.items():
            if nonzero := {key: delta for key, delta in moved.items() if delta}:
                changed[scope] = nonzero
        if changed:
            _move(order, changed)


def scopes_of(row, order: Order) -> list[str]:
    """The scopes an entry belongs to in an order."""
    values = {
        "c": row.category_id,
        "p": row.province_code,
        "r": row.regency_code,
        "a": row.artisan_id,
    }
    return [scope_of(**{letter: values[letter] for letter in kind}) for kind in order.kinds]


def _move(order: Order, moves: dict[str, dict]) -> None:
    """Add each scope's moves (key -> +1 entered, -1 left) to its blocks and store them."""
    block = order.block
    rows = db.session.execute(
        sa.select(block.scope, order.block_key, block.start_id, block.entries)
        .where(block.scope.in_(list(moves)))
        .order_by(block.scope, order.block_key, block.start_id)
    ).all()
    stored: dict[str, list[tuple]] = defaultdict(list)
    for scope, key, start_id, entries in rows:
        stored[scope].append(((key, start_id), entries))
    for scope, moved in moves.items():
        old = stored.get(scope, [])
        blocks = [[start, entries] for start, entries in old] or [[(order.lowest, 0), 0]]
        starts = [start for start, _entries in blocks]
        for key, delta in moved.items():
            blocks[max(bisect.bisect_right(starts, key) - 1, 0)][1] += delta
        _store(order, scope, old, _recut(order, scope, blocks))


def _recut(order: Order, scope: str, blocks: list[list]) -> list[tuple]:
    """The blocks with empty ones dropped and those past MAX_BLOCK cut; the first at lowest."""
    if any(entries < 0 for _start, entries in blocks):
        return _cut(order, scope, (order.lowest, 0), None)  # out of step: count again
    result: list[tuple] = []
    for i, (start, entries) in enumerate(blocks):
        if entries > MAX_BLOCK:
            end = blocks[i + 1][0] if i + 1 < len(blocks) else None
            result += _cut(order, scope, start, end)
        elif entries:
            result.append((start, entries))
    if result:
        result[0] = ((order.lowest, 0), result[0][1])
    return result


def _cut(order: Order, scope: str, start: tuple, end: tuple | None) -> list[tuple]:
    """Blocks of BLOCK entries over the scope's entries from start up to end (exclusive)."""
    key = sa.tuple_(order.entry_key, ListEntry.product_id)
    stmt = sa.select(order.entry_key, ListEntry.product_id).where(
        scope_condition(scope), key >= start
    )
    if end is not None:
        stmt = stmt.where(key < end)
    keys = [
        tuple(row)
        for row in db.session.execute(stmt.order_by(order.entry_key, ListEntry.product_id))
    ]
    return [
        (keys[i] if i else start, min(BLOCK, len(keys) - i)) for i in range(0, len(keys), BLOCK)
    ]


def _store(order: Order, scope: str, old: list[tuple], new: list[tuple]) -> None:
    """Write the scope's new blocks over the old ones, from the first that differs."""
    same = 0
    while same < min(len(old), len(new)) and old[same] == new[same]:
        same += 1
    if same == len(old) == len(new):
        return
    block = order.block
    if same < len(old):
        db.session.execute(
            sa.delete(block).where(
                block.scope == scope, sa.tuple_(order.block_key, block.start_id) >= old[same][0]
            )
        )
    position = sum(entries for _start, entries in new[:same])
    rows = []
    for (key, start_id), entries in new[same:]:
        rows.append(
            {
                "scope": scope,
                order.block_key.key: key,
                "start_id": start_id,
                "entries": entries,
                "first_position": position,
            }
        )
        position += entries
    if rows:
        db.session.execute(sa.insert(block), rows)


def rebuild() -> None:
    """Remake the whole index from the products and artisans (inside atomic())."""
    _lock()
    db.session.execute(sa.delete(ListEntry))
    db.session.execute(
        sa.insert(ListEntry).from_select(
            [column.key for column in ENTRY_COLUMNS], visible_entries()
        )
    )
    for order in ORDERS:
        db.session.execute(sa.delete(order.block))
        for kind in order.kinds:
            db.session.execute(_blocks_of_every_scope(order, kind))


def _blocks_of_every_scope(order: Order, kind: tuple[str, ...]) -> sa.Insert:
    """INSERT the blocks of every scope of a kind, cut every BLOCK entries, in one statement."""
    scope = sa.literal("")
    for i, letter in enumerate(kind):  # in scope_of()'s order
        scope = scope + (f"/{letter}" if i else letter) + sa.cast(SCOPE_COLUMNS[letter], sa.String)
    partition = [SCOPE_COLUMNS[letter] for letter in kind] or None
    ranked = sa.select(
        scope.label("scope"),
        order.entry_key.label("key"),
        ListEntry.product_id.label("product_id"),
        sa.func.row_number()
        .over(partition_by=partition, order_by=(order.entry_key, ListEntry.product_id))
        .label("n"),
        sa.func.count().over(partition_by=partition).label("total"),
    ).subquery()
    first = ranked.c.n == 1
    left = ranked.c.total - ranked.c.n + 1
    cut = sa.select(
        ranked.c.scope,
        sa.case((first, sa.literal(order.lowest, order.block_key.type)), else_=ranked.c.key),
        sa.case((first, 0), else_=ranked.c.product_id),
        sa.case((left < BLOCK, left), else_=BLOCK),
        ranked.c.n - 1,
    ).where((ranked.c.n - 1) % BLOCK == 0)
    return sa.insert(order.block).from_select(
        ["scope", order.block_key.key, "start_id", "entries", "first_position"], cut
    )
