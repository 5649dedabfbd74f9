"""sales summary: the dashboard's cubes and per-order markers

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 06:00:00

Tables described in marketplace/dashboard/models.py. They are created empty; when a database that
already has paid orders is upgraded to head, migrations/env.py fills them from the order lines
(fill_derived_tables; `flask --app wsgi rebuild-summary` does the same by hand).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

GRAINS = "grain IN ('D', 'M', 'Q', 'Y')"
CUBES = ('sales_national', 'sales_national_by_category', 'sales_national_by_buyer', 'sales_by_province', 'sales_by_regency', 'sales_by_category', 'sales_by_buyer', 'sales_by_artisan', 'sales_summary', 'sales_by_product')


def upgrade():
    op.create_table(
        'sales_national',
        sa.Column('grain', sa.String(length=1), nullable=False),
        sa.Column('bucket', sa.Date(), nullable=False),
        sa.Column('gmv_idr', sa.BigInteger(), nullable=False),
        sa.Column('items', sa.BigInteger(), nullable=False),
        sa.Column('line_count', sa.BigInteger(), nullable=False),
        sa.Column('orders_national', sa.BigInteger(), nullable=False),
        sa.Column('orders_province', sa.BigInteger(), nullable=False),
        sa.Column('orders_regency', sa.BigInteger(), nullable=False),
        sa.Column('orders_artisan', sa.BigInteger(), nullable=False),
        sa.CheckConstraint(GRAINS, name=op.f('ck_sales_national_grain_known')),
        sa.PrimaryKeyConstraint('grain', 'bucket', name=op.f('pk_sales_national')),
        sqlite_with_rowid=False,
    )
    op.create_table(
        'sales_national_by_category',
        sa.Column('grain', sa.String(length=1), nullable=False),
        sa.Column('bucket', sa.Date(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('gmv_idr', sa.BigInteger(), nullable=False),
        sa.Column('items', sa.BigInteger(), nullable=False),
        sa.Column('line_count', sa.BigInteger(), nullable=False),
        sa.Column('orders_national', sa.BigInteger(), nullable=False),
        sa.Column('orders_province', sa.BigInteger(), nullable=False),
        sa.Column('orders_regency', sa.BigInteger(), nullable=False),
        sa.Column('orders_artisan', sa.BigInteger(), nullable=False),
        sa.CheckConstraint(GRAINS, name=op.f('ck_sales_national_by_category_grain_known')),
        sa.PrimaryKeyConstraint('grain', 'bucket', 'category_id', name=op.f('pk_sales_national_by_category')),
        sqlite_with_rowid=False,
    )
    op.create_table(
        'sales_national_by_buyer',
        sa.Column('grain', sa.String(length=1), nullable=False),
        sa.Column('bucket', sa.Date(), nullable=False),
        sa.Column('buyer_province_code', sa.String(length=2), nullable=False),
        sa.Column('gmv_idr', sa.BigInteger(), nullable=False),
        sa.Column('items', sa.BigInteger(), nullable=False),
        sa.Column('line_count', sa.BigInteger(), nullable=False),
        sa.Column('orders_national', sa.BigInteger(), nullable=False),
        sa.Column('orders_province', sa.BigInteger(), nullable=False),
        sa.Column('orders_regency', sa.BigInteger(), nullable=False),
        sa.Column('orders_artisan', sa.BigInteger(), nullable=False),
        sa.CheckConstraint(GRAINS, name=op.f('ck_sales_national_by_buyer_grain_known')),
        sa.PrimaryKeyConstraint('grain', 'bucket', 'buyer_province_code', name=op.f('pk_sales_national_by_buyer')),
        sqlite_with_rowid=False,
    )
    op.create_table(
        'sales_by_province',
        sa.Column('grain', sa.String(length=1), nullable=False),
        sa.Column('bucket', sa.Date(), nullable=False),
        sa.Column('artisan_province_code', sa.String(length=2), nullable=False),
        sa.Column('gmv_idr', sa.BigInteger(), nullable=False),
        sa.Column('items', sa.BigInteger(), nullable=False),
        sa.Column('line_count', sa.BigInteger(), nullable=False),
        sa.Column('orders_national', sa.BigInteger(), nullable=False),
        sa.Column('orders_province', sa.BigInteger(), nullable=False),
        sa.Column('orders_regency', sa.BigInteger(), nullable=False),
        sa.Column('orders_artisan', sa.BigInteger(), nullable=False),
        sa.CheckConstraint(GRAINS, name=op.f('ck_sales_by_province_grain_known')),
        sa.PrimaryKeyConstraint('grain', 'bucket', 'artisan_province_code', name=op.f('pk_sales_by_province')),
        sqlite_with_rowid=False,
    )
    op.create_table(
        'sales_by_regency',
        sa.Column('grain', sa.String(length=1), nullable=False),
        sa.Column('bucket', sa.Date(), nullable=False),
        sa.Column('artisan_province_code', sa.String(length=2), nullable=False),
        sa.Column('artisan_regency_code', sa.String(length=5), nullable=False),
        sa.Column('gmv_idr', sa.BigInteger(), nullable=False),
        sa.Column('items', sa.BigInteger(), nullable=False),
        sa.Column('line_count', sa.BigInteger(), nullable=False),
        sa.Column('orders_national', sa.BigInteger(), nullable=False),
        sa.Column('orders_province', sa.BigInteger(), nullable=False),
        sa.Column('orders_regency', sa.BigInteger(), nullable=False),
        sa.Column('orders_artisan', sa.BigInteger(), nullable=False),
        sa.CheckConstraint(GRAINS, name=op.f('ck_sales_by_regency_grain_known')),
        sa.PrimaryKeyConstraint('grain', 'artisan_province_code', 'bucket', 'artisan_regency_code', name=op.f('pk_sales_by_regency')),
        sqlite_with_rowid=False,
    )
    op.create_table(
        'sales_by_category',
        sa.Column('grain', sa.String(length=1), nullable=False),
        sa.Column('bucket', sa.Date(), nullable=False),
        sa.Column('artisan_province_code', sa.String(length=2), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('gmv_idr', sa.BigInteger(), nullable=False),
        sa.Column('items', sa.BigInteger(), nullable=False),
        sa.Column('line_count', sa.BigInteger(), nullable=False),
        sa.Column('orders_national', sa.BigInteger(), nullable=False),
        sa.Column('orders_province', sa.BigInteger(), nullable=False),
        sa.Column('orders_regency', sa.BigInteger(), nullable=False),
        sa.Column('orders_artisan', sa.BigInteger(), nullable=False),
        sa.CheckConstraint(GRAINS, name=op.f('ck_sales_by_category_grain_known')),
        sa.PrimaryKeyConstraint('grain', 'artisan_province_code', 'bucket', 'category_id', name=op.f('pk_sales_by_category')),
        sqlite_with_rowid=False,
    )
    op.create_table(
        'sales_by_buyer',
        sa.Column('grain', sa.String(length=1), nullable=False),
        sa.Column('bucket', sa.Date(), nullable=False),
        sa.Column('artisan_province_code', sa.String(length=2), nullable=False),
        sa.Column('buyer_province_code', sa.String(length=2), nullable=False),
        sa.Column('gmv_idr', sa.BigInteger(), nullable=False),
        sa.Column('items', sa.BigInteger(), nullable=False),
        sa.Column('line_count', sa.BigInteger(), nullable=False),
        sa.Column('orders_national', sa.BigInteger(), nullable=False),
        sa.Column('orders_province', sa.BigInteger(), nullable=False),
        sa.Column('orders_regency', sa.BigInteger(), nullable=False),
        sa.Column('orders_artisan', sa.BigInteger(), nullable=False),
        sa.CheckConstraint(GRAINS, name=op.f('ck_sales_by_buyer_grain_known')),
        sa.PrimaryKeyConstraint('grain', 'artisan_province_code', 'bucket', 'buyer_province_code', name=op.f('pk_sales_by_buyer')),
        sqlite_with_rowid=False,
    )
    op.create_table(
        'sales_by_artisan',
        sa.Column('grain', sa.String(length=1), nullable=False),
        sa.Column('bucket', sa.Date(), nullable=False),
        sa.Column('artisan_province_code', sa.String(length=2), nullable=False),
        sa.Column('artisan_regency_code', sa.String(length=5), nullable=False),
        sa.Column('artisan_id', sa.Integer(), nullable=False),
        sa.Column('gmv_idr', sa.BigInteger(), nullable=False),
        sa.Column('items', sa.BigInteger(), nullable=False),
        sa.Column('line_count', sa.BigInteger(), nullable=False),
        sa.Column('orders_national', sa.BigInteger(), nullable=False),
        sa.Column('orders_province', sa.BigInteger(), nullable=False),
        sa.Column('orders_regency', sa.BigInteger(), nullable=False),
        sa.Column('orders_artisan', sa.BigInteger(), nullable=False),
        sa.CheckConstraint(GRAINS, name=op.f('ck_sales_by_artisan_grain_known')),
        sa.PrimaryKeyConstraint('grain', 'bucket', 'artisan_province_code', 'artisan_regency_code', 'artisan_id', name=op.f('pk_sales_by_artisan')),
        sqlite_with_rowid=False,
    )
    op.create_index('ix_sales_by_artisan_artisan_id_bucket', 'sales_by_artisan', ['grain', 'artisan_id', 'bucket'], unique=False)
    op.create_index('ix_sales_by_artisan_artisan_province_code_bucket', 'sales_by_artisan', ['grain', 'artisan_province_code', 'bucket'], unique=False)
    op.create_table(
        'sales_summary',
        sa.Column('grain', sa.String(length=1), nullable=False),
        sa.Column('bucket', sa.Date(), nullable=False),
        sa.Column('artisan_regency_code', sa.String(length=5), nullable=False),
        sa.Column('artisan_province_code', sa.String(length=2), nullable=False),
        sa.Column('artisan_id', sa.Integer(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('buyer_province_code', sa.String(length=2), nullable=False),
        sa.Column('gmv_idr', sa.BigInteger(), nullable=False),
        sa.Column('items', sa.BigInteger(), nullable=False),
        sa.Column('line_count', sa.BigInteger(), nullable=False),
        sa.Column('orders_national', sa.BigInteger(), nullable=False),
        sa.Column('orders_province', sa.BigInteger(), nullable=False),
        sa.Column('orders_regency', sa.BigInteger(), nullable=False),
        sa.Column('orders_artisan', sa.BigInteger(), nullable=False),
        sa.CheckConstraint(GRAINS, name=op.f('ck_sales_summary_grain_known')),
        sa.PrimaryKeyConstraint('grain', 'artisan_regency_code', 'bucket', 'artisan_province_code', 'artisan_id', 'category_id', 'buyer_province_code', name=op.f('pk_sales_summary')),
        sqlite_with_rowid=False,
    )
    op.create_index('ix_sales_summary_artisan_id_bucket', 'sales_summary', ['grain', 'artisan_id', 'bucket'], unique=False)
    op.create_table(
        'sales_by_product',
        sa.Column('grain', sa.String(length=1), nullable=False),
        sa.Column('bucket', sa.Date(), nullable=False),
        sa.Column('artisan_province_code', sa.String(length=2), nullable=False),
        sa.Column('artisan_regency_code', sa.String(length=5), nullable=False),
        sa.Column('artisan_id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('gmv_idr', sa.BigInteger(), nullable=False),
        sa.Column('items', sa.BigInteger(), nullable=False),
        sa.Column('line_count', sa.BigInteger(), nullable=False),
        sa.Column('orders_national', sa.BigInteger(), nullable=False),
        sa.Column('orders_province', sa.BigInteger(), nullable=False),
        sa.Column('orders_regency', sa.BigInteger(), nullable=False),
        sa.Column('orders_artisan', sa.BigInteger(), nullable=False),
        sa.CheckConstraint(GRAINS, name=op.f('ck_sales_by_product_grain_known')),
        sa.PrimaryKeyConstraint('grain', 'bucket', 'artisan_province_code', 'artisan_regency_code', 'artisan_id', 'product_id', name=op.f('pk_sales_by_product')),
        sqlite_with_rowid=False,
    )
    op.create_index('ix_sales_by_product_artisan_id_bucket', 'sales_by_product', ['grain', 'artisan_id', 'bucket'], unique=False)
    op.create_index('ix_sales_by_product_artisan_province_code_bucket', 'sales_by_product', ['grain', 'artisan_province_code', 'bucket'], unique=False)
    op.create_table(
        'sales_summary_orders',
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('report_day', sa.Date(), nullable=False),
        sa.Column('counted', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_sales_summary_orders_order_id_orders')),
        sa.PrimaryKeyConstraint('order_id', name=op.f('pk_sales_summary_orders')),
    )
    op.create_table(
        'sales_artisan_last',
        sa.Column('artisan_id', sa.Integer(), nullable=False),
        sa.Column('last_day', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['artisan_id'], ['artisans.id'], name=op.f('fk_sales_artisan_last_artisan_id_artisans')),
        sa.PrimaryKeyConstraint('artisan_id', name=op.f('pk_sales_artisan_last')),
    )
    op.create_index(op.f('ix_sales_artisan_last_last_day'), 'sales_artisan_last', ['last_day'], unique=False)


def downgrade():
    op.drop_table('sales_artisan_last')
    op.drop_table('sales_summary_orders')
    for name in reversed(CUBES):
        op.drop_table(name)
