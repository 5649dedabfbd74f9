"""Messages that failed every attempt: listed for admins, who can have them sent again."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import gettext as _

from marketplace.db import after_commit, atomic
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.mail.models import OutboxMessage
from marketplace.mail.sender import send_after_commit
from marketplace.mail.services import MAX_ATTEMPTS

_outbox = OutboxMessage.__table__
_IS_FAILED = sa.and_(_outbox.c.sent_at.is_(None), _outbox.c.attempts >= MAX_ATTEMPTS)
_FAILED = sa.select(OutboxMessage).where(_IS_FAILED).order_by(OutboxMessage.id.desc())
# A fresh set of attempts and no claim: the senders take the message up like a new one.
_RETRY = (
    sa.update(_outbox)
    .where(_IS_FAILED)
    .values(attempts=0, claim_token=None, claimed_at=None)
    .returning(_outbox.c.id)
)
_RETRY_OF = _RETRY.where(_outbox.c.id.in_(sa.bindparam("ids", expanding=True)))


def failed_messages(limit: int = 500) -> list[OutboxMessage]:
    """The messages no attempt could send, newest first."""
    return list(db.session.scalars(_FAILED.limit(limit)))


def retry_failed(
    *, message_id: int | None = None, on_retry: Callable[[int], None] = lambda message_id: None
) -> list[int]:
    """Send a failed message (or all of them, without message_id) again, as a new one.

    `on_retry` is called with each message id inside the transaction (the caller's audit entry).
    A message that is not, or no longer, failed (sent, retried meanwhile) is NotFound.
    """
    with atomic():
        if message_id is None:
            ids = list(db.session.scalars(_RETRY))
        else:
            ids = list(db.session.scalars(_RETRY_OF, {"ids": [message_id]}))
            if not ids:
                raise NotFound(_("Pesan itu tidak ada atau sudah tidak gagal lagi."))
        for retried in sorted(ids):
            on_retry(retried)
        after_commit(lambda: send_after_commit(sorted(ids)))
    return ids
