"""Product lists (/products, search, an artisan's shop): which list the filters make, one page.

Two kinds of list (issue 12):

- a list the list index keeps counted (list_index.py): the whole catalogue, a category, a
  province or regency (each also within a category) or an artisan's shop, in any sort. Its
  count is exact and page N is a seek, so a deep page costs what the first one costs, however
  large the catalogue;
- every other list (a price range, a search): counted up to COUNT_CAP ("10.000+ produk" past
  it) and read with OFFSET over the narrow list entries or the search's matches, so the list's
  own length, never the catalogue's, bounds the work.

Each page is 2 or 3 statements: a count (the list index's length, or the capped count), the
page's cards with their first photo, and, for a long list asked past its end, an exact count.
The statements are built once per shape with bound parameters and reused: building a
SQLAlchemy select costs several times more than running these ones.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple

import sqlalchemy as sa

from marketplace.catalog import list_index, search
from marketplace.catalog.filters import ListFilters
from marketplace.catalog.models import ListEntry, Product
from marketplace.catalog.queries import (
    CARD_COLUMNS,
    ProductCard,
    read_cards,
    visible_products,
    with_first_photo,
)
from marketplace.extensions import db

PER_PAGE = 24
# Lists longer than this say "10.000+ produk": counting further would cost what the list weighs.
COUNT_CAP = 10_000

# sort -> the list index's order and whether the list reads it backwards
SORT_ORDERS = {
    "newest": (list_index.NEWEST, True),
    "price_asc": (list_index.PRICE, False),
    "price_desc": (list_index.PRICE, True),
}


@dataclass(frozen=True)
class ProductPage:
    """One page of a product list, with the count of the whole list.

    When the list holds more than COUNT_CAP products the count says so (capped: "10.000+") and
    the number of pages is unknown (None); has_next tells whether another page follows.
    """

    cards: list[ProductCard]
    total: int
    page: int
    pages: int | None
    filters: ListFilters | None = None
    has_next: bool = False
    capped: bool = False


def list_products(*, filters: ListFilters, per_page: int = PER_PAGE) -> ProductPage:
    """The visible products the filters select, sorted, one page of them (3 queries at most).

    A page past the end is corrected to the last page. A search text without any searchable word
    (only punctuation) lists as if there were none.
    """
    expression = search.search_expression(filters.q) if filters.q else None
    scope = list_scope(filters) if expression is None else None
    if scope is not None:
        order, descending = SORT_ORDERS.get(filters.sort, SORT_ORDERS["newest"])
        return scope_page(order, scope, descending, filters.page, per_page, filters)
    shape = Shape(
        searching=expression is not None,
        sort=filters.sort if expression is not None or filters.sort != "relevance" else "newest",
        category=filters.category is not None,
        region="regency" if filters.regency else ("province" if filters.province else ""),
        min_price=filters.min_price is not None,
        max_price=filters.max_price is not None,
    )
    params = {
        "search_expression": expression,
        "category_id": filters.category.id if filters.category else None,
        "region": filters.regency or filters.province,
        "min_price": filters.min_price,
        "max_price": filters.max_price,
    }
    params = {key: value for key, value in params.items() if value is not None}
    return capped_page(shape, params, filters.page, per_page, filters)


def list_scope(filters: ListFilters) -> str | None:
    """The list index scope that is exactly these filters, or None (a price range)."""
    if filters.min_price is not None or filters.max_price is not None:
        return None
    values: dict[str, str | int] = {}
    if filters.category:
        values["c"] = filters.category.id
    if filters.regency:
        values["r"] = filters.regency
    elif filters.province:
        values["p"] = filters.province
    return list_index.scope_of(**values)


# --- lists the list index counts ----------------------------------------------------------


def scope_page(
    order: list_index.Order,
    scope: str,
    descending: bool,
    page: int,
    per_page: int = PER_PAGE,
    filters: ListFilters | None = None,
) -> ProductPage:
    """A page of a scope of the list index: its exact length, then a seek (2 queries)."""
    total = db.session.scalar(list_index.length_statement(order), {"scope": scope}) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    offset = (page - 1) * per_page
    rows: list[ProductCard] = []
    if total:
        if descending:  # the last entries of the ascending order, read backwards
            start = max(0, total - offset - per_page)
            count = total - offset - start
        else:
            start, count = offset, min(per_page, total - offset)
        params = {"scope": scope, "start": start, "count": count}
        values = list_index.scope_values(scope)
        params.update((f"value_{letter}", value) for letter, value in values.items())
        rows = read_cards(_scope_cards(order.name, tuple(values), descending), params)
    if filters is not None and page != filters.page:
        filters = filters.with_page(page)
    return ProductPage(rows, total, page, pages, filters, has_next=page < pages)


@functools.cache
def _scope_cards(order_name: str, kind: tuple[str, ...], descending: bool) -> sa.Select:
    """The cards of a window of a scope of this kind, in the list's order (built once)."""
    order = list_index.ORDERS_BY_NAME[order_name]
    window = list_index.window_statement(order, kind).subquery("window")
    direction = sa.desc if descending else sa.asc
    return with_first_photo(
        visible_products(*CARD_COLUMNS)
        .join(window, window.c.product_id == Product.id)
        .order_by(direction(window.c.sort_key), direction(window.c.product_id))
    )


