"""Sending mail through one interface: the outbox, then a backend (console, memory or SMTP).

A message is written to the outbox inside the transaction of the change it reports, and sent
after that transaction commits. A mail server that is down loses nothing: `flask send-mail`
sends what is still waiting. Several senders may run at once (cron, each process's sender
thread, several servers): each claims the rows it sends, so a message goes out once.
"""

from __future__ import annotations

import secrets
import smtplib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale

from marketplace.db import after_commit, atomic, now_utc
from marketplace.extensions import db
from marketplace.mail.models import OutboxMessage
from marketplace.mail.sender import claim_for_new_mail, send_after_commit

MAX_ATTEMPTS = 10
# Built once: a message is queued and sent with nearly every order.
_outbox = OutboxMessage.__table__
_INSERT_MESSAGE = sa.insert(_outbox).returning(_outbox.c.id)
# A sender claims the rows it is about to send, so another sender (a second cron run, another
# process's sender thread, another server) passes them by. On PostgreSQL the rows are locked
# while claimed (FOR UPDATE SKIP LOCKED: a second sender skips them instead of waiting); SQLite
# runs writers one at a time (BEGIN IMMEDIATE), so the conditional UPDATE alone is the claim.
# A claim older than MAIL_CLAIM_TIMEOUT belongs to a sender that died and is taken over.
_CLAIMABLE = (
    sa.select(_outbox.c.id)
    .where(
        _outbox.c.sent_at.is_(None),
        _outbox.c.attempts < MAX_ATTEMPTS,
        sa.or_(_outbox.c.claimed_at.is_(None), _outbox.c.claimed_at < sa.bindparam("stale")),
    )
    .order_by(_outbox.c.id)
    .limit(sa.bindparam("limit"))
    .with_for_update(skip_locked=True)
)
_CLAIMED = (
    _outbox.c.id,
    _outbox.c.recipient,
    _outbox.c.subject,
    _outbox.c.body,
    _outbox.c.created_at,
)


def _claim_of(candidates: sa.Select) -> sa.Update:
    return (
        sa.update(_outbox)
        .where(_outbox.c.id.in_(candidates.scalar_subquery()))
        .values(claim_token=sa.bindparam("token"), claimed_at=sa.bindparam("now"))
        .returning(*_CLAIMED)
    )


_CLAIM_WAITING = _claim_of(_CLAIMABLE)
_CLAIM_WAITING_OF = _claim_of(
    _CLAIMABLE.where(_outbox.c.id.in_(sa.bindparam("ids", expanding=True)))
)
# Messages written already claimed by this sender (sender.claim_for_new_mail): a plain read, or,
# when they waited long enough that the claim could soon be taken over, a fresh claim.
_HELD = sa.and_(
    _outbox.c.id.in_(sa.bindparam("ids", expanding=True)),
    _outbox.c.sent_at.is_(None),
    _outbox.c.claim_token == sa.bindparam("token"),
)
_READ_HELD = sa.select(*_CLAIMED).where(_HELD)
_RENEW_HELD = (
    sa.update(_outbox)
    .where(_HELD)
    .values(claimed_at=sa.bindparam("now"))
    .returning(*_CLAIMED)
    .execution_options(synchronize_session=False)
)
# Only rows still holding this sender's claim: one taken over meanwhile is the new holder's.
_MARK_SENT = (
    sa.update(_outbox)
    .where(
        _outbox.c.id.in_(sa.bindparam("ids", expanding=True)),
        _outbox.c.sent_at.is_(None),
        _outbox.c.claim_token == sa.bindparam("token"),
    )
    .values(
        sent_at=sa.bindparam("now"),
        attempts=_outbox.c.attempts + 1,
        claim_token=None,
        claimed_at=None,
    )
)
_COUNT_FAILURE = (
    sa.update(_outbox)
    .where(
        _outbox.c.id == sa.bindparam("message_id"),
        _outbox.c.claim_token == sa.bindparam("token"),
    )
    .values(
        attempts=_outbox.c.attempts + 1,
        last_error=sa.bindparam("error_text"),
        claim_token=None,
        claimed_at=None,
    )
)


def queue_mail(*, recipient: str, template: str, locale: str, kind: str = "", **context) -> None:
    """Render `templates/mail/<template>.txt` in the recipient's language and put it in the outbox.

    Call inside atomic(); the message is sent once that transaction commits.
    The template's first line is the subject.
    """
    with force_locale(locale or "id"):
        rendered = render_template(f"mail/{template}.txt", **context).strip()
    subject, _, body = rendered.partition("\n")
    claim = claim_for_new_mail()  # this process's sender thread will send it: claimed for it now
    message_id = db.session.execute(
        _INSERT_MESSAGE,
        {
            "recipient": recipient,
            "subject": subject.strip(),
            "body": body.strip() + "\n",
            "kind": kind,
            "claim_token": claim,
            "claimed_at": now_utc() if claim else None,
        },
    ).scalar_one()
    after_commit(lambda: send_after_commit([message_id], claimed_by=claim))


