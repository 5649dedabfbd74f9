"""an index for the list pages' newest-first order

Revision ID: 20261201_listing
Revises: 20261201_money
Create Date: 2026-12-01 23:45:00

`/products` sorts the visible products by published_at DESC, id DESC. Without an index for that
order each list page sorted every active product in a temporary B-tree before it could skip to
its page; (status, published_at, id) read backwards gives the rows already in order.
"""

from alembic import op

revision = "20261201_listing"
down_revision = "20261201_money"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index(
            "ix_products_status_published", ["status", "published_at", "id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index("ix_products_status_published")
