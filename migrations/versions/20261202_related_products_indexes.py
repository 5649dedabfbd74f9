"""indexes for the product page's related products: the artisan's and the category's newest

Revision ID: 20261202_related
Revises: 20261201_listing
Create Date: 2026-12-02 01:30:00

The product page shows the newest products of the same artisan, then the newest of the same
category. Asked as one "artisan OR category" filter it sorted every active product of both on
every page (233 ms at 100,000 products on SQLite); now each half reads one of these indexes
backwards (newest first) and stops after four visible rows.
"""

from alembic import op

revision = "20261202_related"
down_revision = "20261201_listing"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_products_artisan_status_published": ["artisan_id", "status", "published_at", "id"],
    "ix_products_category_status_published": ["category_id", "status", "published_at", "id"],
}


def upgrade():
    with op.batch_alter_table("products", schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    with op.batch_alter_table("products", schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