def deliver_pending(
    ids: list[int] | None = None,
    limit: int = 100,
    claimed_by: str | None = None,
    renew: bool = False,
) -> int:
    """Send waiting messages (all, or those ids); returns how many went out.

    A short transaction claims the batch; then one mail-server connection sends it, and one
    transaction marks what went out and counts an attempt on what failed (a failed message is
    released for `send-mail`). Several senders may run at once: each sends only what it claimed.
    A crash between sending and marking leaves the batch claimed; it is sent again once the
    claim is older than MAIL_CLAIM_TIMEOUT, with the same Message-ID: delivery is at least once.
    Messages written with a claim (`claimed_by`: ids required) are only read, not claimed again,
    unless `renew` (they waited long): then their claim is dated afresh. Any that another
    sender has taken over meanwhile are left to it.
    """
    if claimed_by is None:
        token = secrets.token_hex(16)
        messages = _claim(token, ids, limit)
    else:
        token = claimed_by
        messages = _held(token, ids or [], renew)
    if not messages:
        return 0
    sent: list[int] = []
    failed: dict[int, str] = {}
    try:
        with open_backend() as send:
            for message in messages:
                try:
                    send(message)
                    sent.append(message.id)
                except (OSError, smtplib.SMTPException) as exc:
                    failed[message.id] = str(exc)
    except (OSError, smtplib.SMTPException) as exc:  # no connection to the mail server at all
        for message in messages:
            if message.id not in sent:
                failed.setdefault(message.id, str(exc))
    _record_delivery(token, sent, failed)
    return len(sent)


def _claim(token: str, ids: list[int] | None, limit: int) -> list[sa.Row]:
    """Claim up to `limit` waiting messages (of `ids`, if given) for this sender, oldest first."""
    now = now_utc()
    params = {
        "token": token,
        "now": now,
        "stale": now - timedelta(seconds=current_app.config["MAIL_CLAIM_TIMEOUT"]),
        "limit": limit,
    }
    with atomic():
        if ids is None:
            rows = db.session.execute(_CLAIM_WAITING, params).all()
        else:
            rows = db.session.execute(_CLAIM_WAITING_OF, {**params, "ids": ids}).all()
    return sorted(rows, key=lambda row: row.id)


def _held(token: str, ids: list[int], renew: bool) -> list[sa.Row]:
    """The messages of `ids` still waiting under this sender's claim, oldest first."""
    params = {"token": token, "ids": ids}
    if renew:
        with atomic():
            rows = db.session.execute(_RENEW_HELD, {**params, "now": now_utc()}).all()
    else:
        rows = db.session.execute(_READ_HELD, params).all()
        db.session.commit()  # ends the read: no snapshot held open while the mail server talks
    return sorted(rows, key=lambda row: row.id)


def _record_delivery(token: str, sent: list[int], failed: dict[int, str]) -> None:
    """Mark the sent messages and count an attempt on the failed ones, in one transaction."""
    with atomic():
        if sent:
            db.session.execute(_MARK_SENT, {"ids": sent, "now": now_utc(), "token": token})
        for message_id, error in failed.items():
            current_app.logger.warning("mail %s to be retried: %s", message_id, error)
            db.session.execute(
                _COUNT_FAILURE,
                {"message_id": message_id, "error_text": error[:500], "token": token},
            )


@contextmanager
def open_backend() -> Iterator[Callable[[sa.Row], None]]:
    """The configured sender, `console` (development), `memory` (tests) or `smtp`
    (production), ready to send a batch: SMTP keeps one connection open for all of it."""
    name = current_app.config["MAIL_BACKEND"]
    if name != "smtp":
        yield {"console": send_console, "memory": send_memory}[name]
        return
    with smtp_connection() as smtp:
        yield lambda message: smtp.send_message(_email(message))


def send_console(message: sa.Row) -> None:
    """Print the message: development has no mail server."""
    print(
        f"--- mail to {message.recipient}\nSubject: {message.subject}\n\n{message.body}---",
        file=sys.stdout,
        flush=True,
    )


def send_memory(message: sa.Row) -> None:
    """Keep the message in the app, where tests read it."""
    current_app.extensions.setdefault("mail_sent", []).append(
        {"to": message.recipient, "subject": message.subject, "body": message.body}
    )


@contextmanager
def smtp_connection() -> Iterator[smtplib.SMTP]:
    """A connection to the configured SMTP server (STARTTLS when MAIL_USE_TLS), logged in."""
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        yield smtp


def _email(message: sa.Row) -> EmailMessage:
    """The outbox row as an e-mail from the shop's sender address.

    Auto-Submitted keeps out-of-office replies away (RFC 3834); a Message-ID of the outbox row
    lets a mailbox drop the copy a resend after a crash may deliver.
    """
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(usegmt=True)
    email["Message-ID"] = message_id_of(message.id, message.created_at)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body)
    return email


def message_id_of(outbox_id: int, created_at: datetime) -> str:
    """The Message-ID of an outbox row: the same on every attempt to send it."""
    config = current_app.config
    domain = parseaddr(config["MAIL_DEFAULT_SENDER"])[1].rpartition("@")[2]
    domain = domain or urlsplit(config.get("SITE_URL", "")).hostname or "localhost"
    return f"<outbox-{outbox_id}.{int(created_at.timestamp())}@{domain}>"
