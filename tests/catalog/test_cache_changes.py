"""A sale, a restock or an artisan's stock edit changes only the cached pages that show it.

"Served from the cache" is observed from outside: a cached page runs no catalog query (only the
state row and, when it moved, the change log are read).
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from marketplace import create_app
from marketplace.catalog import listings, page_lru, services
from marketplace.catalog.models import Product
from marketplace.extensions import db
from marketplace.orders import services as orders
from tests.catalog.conftest import QueryCounter
from tests.orders.factories import order_for, overdue


@dataclass
class Catalog:
    """Product A (6 in stock: one sale away from "Tinggal 5") and product B (plenty), of
    different artisans and categories, so that no page shows both but the full list."""

    a: object
    b: object
    category_a: str
    category_b: str
    artisan_b: str

    def pages_of_a(self) -> list[str]:
        """Pages that show A and not B."""
        return [f"/products/{self.a.slug}", f"/products?category={self.category_a}"]

    def pages_of_b(self) -> list[str]:
        """Pages that show B and not A."""
        return [
            f"/products/{self.b.slug}",
            f"/products?category={self.category_b}",
            f"/artisans/{self.artisan_b}",
        ]


@pytest.fixture
def catalog(shop) -> Catalog:
    """Two products that share no page but the full list and the home page."""
    one, two = shop.artisan(shop_name="Tenun Ibu Sari"), shop.artisan(shop_name="Rotan Pak Budi")
    first, second = shop.category(), shop.category()
    a = shop.product(artisan_id=one.id, category_id=first.id, title="Kain Tenun Ikat", stock=6)
    b = shop.product(artisan_id=two.id, category_id=second.id, title="Keranjang Rotan", stock=30)
    return Catalog(a, b, first.slug, second.slug, two.slug)


@contextmanager
def queries(app):
    """The statements app runs meanwhile (a QueryCounter)."""
    counter = QueryCounter()
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        sa.event.remove(engine, "before_cursor_execute", counter)


def visit(client, url: str) -> tuple[bool, str]:
    """(served from the cache, page text) of an anonymous visit."""
    with queries(client.application) as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    catalog_queries = [
        s
        for s in counter.statements
        if s != "BEGIN" and "catalog_state" not in s and "catalog_changes" not in s
    ]
    return not catalog_queries, response.get_data(as_text=True)


def cached(client, url: str) -> bool:
    """True when the page came from the cache."""
    return visit(client, url)[0]


def warm(client, urls: list[str]) -> None:
    """Visit each page until it is cached."""
    for url in urls:
        client.get(url)
        assert cached(client, url), url


def in_app(app, change, *args, **kwargs):
    """Run a use case the way a request would: in its own app context."""
    with app.app_context():
        result = change(*args, **kwargs)
        db.session.remove()
        return result


def sell(app, product_id: int, units: int = 1):
    """A guest's checkout for units of the product."""
    return in_app(app, lambda: order_for({product_id: units}).order.id)


@pytest.fixture
def second_worker(app):
    """Another app on the same database: a second gunicorn worker, with its own LRU."""
    keep = ("SQLALCHEMY_DATABASE_URI", "MEDIA_ROOT", "DATABASE_BACKEND", "REDIS_URL")
    other = create_app("testing", {name: app.config[name] for name in keep})
    if "catalog_redis_prefix" in app.extensions:
        other.extensions["catalog_redis_prefix"] = app.extensions["catalog_redis_prefix"]
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_sale_drops_the_pages_showing_the_product_and_keeps_the_others(app, catalog):
    client = app.test_client()
    warm(client, [*catalog.pages_of_a(), *catalog.pages_of_b(), "/products"])
    sell(app, catalog.a.id)  # 6 -> 5: "Tinggal 5"
    for url in [*catalog.pages_of_a(), "/products"]:
        fresh, page = visit(client, url)
        assert not fresh and "Tinggal 5" in page, url
    for url in catalog.pages_of_b():
        assert cached(client, url), url
    for url in [*catalog.pages_of_a(), "/products"]:  # cached again, as they are now
        assert visit(client, url) == (True, visit(client, url)[1])


