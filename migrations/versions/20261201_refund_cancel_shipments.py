"""cancelled shipments and the refunds BNN owes buyers

Revision ID: 20261201_refund
Revises: 20261201_buyer
Create Date: 2026-12-01 22:00:00

A shipment of a paid order can now be `cancelled` (with `cancelled_at`); `refunds` records what
BNN owes the buyer for it and, once transferred, how it was paid; `sales_summary_shipments`
marks the shipments whose lines the sales summary already took out. New tables start empty and
no existing shipment changes state, so nothing needs filling.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "20261201_refund"
down_revision = "20261201_buyer"
branch_labels = None
depends_on = None

OLD_STATES = "status IN ('processing', 'shipped', 'delivered')"
NEW_STATES = "status IN ('processing', 'shipped', 'delivered', 'cancelled')"


def upgrade():
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(), nullable=True))
        batch_op.drop_constraint(op.f("ck_shipments_status_known"), type_="check")
        batch_op.create_check_constraint("status_known", NEW_STATES)

    op.create_table(
        "refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=True),
        sa.Column("amount_idr", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("bank_reference", sa.String(length=80), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("amount_idr > 0", name=op.f("ck_refunds_amount_positive")),
        sa.CheckConstraint("status IN ('owed', 'paid')", name=op.f("ck_refunds_status_known")),
        sa.CheckConstraint(
            "status = 'owed' OR (paid_on IS NOT NULL AND recorded_by_id IS NOT NULL "
            "AND bank_reference <> '')",
            name=op.f("ck_refunds_paid_is_recorded"),
        ),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_refunds_order_id_orders")),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipments.id"], name=op.f("fk_refunds_shipment_id_shipments")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_refunds_requested_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_refunds_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
        sa.UniqueConstraint("shipment_id", name="uq_refunds_shipment_id"),
    )
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refunds_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_refunds_status"), ["status"], unique=False)

    op.create_table(
        "sales_summary_shipments",
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_sales_summary_shipments_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name=op.f("fk_sales_summary_shipments_shipment_id_shipments"),
        ),
        sa.PrimaryKeyConstraint("shipment_id", name=op.f("pk_sales_summary_shipments")),
    )
    with op.batch_alter_table("sales_summary_shipments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sales_summary_shipments_order_id"), ["order_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("sales_summary_shipments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_summary_shipments_order_id"))
    op.drop_table("sales_summary_shipments")
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refunds_status"))
        batch_op.drop_index(batch_op.f("ix_refunds_order_id"))
    op.drop_table("refunds")
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_shipments_status_known"), type_="check")
        batch_op.create_check_constraint("status_known", OLD_STATES)
        batch_op.drop_column("cancelled_at")
