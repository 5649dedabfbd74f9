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
