"""product search index

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 06:00:00

One table named `product_search`, built per database (marketplace/catalog/search_backends.py):

- SQLite: an FTS5 virtual table (rowid = product id) with the unicode61 tokenizer removing
  diacritics, so `kerajinan` matches `kerajínan`; bm25 ranks it.
- PostgreSQL: product_id + a tsvector column with a GIN index; the 'simple' configuration (no
  stemming); the application folds case and accents before building vectors and queries, so the
  `unaccent` extension (and the superuser right to create it) is not needed.

The index is filled by the application (`flask --app wsgi catalog reindex`), because what goes in
it follows the visibility rule in marketplace/catalog/queries.py.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE product_search USING fts5("
            "title, description, categories, shop, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
    elif dialect == "postgresql":
        op.create_table(
            "product_search",
            sa.Column("product_id", sa.Integer(), nullable=False),
            sa.Column("document", postgresql.TSVECTOR(), nullable=False),
            sa.ForeignKeyConstraint(
                ["product_id"],
                ["products.id"],
                name="fk_product_search_product_id_products",
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("product_id", name="pk_product_search"),
        )
        op.create_index(
            "ix_product_search_document",
            "product_search",
            ["document"],
            postgresql_using="gin",
        )
    else:  # pragma: no cover - the project supports these two databases only
        raise RuntimeError(f"no product search index for {dialect}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_product_search_document", table_name="product_search")
        op.drop_table("product_search")
    else:
        op.execute("DROP TABLE product_search")
