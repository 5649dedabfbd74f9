"""audit entry regions: an audit entry seen by the staff of every regency it concerns

Revision ID: 20261201_staff
Revises: 20261201_mail
Create Date: 2026-12-01 22:30:00

A bank transfer of an order with artisans in several regencies is one decision that staff of each
of those regencies must see. audit_entries.regency_code stays the regency an entry is filed
under; this table lists all of them for entries that concern several. Existing entries are not
backfilled: each stays visible under its one regency, as before.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "20261201_staff"
down_revision = "20261201_mail"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_entry_regions",
        sa.Column("audit_entry_id", sa.Integer(), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_entry_id"],
            ["audit_entries.id"],
            name=op.f("fk_audit_entry_regions_audit_entry_id_audit_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "audit_entry_id", "regency_code", name=op.f("pk_audit_entry_regions")
        ),
    )
    with op.batch_alter_table("audit_entry_regions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_entry_regions_regency_code"), ["regency_code"], unique=False
        )


def downgrade():
    with op.batch_alter_table("audit_entry_regions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entry_regions_regency_code"))
    op.drop_table("audit_entry_regions")
