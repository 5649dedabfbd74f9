"""A worker's own level of the page cache: an LRU of rendered pages that follows catalog changes.

Each entry is a dict of rendered HTML plus what it depends on (page_cache.py fills these in):

- "seq": the change_seq (catalog/cache.py) read before the data it was rendered from;
- "shows": the ids of the products it shows (cards, the product itself, related products);
- "until": for the home page's best sellers, the time (time.time()) it may be served until.

Entries without them (the sitemap) depend on the catalog version only.

follow() is called with the state row read at the start of each request. A new version empties
the cache; a new change_seq makes the worker read the product ids changed since the seq it last
saw (one query, only then; catalog/cache.py says why none can be missed) and drop just the
entries that show them. More than MAX_BEHIND seqs at once, or a gap in the log (pruned): it
empties the cache instead. The worker keeps the last MAX_BEHIND changes it read, so that an
entry rendered by a request that started before a change is never stored after it (put()) and
one shared through Redis by another worker is served only while none of its products changed
since it was rendered (valid()).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable

MAX_BEHIND = 1000  # seqs a worker reads at once, and keeps to check entries against
MAX_IDS = 5000  # more products changed at once than this: empty the cache instead

ReadChanges = Callable[[int, int], Iterable[tuple[int, int]]]


def clock() -> float:
    """The time entries' "until" is compared with (a function so tests can move it)."""
    return time.time()


class LRUCache:
    """A small thread-safe LRU of rendered pages, indexed by the products each one shows."""

    def __init__(self, size: int):
        """Keep at most size entries."""
        self.size = size
        self.version = -1
        self.seq: int | None = None  # the last change_seq applied; None before the first
        self.known_from = 0  # every change after this seq (up to self.seq) is in _changes
        self._changes: deque[tuple[int, frozenset[int]]] = deque()
        self._data: OrderedDict[str, dict] = OrderedDict()
        self._by_product: dict[int, set[str]] = {}
        self._lock = threading.Lock()

    def follow(self, version: int, seq: int, read_changes: ReadChanges) -> None:
        """Catch up with the state row read at the start of a request.

        read_changes(after, upto) gives the (seq, product id) rows logged in (after, upto].
        Cheap when nothing moved (two comparisons); a stamp older than what another thread
        already applied changes nothing.
        """
        if version == self.version and seq == self.seq:
            return
        rows: list[tuple[int, int]] | None = None
        with self._lock:
            start = self.seq
        if start is not None and start < seq <= start + MAX_BEHIND:
            rows = list(read_changes(start, seq))  # outside the lock: a database round trip
        with self._lock:
            if version > self.version:
                self._clear()
                self.version = version
            if self.seq is None or seq > self.seq + MAX_BEHIND:
                self._clear()
                self.seq = self.known_from = seq
            elif seq > self.seq:
                self._apply(rows if start is not None and start <= self.seq else None, seq)

    def _apply(self, rows: list[tuple[int, int]] | None, seq: int) -> None:
        """Drop the entries showing the products of the changes in (self.seq, seq]."""
        changed: dict[int, set[int]] = {}
        for row_seq, product_id in rows or ():
            if self.seq < row_seq <= seq:
                changed.setdefault(row_seq, set()).add(product_id)
        ids = set().union(*changed.values()) if changed else set()
        # Every seq stands for one committed transaction with at least one row: a missing one
        # was pruned (or rows were not read), so what it changed is unknown.
        if rows is None or len(changed) != seq - self.seq or len(ids) > MAX_IDS:
            self._clear()
            self._changes.clear()
            self.seq = self.known_from = seq
            return
        for product_id in ids:
            for key in list(self._by_product.get(product_id, ())):
                self._drop(key)
        for row_seq in sorted(changed):
            self._changes.append((row_seq, frozenset(changed[row_seq])))
        while len(self._changes) > MAX_BEHIND:
            self.known_from = self._changes.popleft()[0]
        self.seq = seq

    def valid(self, entry: dict) -> bool:
        """True unless the entry is past its time or shows a product changed since it was
        rendered (or was rendered before the changes this worker knows of)."""
        with self._lock:
            return self._valid(entry)

    def _valid(self, entry: dict) -> bool:
        until = entry.get("until")
        if until is not None and until <= clock():
            return False
        shows = entry.get("shows")
        if not shows:
            return True
        rendered = entry["seq"]
        if self.seq is None or rendered < self.known_from:
            return False
        for change_seq, ids in reversed(self._changes):
            if change_seq <= rendered:
                break
            if not ids.isdisjoint(shows):
                return False
        return True

    def get(self, version: int, key: str) -> dict | None:
        """The entry for key under this version, or None."""
        with self._lock:
            if version != self.version:
                return None
            entry = self._data.get(key)
            if entry is None:
                return None
            if "until" in entry and entry["until"] <= clock():
                self._drop(key)
                return None
            self._data.move_to_end(key)
            return entry

    def put(self, version: int, key: str, entry: dict) -> bool:
        """Store entry unless it is stale already; True when stored.

        A newer version empties the cache first (old pages are stale anyway); an entry rendered
        under an older version, or showing a product changed since it was rendered, is refused.
        """
        with self._lock:
            if version > self.version:
                self._clear()
                self.version = version
            elif version < self.version:
                return False  # rendered from data older than what this worker has already seen
            if not self._valid(entry):
                return False
            if key in self._data:
                self._drop(key)
            self._data[key] = entry
            for product_id in entry.get("shows") or ():
                self._by_product.setdefault(product_id, set()).add(key)
            while len(self._data) > self.size:
                self._drop(next(iter(self._data)))
            return True

    def _drop(self, key: str) -> None:
        """Remove one entry and its place in the product index."""
        entry = self._data.pop(key)
        for product_id in entry.get("shows") or ():
            keys = self._by_product.get(product_id)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_product[product_id]

    def _clear(self) -> None:
        """Drop every entry."""
        self._data.clear()
        self._by_product.clear()

    def __len__(self) -> int:
        """How many entries are held."""
        return len(self._data)
