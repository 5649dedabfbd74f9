"""The list and search pages' statements take the plans that keep them cheap as the catalogue grows.

Speed itself is measured by bench/ (never by a timed test); these read the database's own plan
for the statements a page runs, so that a change that would make a page sort or walk the whole
catalogue (or every entry before a deep page), or run the full-text search once per product, is
seen here at once. PostgreSQL plans by its statistics and would rightly scan tables this small,
so there the planner is told to avoid scans and sorts wherever an index allows: what remains
shows which statements have no index to go by.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from marketplace.artisans.models import Artisan
from marketplace.catalog.filters import parse_filters
from marketplace.catalog.generate import generate_data
from marketplace.catalog.models import Category, Product
from marketplace.catalog.services import artisan_page, list_products
from marketplace.extensions import db

# (arguments, the list_entries index the page must seek in)
LISTS = [
    ({"page": "9"}, "ix_list_entries_newest"),
    ({"sort": "price_asc", "page": "9"}, "ix_list_entries_price"),
    ({"sort": "price_desc", "page": "9"}, "ix_list_entries_price"),
    ({"category": "tenun", "page": "2"}, "ix_list_entries_category_newest"),
    ({"category": "tenun", "sort": "price_desc", "page": "2"}, "ix_list_entries_category_price"),
    ({"province": "32", "page": "2"}, "ix_list_entries_province_newest"),
    ({"regency": "REGENCY", "sort": "price_asc"}, "ix_list_entries_regency_price"),
    ({"province": "PROVINCE", "category": "CATEGORY"}, "ix_list_entries_category_province_newest"),
    (
        {"regency": "REGENCY", "category": "CATEGORY", "sort": "price_desc"},
        "ix_list_entries_category_regency_price",
    ),
]


@pytest.fixture
def catalogue(ctx):
    """300 generated products, the planner's statistics refreshed (generate-data does it)."""
    generate_data(artisans=20, products=300, seed=5)
    return ctx


