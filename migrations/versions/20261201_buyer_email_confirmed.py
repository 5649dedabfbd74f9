"""users.email_confirmed_at: when the account's e-mail was confirmed through a mailed link

Revision ID: 20261201_buyer
Revises: 20261201_staff
Create Date: 2026-12-01 22:10:00

Accounts made before this change are left unconfirmed (NULL), not marked confirmed: nobody ever
proved they can read the mail of the address they typed, and a confirmed address is what attaches
guest orders of that address to an account. Marking them confirmed would hand any guest's orders
to whoever once registered with (or mistyped) the guest's address. They can confirm at any time
from their account page; until then everything else works as before.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261201_buyer'
down_revision = "20261201_staff"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_confirmed_at')
