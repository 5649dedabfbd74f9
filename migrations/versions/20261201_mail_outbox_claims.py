"""mail outbox claims: a sender claims its rows so two senders never send one message twice

Revision ID: 20261201_mail
Revises: 0005
Create Date: 2026-12-01 22:00:00

A sender sets claim_token and claimed_at on the rows it is about to send and marks sent only the
rows still holding its token; a claim older than MAIL_CLAIM_TIMEOUT (a crashed sender) is taken
over by the next one.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "20261201_mail"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_column("claim_token")
        batch_op.drop_column("claimed_at")
