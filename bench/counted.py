"""The shop as bench/run.py serves it: wsgi:app, plus a count of page-cache hits and misses.

The count proves that a "cache miss" row really misses (and a "cache hit" row hits): every
anonymous catalog request first looks up its whole page (page_cache.fetch with a "catalog:page:"
key), and this wrapper counts what that lookup returned. GET /_bench/page-cache answers the
counts of the worker that serves it, with its pid; run.py asks until it has heard every worker.
Nothing here is part of the application: the bench wraps it from outside.
"""

from __future__ import annotations

import os

from flask import jsonify

import marketplace
from marketplace.catalog import page_cache
from wsgi import app

counts = {"hits": 0, "misses": 0}
original_fetch = page_cache.fetch


def counting_fetch(key: str, version: int) -> dict | None:
    """page_cache.fetch, counting the whole-page lookups."""
    entry = original_fetch(key, version)
    if key.startswith("catalog:page:"):
        counts["hits" if entry is not None else "misses"] += 1
    return entry


page_cache.fetch = counting_fetch


@app.get("/_bench/page-cache")
def page_cache_counts():
    """This worker's counts, and where its code comes from (the worktree run.py is in)."""
    return jsonify(pid=os.getpid(), code=os.path.dirname(marketplace.__file__), **counts)
