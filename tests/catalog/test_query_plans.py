"""The list and search pages' statements take the plans that keep them cheap as the catalogue grows.

Speed itself is measured by bench/ (never by a timed test); these read the database's own plan
for the statements a list page runs, so that a change that would make every page sort the whole
catalogue, or run the full-text search once per product, is seen here at once.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from marketplace.catalog.filters import parse_filters
from marketplace.catalog.generate import generate_data
from marketplace.catalog.services import list_products
from marketplace.extensions import db


@pytest.fixture
def sqlite_catalogue(ctx, database):
    if database.name != "sqlite":
        pytest.skip("reads SQLite's EXPLAIN QUERY PLAN (PostgreSQL plans by its statistics)")
    generate_data(artisans=20, products=300, seed=5)
    return ctx


def plans_of(args: dict) -> list[tuple[str, str]]:
    """(statement, its query plan as text) of every SELECT the list page runs for args."""
    seen: list[tuple[str, tuple]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        list_products(filters=parse_filters(args))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    connection = db.session.connection()
    return [
        (
            statement,
            "\n".join(
                row[-1]
                for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
            ),
        )
        for statement, params in seen
    ]


def test_the_newest_first_list_reads_an_index_in_order_instead_of_sorting(sqlite_catalogue):
    plans = [plan for statement, plan in plans_of({"page": "3"}) if "LIMIT" in statement]
    (page_plan,) = plans
    assert "ix_products_status_published" in page_plan
    assert "TEMP B-TREE FOR ORDER BY" not in page_plan


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_a_search_runs_the_full_text_match_once_not_once_per_product(sqlite_catalogue, sort):
    for statement, plan in plans_of({"q": "batik", "sort": sort}):
        if "product_search" not in statement:
            continue
        lines = plan.splitlines()
        fts = [i for i, line in enumerate(lines) if "VIRTUAL TABLE" in line]
        assert fts, plan
        # Either the search is the join's outer loop (first line of the plan) or it feeds a
        # list subquery computed once; never a scan nested under the products loop.
        assert fts[0] == 0 or "LIST SUBQUERY" in plan, plan
