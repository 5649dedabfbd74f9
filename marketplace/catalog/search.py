"""Product search: one service, a backend per database (SQLite FTS5, PostgreSQL full text).

The index holds one row per *visible* product (the visibility rule of queries.py), with its title,
description, category names in Indonesian and English, and the artisan's shop name. Every writer
keeps it current inside its own transaction, and with it the list index (catalog/list_index.py),
which follows the same rule:

- reindex_product(product_id) after a product is created, edited, published or archived;
- reindex_artisan(artisan_id) after an artisan is verified, suspended or renames the shop;
- rebuild_index() after bulk loads (generate-data) or a category rename.

Searches never see the user's text as query syntax: it is cut into plain words (letters and
digits only, accents and case folded away in Python, the same way for the documents), and each
word becomes a quoted prefix term, so quotes, `NEAR`, `OR`, `-`, `*`, `:` or parentheses typed
by a shopper are just characters that are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.artisans.models import Artisan
from marketplace.catalog import list_index
from marketplace.catalog.models import Category, Product
from marketplace.catalog.queries import visible_products
from marketplace.extensions import db

MAX_TERMS = 8
MAX_TERM_LENGTH = 40
BATCH = 2000
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case without accents: `Sumbá Tenun` -> `sumba tenun`."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def words(text: str) -> list[str]:
    """The folded words of a text, in order: what both the index and the queries are made of."""
    return _WORD.findall(fold(text))


def query_terms(query: str | None) -> list[str]:
    """The distinct search words of a shopper's text, at most MAX_TERMS, each cut to a sane length.

    Everything that is not a letter or a digit is dropped, so no query syntax survives.
    """
    terms: list[str] = []
    for word in words((query or "")[:200]):
        word = word[:MAX_TERM_LENGTH]
        if word not in terms:
            terms.append(word)
        if len(terms) == MAX_TERMS:
            break
    return terms


@dataclass(frozen=True)
class Document:
    """One product's searchable text, already folded into words."""

    product_id: int
    title: str
    description: str
    categories: str
    shop: str


def documents(condition: sa.ColumnElement[bool]) -> list[Document]:
    """The index documents of the visible products matching condition."""
    stmt = (
        visible_products(
            Product.id,
            Product.title,
            Product.description,
            Category.name_id,
            Category.name_en,
            Artisan.shop_name,
        )
        .join(Category, Category.id == Product.category_id)
        .where(condition)
        .order_by(Product.id)
    )
    # Fetched whole before any insert, so no cursor stays open while the index is written.
    rows = db.session.execute(stmt).all()
    return [
        Document(
            product_id=pid,
            title=" ".join(words(title)),
            description=" ".join(words(description)),
            categories=" ".join(words(f"{name_id} {name_en}")),
            shop=" ".join(words(shop)),
        )
        for pid, title, description, name_id, name_en, shop in rows
    ]


def backend():
    """The search backend of the database the session is bound to."""
    from marketplace.catalog import search_backends

    name = db.session.get_bind().dialect.name
    return search_backends.POSTGRES if name == "postgresql" else search_backends.SQLITE


def reindex_product(product_id: int) -> None:
    """Refresh one product's index row from current data; removes it if the product is hidden.

    Call inside the caller's atomic() block, after the change is flushed.
    """
    engine = backend()
    db.session.flush()
    engine.delete([product_id])
    engine.insert(documents(Product.id == product_id))
    list_index.refresh_product(product_id)


def reindex_artisan(artisan_id: int) -> None:
    """Refresh the index rows of all of an artisan's products (verification, suspension, rename).

    Call inside the caller's atomic() block.
    """
    engine = backend()
    db.session.flush()
    ids = db.session.scalars(sa.select(Product.id).where(Product.artisan_id == artisan_id)).all()
    for chunk in chunks(ids, BATCH):
        engine.delete(chunk)
    engine.insert(documents(Product.artisan_id == artisan_id))
    list_index.refresh_artisan(artisan_id)


def rebuild_index() -> int:
    """Empty the index (and the list index) and fill it with every visible product; returns how
    many were indexed."""
    engine = backend()
    db.session.flush()
    engine.clear()
    list_index.rebuild()
    return engine.insert(documents(sa.true()))


def matches(query: str | None) -> sa.Subquery | None:
    """A subquery (product_id, score) of the products matching the query, best score lowest.

    None when the text holds no searchable word: the caller then lists without searching.
    """
    terms = query_terms(query)
    if not terms:
        return None
    return backend().match(terms).subquery("search")


def search_expression(query: str | None) -> str | None:
    """The backend's query text for a shopper's text, or None without a searchable word.

    Bound as :search_expression to match_subquery(), a statement that can be built once.
    """
    terms = query_terms(query)
    return backend().expression(terms) if terms else None


def match_subquery() -> sa.Subquery:
    """matches() with the search expression left as the bound parameter :search_expression."""
    return backend().match_clause().subquery("search")


def chunks(items: Iterable, size: int) -> Iterator[list]:
    """items in lists of at most size."""
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
