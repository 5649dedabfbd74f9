"""Caching of storefront pages that every visitor sees alike.

Two levels, both under (catalog version, language, full URL):

- the rendered blocks (title, description, head, content) of a catalog page, for everyone;
- the whole page, for anonymous visitors without flashed messages, also keyed by their cart count.

Why not the whole page for everyone: the header differs per visitor even when the content does
not (the account menu, the cart count, the CSRF token of the language switch), so signed-in
visitors get the cached content inside a header rendered for them. An anonymous header depends
only on the language, the URL and the cart count (all in the key) and the CSRF token: every
cached page and fragment holds a placeholder instead of the token, swapped for the visitor's own
token when served, so no visitor ever receives another's token.

Invalidation (catalog/cache.py has the writers' side). Each request first reads the state row
(one primary-key read on a raw pooled connection: the ORM session costs several times more than
the read itself): its catalog version and its change_seq. A new version drops every page; a new
change_seq makes the worker read which products' shown stock changed and drop only the pages
showing them (page_lru.py). So every entry records what it depends on: the seq read before its
data (data read after the stamp is never older than it), the products it shows (shown_products()
of the context the page was built from) and, for the home page's best sellers, until when it
may be served. With REDIS_URL set, workers also share entries through Redis (they expire in an
hour); one is served only if the worker's own change log says none of its products changed
since it was rendered.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import math
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from marketplace.catalog import page_lru
from marketplace.catalog.page_lru import LRUCache
from marketplace.catalog.queries import ProductCard, ProductDetail
from marketplace.extensions import db
from marketplace.i18n import select_locale
from marketplace.web import cart_count

log = logging.getLogger(__name__)

BLOCKS = ("title", "description", "head", "content")
CSRF_PLACEHOLDER = "__catalog_csrf_token__"
REDIS_TTL = 3600


def local_cache() -> LRUCache | None:
    """This app's in-process cache, or None when CATALOG_CACHE_SIZE is 0."""
    cache = current_app.extensions.get("catalog_page_cache")
    if cache is None:
        size = int(current_app.config.get("CATALOG_CACHE_SIZE", 256))
        if size <= 0:
            return None
        cache = current_app.extensions.setdefault("catalog_page_cache", LRUCache(size))
    return cache


def redis_client():
    """A Redis client when REDIS_URL is set, else None (made once per app)."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = current_app.extensions.get("catalog_redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=0.2, socket_connect_timeout=0.2)
        current_app.extensions["catalog_redis"] = client
    return client


STATE_SQL = "SELECT version, changed_at, change_seq FROM catalog_state WHERE id = 1"
CHANGES_SQL = sa.text(
    "SELECT seq, product_id FROM catalog_changes WHERE seq > :after AND seq <= :upto"
)


def read_stamp() -> tuple[int, str, int]:
    """The catalog version, the time it was set and the change_seq, on a raw pooled connection.

    Read on its own connection, in its own short transaction, before any catalog data: the
    data a request then reads is at least as new as the stamp it is cached under. The time
    tells apart two databases that happen to be at the same version (a database rebuilt from
    scratch behind the same Redis, one test after another).
    """
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(STATE_SQL)
        row = cursor.fetchone()
        cursor.close()
    finally:
        connection.close()
    return (int(row[0]), str(row[1]), int(row[2])) if row else (0, "", 0)


def read_version() -> int:
    """The catalog version (the same row as cache.catalog_version(), read more cheaply)."""
    return read_stamp()[0]


def read_changes(after: int, upto: int) -> list[tuple[int, int]]:
    """The (seq, product id) rows of the change log in (after, upto]: read only when it moved."""
    with db.engine.connect() as connection:
        rows = connection.execute(CHANGES_SQL, {"after": after, "upto": upto}).all()
    return [(int(seq), int(product_id)) for seq, product_id in rows]


def shown_products(value, found: set[int] | None = None) -> set[int]:
    """The ids of the products a page's context shows: every card and product detail in it.

    Walks the plain values the services return (dataclasses, lists, tuples, dicts), so any page
    built from them is covered, whatever its shape.
    """
    if found is None:
        found = set()
    if isinstance(value, ProductCard | ProductDetail):
        found.add(value.id)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            shown_products(getattr(value, field.name), found)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            shown_products(item, found)
    elif isinstance(value, dict):
        for item in value.values():
            shown_products(item, found)
    return found


def cache_key(kind: str, stamp: tuple[int, str, int], *extra) -> str:
    """(kind, catalog version and its time, language, extra..., full URL) as one string.

    The URL is taken raw from the WSGI environ (scheme, host, path, query string): the same
    address gives the same key, and it costs nothing to build.
    """
    env = request.environ
    url = (
        f"{env.get('wsgi.url_scheme')}://{env.get('HTTP_HOST', '')}{env.get('SCRIPT_NAME', '')}"
        f"{env.get('PATH_INFO', '')}?{env.get('QUERY_STRING', '')}"
    )
    parts = ":".join(str(part) for part in extra)
    # select_locale() is what Flask-Babel asks for the language; calling it directly spares
    # building a babel Locale on a cache hit, where nothing is translated.
    version, changed, _seq = stamp
    return f"catalog:{kind}:{version}@{changed}:{select_locale()}:{parts}:{url}"


def render_blocks(template_name: str, context: dict) -> dict[str, str]:
    """The page template's own blocks rendered to strings, as render_template would render them."""
    context = dict(context)
    context["csrf_token"] = lambda: CSRF_PLACEHOLDER
    app = current_app._get_current_object()
    app.update_template_context(context)
    template = app.jinja_env.get_template(template_name)
    jinja_context = template.new_context(context)
    return {
        name: "".join(template.blocks[name](jinja_context))
        for name in BLOCKS
        if name in template.blocks
    }


