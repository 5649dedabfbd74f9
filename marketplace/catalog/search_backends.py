"""The two search backends behind catalog/search.py; the tables come from migration 0004.

SQLite: an FTS5 table `product_search` (rowid = product id; columns title, description,
categories, shop; tokenizer `unicode61 remove_diacritics 2`), ranked by bm25 with the title
weighing most. PostgreSQL: a table `product_search` (product_id, document tsvector) with a GIN
index, built with the 'simple' configuration (no stemming: Indonesian words are not English) and
weights A (title), B (categories, shop), C (description), ranked by ts_rank.

Both receive text already folded by search.words() (lower case, accents removed, only letters and
digits), so `unaccent` is not needed on PostgreSQL and both databases agree on what matches.
A match is a prefix match of every term (AND): `anyam` finds `anyaman`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

import sqlalchemy as sa

from marketplace.extensions import db

BATCH = 2000


def _executemany(sql: str, rows: Iterable) -> int:
    """Insert rows (Documents) in batches with executemany; returns how many."""
    statement = sa.text(sql)
    total, batch = 0, []
    for row in rows:
        batch.append(asdict(row))
        if len(batch) == BATCH:
            db.session.execute(statement, batch)
            total += len(batch)
            batch = []
    if batch:
        db.session.execute(statement, batch)
        total += len(batch)
    return total


class SearchTable:
    """What both backends do the same way to their `product_search` table."""

    KEY = "product_id"  # the column holding the product id

    def match(self, terms: list[str]) -> sa.TextClause:
        """(product_id, score) of rows with every term as a word prefix; lower score is better."""
        return self.match_clause().bindparams(search_expression=self.expression(terms))

    def delete(self, product_ids: list[int]) -> None:
        """Remove these products' rows."""
        if product_ids:
            db.session.execute(
                sa.text(f"DELETE FROM product_search WHERE {self.KEY} IN :ids").bindparams(  # noqa: S608
                    sa.bindparam("ids", expanding=True)
                ),
                {"ids": list(product_ids)},
            )

    def clear(self) -> None:
        """Remove every row."""
        db.session.execute(sa.text("DELETE FROM product_search"))


class SqliteSearch(SearchTable):
    """FTS5 with bm25 ranking."""

    # bm25 column weights, in the table's column order: title, description, categories, shop.
    WEIGHTS = "10.0, 1.0, 3.0, 3.0"

    KEY = "rowid"

    def insert(self, documents: Iterable) -> int:
        """Add documents; returns how many."""
        return _executemany(
            "INSERT INTO product_search (rowid, title, description, categories, shop) "
            "VALUES (:product_id, :title, :description, :categories, :shop)",
            documents,
        )

    def expression(self, terms: list[str]) -> str:
        """The FTS5 query: every term as a word prefix."""
        # Each term is letters/digits only; quoting it anyway makes it a plain string for FTS5.
        return " ".join('"{}"*'.format(term.replace('"', '""')) for term in terms)

    def match_clause(self) -> sa.TextClause:
        """(product_id, score) of the rows matching :search_expression; lower score is better."""
        return sa.text(
            f"SELECT rowid AS product_id, bm25(product_search, {self.WEIGHTS}) AS score "  # noqa: S608
            "FROM product_search WHERE product_search MATCH :search_expression"
        ).columns(product_id=sa.Integer, score=sa.Float)


class PostgresSearch(SearchTable):
    """tsvector + GIN with ts_rank."""

    KEY = "product_id"

    def insert(self, documents: Iterable) -> int:
        """Add documents, weighting title A, categories and shop B, description C."""
        return _executemany(
            "INSERT INTO product_search (product_id, document) VALUES (:product_id, "
            "setweight(to_tsvector('simple', :title), 'A') || "
            "setweight(to_tsvector('simple', :categories || ' ' || :shop), 'B') || "
            "setweight(to_tsvector('simple', :description), 'C'))",
            documents,
        )

    def expression(self, terms: list[str]) -> str:
        """The tsquery: every term as a word prefix."""
        return " & ".join(f"{term}:*" for term in terms)

    def match_clause(self) -> sa.TextClause:
        """(product_id, score) of the rows matching :search_expression; lower score is better."""
        return sa.text(
            "SELECT product_id, -ts_rank(document, query) AS score "
            "FROM product_search, to_tsquery('simple', :search_expression) AS query "
            "WHERE document @@ query"
        ).columns(product_id=sa.Integer, score=sa.Float)


SQLITE = SqliteSearch()
POSTGRES = PostgresSearch()
