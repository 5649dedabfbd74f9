"""the catalog change log: a product's shown stock changed, for the page caches

Revision ID: 20261202_changes
Revises: 20261202_related
Create Date: 2026-12-02 01:30:00

A sale that changes a product's shown stock used to bump the catalog version, which empties every
worker's page cache. catalog_state.change_seq counts such changes instead, and catalog_changes
names the products of each, so that workers drop only the pages that show them
(marketplace/catalog/cache.py).
"""

import sqlalchemy as sa
from alembic import op

revision = "20261202_changes"
down_revision = "20261202_related"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("catalog_state", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("change_seq", sa.BigInteger(), server_default="0", nullable=False)
        )
    op.create_table(
        "catalog_changes",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("product_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("seq", "product_id", name=op.f("pk_catalog_changes")),
    )


def downgrade():
    op.drop_table("catalog_changes")
    with op.batch_alter_table("catalog_state", schema=None) as batch_op:
        batch_op.drop_column("change_seq")