def redis_key(key: str) -> str:
    """key, prefixed with a digest of the database URL: apps on other databases share no pages."""
    prefix = current_app.extensions.get("catalog_redis_prefix")
    if prefix is None:
        url = db.engine.url.render_as_string(hide_password=True)
        prefix = hashlib.sha256(url.encode()).hexdigest()[:12]
        current_app.extensions["catalog_redis_prefix"] = prefix
    return f"{prefix}:{key}"


def fetch(key: str, version: int) -> dict | None:
    """The cached entry for key from the LRU, then Redis (if still valid); None on a miss."""
    lru = local_cache()
    if lru is None:
        return None
    entry = lru.get(version, key)
    if entry is None and (client := redis_client()) is not None:
        try:
            raw = client.get(redis_key(key))
        except Exception:  # Redis is an optimisation: when it is down, render instead
            log.warning("catalog cache: Redis unavailable", exc_info=True)
            raw = None
        if raw is not None and lru.valid(shared := json.loads(raw)):
            entry = shared
            lru.put(version, key, entry)
    return entry


def store(key: str, version: int, entry: dict) -> None:
    """Keep an entry in the LRU and, when configured, in Redis; not if it is stale already."""
    lru = local_cache()
    if lru is None or not lru.put(version, key, entry):
        return
    if (client := redis_client()) is not None:
        until = entry.get("until")
        seconds = REDIS_TTL if until is None else math.ceil(until - page_lru.clock())
        try:
            client.set(redis_key(key), json.dumps(entry), ex=max(1, min(REDIS_TTL, seconds)))
        except Exception:  # see fetch()
            log.warning("catalog cache: Redis unavailable", exc_info=True)


def personal(html: str) -> str:
    """A cached page or fragment with this visitor's CSRF token in place of the placeholder."""
    return html.replace(CSRF_PLACEHOLDER, generate_csrf()) if CSRF_PLACEHOLDER in html else html


def depends(context: dict, seq: int, max_age: timedelta | None) -> dict:
    """What an entry rendered from context depends on (see page_lru.py)."""
    meta = {"seq": seq, "shows": sorted(shown_products(context))}
    if max_age is not None:
        meta["until"] = page_lru.clock() + max_age.total_seconds()
    return meta


def cached_page(
    template_name: str, build: Callable[[], dict], max_age: timedelta | None = None
) -> str:
    """Serve a catalog page from the cache, or from build() + the template, in the page shell.

    build() runs only on a miss and returns the template's context; an exception it raises
    (NotFound) propagates and nothing is cached. max_age: serve it at most that long (for what
    no change is logged for, such as the best-seller order).
    """
    stamp = read_stamp()
    version, _changed, seq = stamp
    lru = local_cache()
    if lru is not None:
        lru.follow(version, seq, read_changes)
    anonymous = not current_user.is_authenticated and "_flashes" not in session
    page_key = cache_key("page", stamp, cart_count()) if anonymous else ""
    if anonymous and (page := fetch(page_key, version)) is not None:
        return personal(page["html"])
    fragment_key = cache_key("blocks", stamp)
    entry = fetch(fragment_key, version)
    if entry is None:
        context = build()
        entry = {"blocks": render_blocks(template_name, context), **depends(context, seq, max_age)}
        store(fragment_key, version, entry)
    # The blocks are our own templates' autoescaped output (from this process or, with REDIS_URL,
    # from a sibling worker through the private Redis): HTML already, not user text.
    blocks = entry["blocks"]
    if anonymous:
        parts = {name: Markup(value) for name, value in blocks.items()}  # noqa: S704
        html = render_template(
            "catalog/_shell.html", parts=parts, csrf_token=lambda: CSRF_PLACEHOLDER
        )
        meta = {name: value for name, value in entry.items() if name != "blocks"}
        store(page_key, version, {"html": html, **meta})
        return personal(html)
    parts = {name: Markup(personal(value)) for name, value in blocks.items()}  # noqa: S704
    return render_template("catalog/_shell.html", parts=parts)