def test_a_sale_drops_the_product_pages_that_show_it_among_related_products(app, shop, catalog):
    sibling = shop.product(artisan_id=catalog.a.artisan_id, title="Selendang Tenun", stock=9)
    client = app.test_client()
    url = f"/products/{sibling.slug}"
    warm(client, [url])
    assert "Kain Tenun Ikat" in visit(client, url)[1]  # A, by the same artisan
    sell(app, catalog.a.id)
    fresh, page = visit(client, url)
    assert not fresh and "Tinggal 5" in page


def test_a_sale_leaving_plenty_keeps_every_page_cached(app, catalog):
    client = app.test_client()
    pages = [*catalog.pages_of_a(), *catalog.pages_of_b(), "/products"]
    warm(client, pages)
    sell(app, catalog.b.id, units=2)  # 30 -> 28: still "Stok tersedia"
    for url in pages:
        assert cached(client, url), url
    page = visit(client, f"/products/{catalog.b.slug}")[1]
    # The page holds no stock figure that a sale leaving more than five would make wrong.
    assert "Stok tersedia" in page and 'max="99"' in page and 'max="30"' not in page


def test_selling_out_drops_the_product_from_the_home_page_at_once(app, catalog):
    client = app.test_client()
    warm(client, ["/"])
    assert "Kain Tenun Ikat" in visit(client, "/")[1]
    sell(app, catalog.a.id, units=6)
    fresh, home = visit(client, "/")
    assert not fresh and "Kain Tenun Ikat" not in home and "Keranjang Rotan" in home


def test_the_home_page_shows_a_new_best_seller_within_the_ranking_lag(app, shop, monkeypatch):
    artisan = shop.artisan()
    first = shop.product(artisan_id=artisan.id, title="Tas Pandan Hijau", stock=40)
    second = shop.product(artisan_id=artisan.id, title="Tas Pandan Merah", stock=40)
    client = app.test_client()
    warm(client, ["/"])
    home = visit(client, "/")[1]
    leader = home.index("Tas Pandan Merah") < home.index("Tas Pandan Hijau")
    behind = first if leader else second  # the newest leads while nothing has sold
    sell(app, behind.id, units=3)  # 40 -> 37: nothing a page shows of its stock changed
    fresh, home = visit(client, "/")
    assert fresh  # served from the cache until the lag has passed ...
    now = page_lru.clock()
    monkeypatch.setattr(page_lru, "clock", lambda: now + 61)
    fresh, home = visit(client, "/")
    assert not fresh and home.index(behind.title) < home.index(
        (second if behind is first else first).title
    )  # ... then the new best seller comes first


def test_two_workers_both_drop_the_sold_products_pages(app, catalog, second_worker):
    for worker in (app, second_worker):
        worker.config["REDIS_URL"] = ""  # each its own LRU only (Redis would share the new page)
    one, two = app.test_client(), second_worker.test_client()
    for client in (one, two):
        warm(client, [*catalog.pages_of_a(), *catalog.pages_of_b()])
    sell(app, catalog.a.id)
    for client in (two, one):
        for url in catalog.pages_of_a():
            fresh, page = visit(client, url)
            assert not fresh and "Tinggal 5" in page, url
        for url in catalog.pages_of_b():
            assert cached(client, url), url