def statements_of(run) -> list[tuple[str, tuple | dict]]:
    """(statement, parameters) of every SELECT run() sends, but the catalog version's and the
    categories' (every page reads those two small tables)."""
    seen: list[tuple[str, tuple | dict]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        reads = statement.lstrip().upper().startswith("SELECT")
        if reads and not any(table in statement for table in ("catalog_state", "FROM categories")):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen


def plans_of(run) -> list[tuple[str, str]]:
    """(statement, its plan as text) of every SELECT run() sends, on either database."""
    connection = db.session.connection()
    statements = statements_of(run)
    if connection.dialect.name == "sqlite":
        return [
            (statement, "\n".join(row[-1] for row in connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement}", params)))
            for statement, params in statements
        ]  # fmt: skip
    connection.exec_driver_sql("SET enable_seqscan = off")
    connection.exec_driver_sql("SET enable_sort = off")
    try:
        plans = []
        for statement, params in statements:
            (row,) = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", params)
            plans.append((statement, json.dumps(row[0])))
        return plans
    finally:
        connection.exec_driver_sql("RESET enable_seqscan")
        connection.exec_driver_sql("RESET enable_sort")


def nodes(plan: dict):
    """Every node of a PostgreSQL JSON plan."""
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def page_plan(plans: list[tuple[str, str]]) -> str:
    """The plan of the statement that reads the page's entries."""
    (plan,) = [plan for statement, plan in plans if "list_entries" in statement]
    return plan


@pytest.mark.parametrize(("args", "index"), LISTS)
def test_a_list_page_seeks_its_index_instead_of_sorting_or_stepping_over_the_catalogue(
    catalogue, database, args, index
):
    # Placeholders: where the busiest artisan works, and what they make most.
    regency, province, category = db.session.execute(
        busiest_artisan()
        .join(Category, Category.id == Product.category_id)
        .group_by(Category.slug)
        .with_only_columns(Artisan.regency_code, Artisan.province_code, Category.slug)
    ).one()
    named = {"REGENCY": regency, "PROVINCE": province, "CATEGORY": category}
    args = {key: named.get(value, value) for key, value in args.items()}
    plans = plans_of(lambda: list_products(filters=parse_filters(args)))
    assert len(plans) == 2, plans  # the list's length, then the page's cards with their photo
    plan = page_plan(plans)
    if database.name == "sqlite":
        lines = plan.splitlines()
        seek = [line for line in lines if "list_entries" in line]
        assert len(seek) == 1 and index in seek[0] and "SEARCH" in seek[0] and ">" in seek[0]
        assert "SCAN products" not in plan and "SCAN artisans" not in plan
        assert "products USING INTEGER PRIMARY KEY" in plan
        return
    all_nodes = list(nodes(json.loads(plan)[0]["Plan"]))
    scans = [n for n in all_nodes if n.get("Relation Name") in ("list_entries", "products")]
    assert scans and all(n["Node Type"] != "Seq Scan" for n in scans), plan
    (entries,) = [n for n in scans if n["Relation Name"] == "list_entries"]
    assert entries["Index Name"] == index and "ROW(" in entries.get("Index Cond", ""), plan
    # Only the page's own rows are sorted (the join of 24 entries to their products), if any.
    sorts = [n for n in all_nodes if n["Node Type"] == "Sort"]
    assert all(n["Plan Rows"] <= 24 for n in sorts), plan


def busiest_artisan() -> sa.Select:
    """SELECT the artisan with the most products."""
    return (
        sa.select(Artisan)
        .join(Product, Product.artisan_id == Artisan.id)
        .group_by(Artisan.id)
        .order_by(sa.func.count().desc(), Artisan.id)
        .limit(1)
    )


def test_an_artisans_shop_seeks_its_index(catalogue, database):
    slug = db.session.scalar(busiest_artisan().with_only_columns(Artisan.slug))
    plans = plans_of(lambda: artisan_page(slug=slug, page=2))
    plan = page_plan(plans)
    assert "ix_list_entries_artisan_newest" in plan
    assert "SCAN list_entries" not in plan and "Seq Scan" not in plan


def test_a_counted_list_counts_at_most_past_the_cap(catalogue):
    statements = statements_of(
        lambda: list_products(filters=parse_filters({"province": "32", "min_price": "100000"}))
    )
    (count,) = [(s, p) for s, p in statements if "count(" in s]
    assert "LIMIT" in count[0]  # capped: never a count of the whole catalogue


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_a_search_runs_the_full_text_match_once_not_once_per_product(catalogue, database, sort):
    if database.name != "sqlite":
        pytest.skip("SQLite's FTS5 table: PostgreSQL's GIN index is a plain index scan")
    for args in ({"q": "batik", "sort": sort}, {"q": "batik", "sort": sort, "province": "32"}):
        filters = parse_filters(args)
        for statement, plan in plans_of(lambda filters=filters: list_products(filters=filters)):
            if "product_search" not in statement:
                continue
            lines = plan.splitlines()
            fts = [i for i, line in enumerate(lines) if "VIRTUAL TABLE" in line]
            assert len(fts) == 1, plan
            # The search is the outer loop (the first scan of the plan, maybe in a co-routine)
            # or feeds a list subquery computed once; never a scan nested under the products.
            scans = [i for i, line in enumerate(lines) if "SCAN" in line or "SEARCH" in line]
            assert fts[0] == scans[0] or "LIST SUBQUERY" in plan, plan


def test_the_home_page_reads_its_best_sellers_from_an_index(catalogue, database):
    from marketplace.catalog.services import home_page

    plans = plans_of(home_page)
    (featured,) = [plan for statement, plan in plans if "sold_count" in statement]
    assert "ix_products_status_sold" in featured
    # The category and province counts come from the list index's blocks, not from products.
    assert not [statement for statement, _plan in plans if "GROUP BY products" in statement]
    if database.name == "sqlite":
        assert "SCAN products" not in featured
        return
    all_nodes = list(nodes(json.loads(featured)[0]["Plan"]))
    (products,) = [n for n in all_nodes if n.get("Relation Name") == "products"]
    assert products["Node Type"] != "Seq Scan" and products.get("Scan Direction") == "Backward"
    assert not [n for n in all_nodes if n["Node Type"] == "Sort" and n["Plan Rows"] > 8], featured
