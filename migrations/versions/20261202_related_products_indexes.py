"""indexes for the product page: related products (an artisan's and a category's newest), photos

Revision ID: 20261202_related
Revises: 20261201_listing
Create Date: 2026-12-02 01:30:00

The product page shows the newest products of the same artisan, then the newest of the same
category. Asked as one "artisan OR category" filter it sorted every active product of both on
every page (233 ms at 100,000 products on SQLite); now each half reads one of these indexes
backwards (newest first) and stops after four visible rows. A product's photos in their order
(position, then id) and each card's first photo are read from the photos' index in order.
"""

from alembic import op

revision = "20261202_related"
down_revision = "20261201_listing"
branch_labels = None
depends_on = None

INDEXES = {
    "products": {
        "ix_products_artisan_status_published": ["artisan_id", "status", "published_at", "id"],
        "ix_products_category_status_published": ["category_id", "status", "published_at", "id"],
    },
    "product_photos": {"ix_product_photos_product_position": ["product_id", "position", "id"]},
}


def upgrade():
    for table, indexes in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, columns in indexes.items():
                batch_op.create_index(name, columns, unique=False)


def downgrade():
    for table, indexes in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in indexes:
                batch_op.drop_index(name)