def test_a_page_rendered_before_a_sale_is_never_stored_after_it(app, catalog, monkeypatch):
    """Request 1 reads A's data, then waits; the sale commits and request 2 (another page)
    makes the worker follow it; then request 1 finishes and offers its page to the cache."""
    data_read, go_on = threading.Event(), threading.Event()
    original = services.product_page

    def slow_first_read(*, slug):
        view = original(slug=slug)
        if slug == catalog.a.slug and not data_read.is_set():
            data_read.set()
            assert go_on.wait(10)
        return view

    monkeypatch.setattr(services, "product_page", slow_first_read)
    url = f"/products/{catalog.a.slug}"
    first: dict = {}
    request_1 = threading.Thread(target=lambda: first.update(page=app.test_client().get(url)))
    request_1.start()
    assert data_read.wait(10)
    sell(app, catalog.a.id)
    app.test_client().get(f"/products/{catalog.b.slug}")  # request 2
    go_on.set()
    request_1.join(10)
    assert "Stok tersedia" in first["page"].get_data(as_text=True)  # read before the sale
    fresh, page = visit(app.test_client(), url)
    assert not fresh and "Tinggal 5" in page


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL")
def test_a_page_shared_through_redis_is_not_served_once_its_product_changed(
    app, catalog, second_worker
):
    for worker in (app, second_worker):
        worker.config["REDIS_URL"] = os.environ["REDIS_URL"]
    one, two = app.test_client(), second_worker.test_client()
    visit(two, f"/artisans/{catalog.artisan_b}")  # worker 2 is up and following the log
    url_a, url_b = f"/products/{catalog.a.slug}", f"/products/{catalog.b.slug}"
    for url in (url_a, url_b):
        assert not visit(one, url)[0]  # rendered by worker 1, shared through Redis
    sell(app, catalog.a.id)
    fresh, page = visit(two, url_a)
    assert not fresh and "Tinggal 5" in page  # the shared copy of A's page was stale
    assert cached(two, url_b)  # B's shared copy was not: worker 2 never rendered it


def edit(app, product_id: int, stock_new: int | None = None, **changes) -> None:
    """The artisan saves the edit form of their product with these changes."""
    with app.app_context():
        product = db.session.get(Product, product_id)
        fields = {
            "title": product.title,
            "category_id": product.category_id,
            "description": product.description,
            "price_idr": product.price_idr,
            "weight_grams": product.weight_grams,
            **changes,
        }
        listings.update_product(
            artisan_id=product.artisan_id,
            product_id=product.id,
            stock_seen=product.stock,
            stock_new=product.stock if stock_new is None else stock_new,
            **fields,
        )
        db.session.remove()


def test_an_artisans_stock_edit_shows_at_once_and_keeps_other_pages(app, catalog):
    client = app.test_client()
    warm(client, [*catalog.pages_of_a(), *catalog.pages_of_b()])
    edit(app, catalog.a.id, stock_new=2)
    for url in catalog.pages_of_a():
        fresh, page = visit(client, url)
        assert not fresh and "Tinggal 2" in page, url
    for url in catalog.pages_of_b():
        assert cached(client, url), url


@pytest.mark.parametrize("give_back", ["cancel", "expire"])
def test_stock_coming_back_shows_on_the_next_request(app, catalog, give_back):
    client = app.test_client()
    order_id = sell(app, catalog.a.id, units=3)  # 6 -> 3
    warm(client, catalog.pages_of_a())
    assert "Tinggal 3" in visit(client, f"/products/{catalog.a.slug}")[1]
    if give_back == "cancel":
        in_app(app, orders.cancel_order, order_id)
    else:
        in_app(app, overdue, order_id)
        assert in_app(app, orders.release_expired) == 1
    for url in catalog.pages_of_a():
        fresh, page = visit(client, url)
        assert not fresh and "Kain Tenun Ikat" in page and "Tinggal" not in page, url


def test_a_price_change_still_empties_every_page(app, catalog):
    client = app.test_client()
    warm(client, catalog.pages_of_b())
    edit(app, catalog.a.id, price_idr=99_000)
    for url in catalog.pages_of_b():
        assert not cached(client, url), url
    assert "Rp99.000" in visit(client, f"/products/{catalog.a.slug}")[1]


def test_the_change_log_keeps_only_the_seqs_a_worker_may_still_read(ctx):
    from marketplace.catalog.cache import (
        LOG_KEPT,
        PRUNE_EVERY,
        CatalogChange,
        CatalogState,
        log_stock_changes,
    )
    from marketplace.db import atomic

    with atomic():
        db.session.add_all(CatalogChange(seq=seq, product_id=1) for seq in range(1, 6))
        db.session.get(CatalogState, 1).change_seq = LOG_KEPT + PRUNE_EVERY - 1
    with atomic():
        log_stock_changes([(7, 6, 5)])  # takes seq LOG_KEPT + PRUNE_EVERY: prunes
    rows = db.session.execute(sa.select(CatalogChange.seq, CatalogChange.product_id)).all()
    assert rows == [(LOG_KEPT + PRUNE_EVERY, 7)]
