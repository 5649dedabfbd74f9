"""the list index: page N of a product list is a seek (issue 12)

Revision ID: 20261202_list_index
Revises: 20261202_changes
Create Date: 2026-12-02 02:00:00

`list_entries` holds one row per visible product (active, of a verified artisan) with the keys
the lists sort and filter by, an index per list; `list_blocks_newest` and `list_blocks_price`
cut each list (the whole catalogue, a category, a province, a regency, each of those two within
a category, an artisan's shop) into
counted runs of 256 entries, so that the entry at any position is found by an index seek
instead of stepping over every entry before it (marketplace/catalog/list_index.py). And
`ix_products_status_sold` gives the home page its best sellers without sorting the catalogue.

Filled here from the current products, the same way list_index.rebuild() does, so that the
lists show the catalogue right after `db upgrade` (and the planner statistics refreshed when
there are products); the application keeps them current after.
"""

import sqlalchemy as sa
from alembic import op

revision = "20261202_list_index"
down_revision = "20261202_changes"
branch_labels = None
depends_on = None

BLOCK = 256
ORDERS = {  # blocks table: (start column, its type, entry key, kinds of scope by their letters)
    "list_blocks_newest": (
        "start_at",
        sa.DateTime(),
        "published_at",
        ["c", "p", "r", "a", "cp", "cr"],
    ),
    "list_blocks_price": ("start_price", sa.BigInteger(), "price_idr", ["c", "p", "r", "cp", "cr"]),
}
SCOPE_COLUMNS = {"c": "category_id", "p": "province_code", "r": "regency_code", "a": "artisan_id"}


def upgrade():
    op.create_table(
        "list_entries",
        sa.Column("product_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("price_idr", sa.BigInteger(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=False),
        sa.Column("artisan_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_list_entries_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_list_entries")),
    )
    indexes = {
        "newest": ["published_at", "product_id"],
        "price": ["price_idr", "product_id"],
        "category_newest": ["category_id", "published_at", "product_id"],
        "category_price": ["category_id", "price_idr", "product_id"],
        "province_newest": ["province_code", "published_at", "product_id"],
        "province_price": ["province_code", "price_idr", "product_id"],
        "regency_newest": ["regency_code", "published_at", "product_id"],
        "regency_price": ["regency_code", "price_idr", "product_id"],
        "artisan_newest": ["artisan_id", "published_at", "product_id"],
        "category_province_newest": ["category_id", "province_code", "published_at", "product_id"],
        "category_province_price": ["category_id", "province_code", "price_idr", "product_id"],
        "category_regency_newest": ["category_id", "regency_code", "published_at", "product_id"],
        "category_regency_price": ["category_id", "regency_code", "price_idr", "product_id"],
    }
    for name, columns in indexes.items():
        op.create_index(f"ix_list_entries_{name}", "list_entries", columns, unique=False)
    for table, (start, start_type, _key, _letters) in ORDERS.items():
        op.create_table(
            table,
            sa.Column("scope", sa.String(length=16), nullable=False),
            sa.Column(start, start_type, autoincrement=False, nullable=False),
            sa.Column("start_id", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("entries", sa.Integer(), nullable=False),
            sa.Column("first_position", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("scope", start, "start_id", name=op.f(f"pk_{table}")),
        )
        op.create_index(
            f"ix_{table}_position",
            table,
            ["scope", "first_position", "entries", start, "start_id"],
            unique=False,
        )
    # The home page's best sellers read backwards, instead of sorting every visible product.
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index(
            "ix_products_status_sold", ["status", "sold_count", "published_at", "id"], unique=False
        )
    fill()


def fill():
    """The entries of every visible product, and every scope's blocks in both orders."""
    op.execute(
        "INSERT INTO list_entries (product_id, published_at, price_idr, category_id, "
        "province_code, regency_code, artisan_id) "
        "SELECT p.id, COALESCE(p.published_at, p.created_at), p.price_idr, p.category_id, "
        "a.province_code, a.regency_code, p.artisan_id "
        "FROM products p JOIN artisans a ON a.id = p.artisan_id "
        "WHERE p.status = 'active' AND a.status = 'verified'"
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    # The first block of every scope starts below every real key; written as the application
    # writes datetimes on each database, so that its comparisons find it.
    lowest_at = "TIMESTAMP '1970-01-01 00:00:00'" if postgres else "'1970-01-01 00:00:00.000000'"
    for table, (start, _type, key, kinds) in ORDERS.items():
        lowest = lowest_at if start == "start_at" else "0"
        for kind in ["", *kinds]:
            # The scope's name, as list_index.scope_of() makes it: c3, p32, c3/r32.73 ...
            parts = [
                f"'{'/' if i else ''}{letter}' || {SCOPE_COLUMNS[letter]}"
                for i, letter in enumerate(kind)
            ]
            scope = " || ".join(parts) or "''"
            columns = ", ".join(SCOPE_COLUMNS[letter] for letter in kind)
            partition = f"PARTITION BY {columns} " if kind else ""
            op.execute(
                f"INSERT INTO {table} (scope, {start}, start_id, entries, first_position) "  # noqa: S608
                f"SELECT scope, CASE WHEN n = 1 THEN {lowest} ELSE k END, "
                "CASE WHEN n = 1 THEN 0 ELSE product_id END, "
                f"CASE WHEN total - n + 1 < {BLOCK} THEN total - n + 1 ELSE {BLOCK} END, n - 1 "
                f"FROM (SELECT {scope} AS scope, {key} AS k, product_id, "
                f"row_number() OVER ({partition}ORDER BY {key}, product_id) AS n, "
                f"count(*) OVER ({partition.strip()}) AS total FROM list_entries) ranked "
                f"WHERE (n - 1) % {BLOCK} = 0"
            )
    if op.get_bind().execute(sa.text("SELECT count(*) FROM list_entries")).scalar():
        # A shop with products: give the planner the new tables' sizes (and the catalogue's), so
        # that it seeks them by index from the first request.
        tables = ["products", "artisans", "list_entries", *ORDERS]
        if postgres:
            op.execute(f"ANALYZE {', '.join(tables)}")
        else:
            for table in tables:
                op.execute(f"ANALYZE {table}")


def downgrade():
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index("ix_products_status_sold")
    for table in ORDERS:
        op.drop_index(f"ix_{table}_position", table_name=table)
        op.drop_table(table)
    op.drop_table("list_entries")
