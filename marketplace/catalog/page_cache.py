"""Caching of storefront pages that every visitor sees alike, keyed by the catalog version.

Two levels, both under (catalog version, language, full URL):

- the rendered blocks (title, description, head, content) of a catalog page, for everyone;
- the whole page, for anonymous visitors without flashed messages, also keyed by their cart count.

Why not the whole page for everyone: the header differs per visitor even when the content does
not (the account menu, the cart count, the CSRF token of the language switch), so signed-in
visitors get the cached content inside a header rendered for them. An anonymous header depends
only on the language, the URL and the cart count (all in the key) and the CSRF token: every
cached page and fragment holds a placeholder instead of the token, swapped for the visitor's own
token when served, so no visitor ever receives another's token.

Invalidation: every change to what buyers see bumps the catalog version in its own transaction
(catalog/cache.py). Each request reads the version first (one primary-key read on a raw pooled
connection: the ORM session costs several times more than the read itself), so a change misses
the cache at once and the old entries are dropped. Data read after the version is never older
than it. With REDIS_URL set, workers also share entries through Redis (they expire in an hour).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from marketplace.extensions import db
from marketplace.i18n import select_locale
from marketplace.web import cart_count

log = logging.getLogger(__name__)

BLOCKS = ("title", "description", "head", "content")
CSRF_PLACEHOLDER = "__catalog_csrf_token__"
REDIS_TTL = 3600


class LRUCache:
    """A small thread-safe LRU of rendered fragments; dropped whole when the version moves on."""

    def __init__(self, size: int):
        """Keep at most size entries."""
        self.size = size
        self.version = -1
        self._data: OrderedDict[str, dict] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, version: int, key: str) -> dict | None:
        """The entry for key under this version, or None."""
        with self._lock:
            if version != self.version:
                return None
            entry = self._data.get(key)
            if entry is not None:
                self._data.move_to_end(key)
            return entry

    def put(self, version: int, key: str, entry: dict) -> None:
        """Store entry; a newer version empties the cache first (old pages are stale anyway)."""
        with self._lock:
            if version > self.version:
                self._data.clear()
                self.version = version
            elif version < self.version:
                return  # rendered from data older than what this worker has already seen
            self._data[key] = entry
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        """How many entries are held."""
        return len(self._data)


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


VERSION_SQL = "SELECT version, changed_at FROM catalog_state WHERE id = 1"


def read_stamp() -> tuple[int, str]:
    """The catalog version and the time it was set, read on a raw pooled connection.

    Read on its own connection, in its own short transaction, before any catalog data: the
    data a request then reads is at least as new as the version it is cached under. The time
    tells apart two databases that happen to be at the same version (a database rebuilt from
    scratch behind the same Redis, one test after another).
    """
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(VERSION_SQL)
        row = cursor.fetchone()
        cursor.close()
    finally:
        connection.close()
    return (int(row[0]), str(row[1])) if row else (0, "")


def read_version() -> int:
    """The catalog version (the same row as cache.catalog_version(), read more cheaply)."""
    return read_stamp()[0]


def cache_key(kind: str, stamp: tuple[int, str], *extra) -> str:
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
    version, changed = stamp
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
    """The cached blocks for key from the LRU, then Redis; None on a miss."""
    lru = local_cache()
    entry = lru.get(version, key) if lru is not None else None
    if entry is None and (client := redis_client()) is not None:
        try:
            raw = client.get(redis_key(key))
        except Exception:  # Redis is an optimisation: when it is down, render instead
            log.warning("catalog cache: Redis unavailable", exc_info=True)
            raw = None
        if raw is not None:
            entry = json.loads(raw)
            if lru is not None:
                lru.put(version, key, entry)
    return entry


def store(key: str, version: int, entry: dict) -> None:
    """Keep rendered blocks in the LRU and, when configured, in Redis."""
    lru = local_cache()
    if lru is not None:
        lru.put(version, key, entry)
    if (client := redis_client()) is not None:
        try:
            client.set(redis_key(key), json.dumps(entry), ex=REDIS_TTL)
        except Exception:  # see fetch()
            log.warning("catalog cache: Redis unavailable", exc_info=True)


def personal(html: str) -> str:
    """A cached page or fragment with this visitor's CSRF token in place of the placeholder."""
    return html.replace(CSRF_PLACEHOLDER, generate_csrf()) if CSRF_PLACEHOLDER in html else html


def cached_page(template_name: str, build: Callable[[], dict]) -> str:
    """Serve a catalog page from the cache, or from build() + the template, in the page shell.

    build() runs only on a miss and returns the template's context; an exception it raises
    (NotFound) propagates and nothing is cached.
    """
    stamp = read_stamp()
    version = stamp[0]
    anonymous = not current_user.is_authenticated and "_flashes" not in session
    page_key = cache_key("page", stamp, cart_count()) if anonymous else ""
    if anonymous and (page := fetch(page_key, version)) is not None:
        return personal(page["html"])
    fragment_key = cache_key("blocks", stamp)
    entry = fetch(fragment_key, version)
    if entry is None:
        entry = render_blocks(template_name, build())
        store(fragment_key, version, entry)
    # The blocks are our own templates' autoescaped output (from this process or, with REDIS_URL,
    # from a sibling worker through the private Redis): HTML already, not user text.
    if anonymous:
        parts = {name: Markup(value) for name, value in entry.items()}  # noqa: S704
        html = render_template(
            "catalog/_shell.html", parts=parts, csrf_token=lambda: CSRF_PLACEHOLDER
        )
        store(page_key, version, {"html": html})
        return personal(html)
    parts = {name: Markup(personal(value)) for name, value in entry.items()}  # noqa: S704
    return render_template("catalog/_shell.html", parts=parts)
