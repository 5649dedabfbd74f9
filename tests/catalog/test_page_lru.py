"""The worker's LRU following the change log: what it drops, keeps and refuses."""

from __future__ import annotations

from marketplace.catalog.page_lru import MAX_BEHIND, LRUCache


class Log:
    """A change log as read_changes() reads it: (seq, product id) rows; counts the reads."""

    def __init__(self, rows=()):
        self.rows = list(rows)
        self.reads = 0

    def __call__(self, after: int, upto: int):
        self.reads += 1
        return [(seq, pid) for seq, pid in self.rows if after < seq <= upto]


def page(seq: int, *shows: int) -> dict:
    """An entry rendered at seq showing those products."""
    return {"html": f"page of {shows}", "seq": seq, "shows": list(shows)}


def test_a_change_drops_only_the_entries_showing_its_products_even_when_followed_twice():
    cache, log = LRUCache(10), Log([(11, 1)])
    cache.follow(1, 10, log)
    cache.put(1, "list", page(10, 1, 2))
    cache.put(1, "other", page(10, 2, 3))
    for _ in range(2):  # the same stamp again (another request, another thread): no effect
        cache.follow(1, 11, log)
    assert cache.get(1, "list") is None and cache.get(1, "other") is not None
    assert log.reads == 1  # read once, when the seq moved


def test_nothing_is_read_while_the_seq_stays():
    cache, log = LRUCache(10), Log()
    for _ in range(3):
        cache.follow(1, 10, log)
    assert log.reads == 0


def test_an_entry_rendered_before_a_change_to_its_product_is_refused():
    cache = LRUCache(10)
    cache.follow(1, 10, Log())
    cache.follow(1, 12, Log([(11, 5), (12, 7)]))
    assert not cache.put(1, "late", page(10, 7))  # rendered at 10, product 7 changed at 12
    assert cache.put(1, "fine", page(10, 8))  # nothing it shows changed since
    assert cache.put(1, "new", page(12, 7))
    assert not cache.valid(page(9, 8))  # older than what this worker knows of the log


def test_a_gap_in_the_log_or_a_worker_far_behind_empties_the_cache():
    cache = LRUCache(10)
    cache.follow(1, 10, Log())
    cache.put(1, "a", page(10, 1))
    cache.follow(1, 12, Log([(12, 9)]))  # seq 11 was pruned: what it changed is unknown
    assert len(cache) == 0
    cache.put(1, "b", page(12, 1))
    log = Log()
    cache.follow(1, 12 + MAX_BEHIND + 1, log)
    assert len(cache) == 0 and log.reads == 0


def test_a_new_version_empties_the_cache_and_old_ones_are_refused():
    cache = LRUCache(10)
    cache.follow(1, 10, Log())
    cache.put(1, "a", page(10, 1))
    cache.follow(2, 10, Log())
    assert cache.get(2, "a") is None and not cache.put(1, "b", page(10, 1))


def test_an_entry_past_its_time_is_not_served(monkeypatch):
    from marketplace.catalog import page_lru

    monkeypatch.setattr(page_lru, "clock", lambda: 999.0)
    cache = LRUCache(10)
    cache.follow(1, 10, Log())
    assert cache.put(1, "home", {**page(10, 1), "until": 1_000.0})
    assert cache.get(1, "home") is not None
    monkeypatch.setattr(page_lru, "clock", lambda: 1_000.0)
    assert cache.get(1, "home") is None and len(cache) == 0


def test_dropping_the_oldest_entry_forgets_it_in_the_product_index():
    cache, log = LRUCache(1), Log([(11, 1)])
    cache.follow(1, 10, log)
    cache.put(1, "a", page(10, 1))
    cache.put(1, "b", page(10, 2))  # pushes "a" out
    cache.follow(1, 11, log)  # must not trip over the entry that is gone
    assert cache.get(1, "b") is not None and len(cache) == 1
