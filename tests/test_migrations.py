"""The migrations build exactly the schema the models describe, on each database."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from marketplace.db import include_in_schema_comparison
from marketplace.extensions import db


def test_migrated_schema_matches_the_models(ctx):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "include_object": include_in_schema_comparison},
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_postgresql_searches_products_through_a_gin_full_text_index(postgres_only, ctx):
    indexes = db.session.scalars(
        sa.text("SELECT indexdef FROM pg_indexes WHERE tablename = 'product_search'")
    ).all()
    assert any("USING gin (document)" in index for index in indexes), indexes


def test_upgrading_a_database_that_holds_paid_orders_fills_the_sales_summary(app):
    """A shop that had orders before the summary existed shows them on the dashboard after
    `db upgrade`, with nobody running `rebuild-summary` by hand."""
    from datetime import date

    from flask_migrate import downgrade, upgrade

    from marketplace.dashboard.periods import Period
    from marketplace.dashboard.reports import region_report
    from marketplace.orders.models import Order, OrderLine
    from tests.dashboard.conftest import build_catalog
    from tests.dashboard.factories import jakarta, make_order
    from tests.dashboard.test_summary import assert_summary_equals_raw_lines

    with app.app_context():
        world = build_catalog()
        p = world.products
        make_order(items=[(p.batik, 2), (p.tas, 1)], paid_at=jakarta(2026, 1, 31, 23, 30))
        make_order(items=[(p.keranjang, 1)], paid_at=jakarta(2026, 1, 10), status="completed")
        make_order(items=[(p.tas, 5)], paid_at=None, status="pending_payment")
        db.session.remove()
        downgrade(revision="0004")  # the summary's tables are gone; the orders stay
        try:
            upgrade(revision="heads")
        finally:
            upgrade(revision="heads")  # leave the shared database at head whatever happened
        db.session.remove()

        assert_summary_equals_raw_lines()
        sold = db.session.scalar(
            sa.select(sa.func.sum(OrderLine.line_total_idr))
            .join(Order, Order.id == OrderLine.order_id)
            .where(Order.status.in_(("paid", "completed")))
        )
        assert sold == 240_000 + 250_000
        report = region_report(
            scope="national", region=None, period=Period(date(2026, 1, 1), date(2026, 1, 31))
        )
        figures = {row["key"]: row["value"] for row in report.figures.rows}
        assert figures["gmv_idr"] == sold
        assert figures["orders"] == 2
        db.session.remove()
