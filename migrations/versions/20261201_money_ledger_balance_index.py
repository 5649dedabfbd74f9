"""ledger: a covering index for the artisans' balances (pending vs available)

Revision ID: 20261201_money
Revises: 20261201_refund
Create Date: 2026-12-01 22:50:00

The balances (payments/ledger.py balances_query) sum each artisan's entries joined to their
shipments' delivery. With (artisan_id, shipment_id, amount_idr) in one index the national count
of artisans to pay reads the index alone (1.5 s instead of 3.8 s on 385k entries, SQLite).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '20261201_money'
down_revision = "20261201_refund"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_ledger_entries_artisan_balance',
        'ledger_entries',
        ['artisan_id', 'shipment_id', 'amount_idr'],
        unique=False,
    )


def downgrade():
    op.drop_index('ix_ledger_entries_artisan_balance', table_name='ledger_entries')