# --- every other list ---------------------------------------------------------------------


class Shape(NamedTuple):
    """What a list's statements depend on (not the values: those are bound parameters)."""

    searching: bool
    sort: str
    category: bool
    region: str  # "regency", "province" or ""
    min_price: bool
    max_price: bool


def capped_page(
    shape: Shape, params: dict, page: int, per_page: int, filters: ListFilters
) -> ProductPage:
    """A page of a list counted up to COUNT_CAP, read with OFFSET (2 queries, 4 past its end).

    Past the cap the count shows as "10.000+", the pages are not numbered and one more row is
    read to know whether a next page exists; a page past the end is then counted exactly.
    """
    dialect = db.session.get_bind().dialect.name
    statements = _capped_statements(dialect, shape)
    counted = db.session.scalar(statements.capped_count, {**params, "cap": COUNT_CAP + 1})
    capped = counted > COUNT_CAP
    total = min(counted, COUNT_CAP)
    pages = None if capped else max(1, -(-total // per_page))
    page = max(page, 1) if pages is None else min(max(page, 1), pages)

    def read(page: int) -> list[ProductCard]:
        rows = per_page + 1 if pages is None else per_page
        window = {**params, "rows": rows, "offset": (page - 1) * per_page}
        return read_cards(statements.cards, window)

    rows = read(page) if total else []
    if pages is None and not rows and page > 1:  # past the end of a long list: count it all
        total = db.session.scalar(statements.count, params)
        capped, pages = False, max(1, -(-total // per_page))
        page = pages
        rows = read(page)
    has_next = len(rows) > per_page if pages is None else page < pages
    if page != filters.page:
        filters = filters.with_page(page)
    return ProductPage(rows[:per_page], total, page, pages, filters, has_next, capped)


@dataclass(frozen=True)
class CappedStatements:
    """The statements of one shape of list."""

    capped_count: sa.Select  # bound: cap
    count: sa.Select
    cards: sa.Select  # bound: rows, offset


@functools.cache
def _capped_statements(dialect: str, shape: Shape) -> CappedStatements:
    """The statements of a shape of list, for one database's search backend (built once)."""
    if shape.searching:
        found = search.match_subquery()
        has_filters = shape.category or shape.region or shape.min_price or shape.max_price
    if shape.searching and shape.sort == "relevance":
        # Best score first (FTS5's bm25 and -ts_rank give better matches lower scores).
        stmt = sa.select(found.c.product_id, found.c.score.label("sort_key"))
        if has_filters:
            stmt = stmt.join(ListEntry, ListEntry.product_id == found.c.product_id)
        key, product = sa.asc, sa.desc
    else:
        order, descending = SORT_ORDERS.get(shape.sort, SORT_ORDERS["newest"])
        stmt = sa.select(ListEntry.product_id, order.entry_key.label("sort_key"))
        if shape.searching:
            # An uncorrelated IN: the full-text search runs once, not once per product.
            stmt = stmt.where(ListEntry.product_id.in_(sa.select(found.c.product_id)))
        key = product = sa.desc if descending else sa.asc
    if shape.category:
        stmt = stmt.where(ListEntry.category_id == sa.bindparam("category_id"))
    if shape.region:
        column = ListEntry.regency_code if shape.region == "regency" else ListEntry.province_code
        stmt = stmt.where(column == sa.bindparam("region"))
    if shape.min_price:
        stmt = stmt.where(ListEntry.price_idr >= sa.bindparam("min_price"))
    if shape.max_price:
        stmt = stmt.where(ListEntry.price_idr <= sa.bindparam("max_price"))
    ids = stmt.with_only_columns(stmt.selected_columns.product_id)
    columns = stmt.selected_columns
    window = (
        stmt.order_by(key(columns.sort_key), product(columns.product_id))
        .limit(sa.bindparam("rows", type_=sa.Integer))
        .offset(sa.bindparam("offset", type_=sa.Integer))
        .subquery("window")
    )
    cards = with_first_photo(
        visible_products(*CARD_COLUMNS)
        .join(window, window.c.product_id == Product.id)
        .order_by(key(window.c.sort_key), product(window.c.product_id))
    )
    capped = ids.limit(sa.bindparam("cap", type_=sa.Integer)).subquery()
    return CappedStatements(
        capped_count=sa.select(sa.func.count()).select_from(capped),
        count=sa.select(sa.func.count()).select_from(ids.subquery()),
        cards=cards,
    )
