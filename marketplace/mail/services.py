"""Sending mail through one interface: the outbox, then a backend (console, memory or SMTP).

A message is written to the outbox inside the transaction of the change it reports, and sent
after that transaction commits. A mail server that is down loses nothing: `flask send-mail`
sends what is still waiting.
"""

from __future__ import annotations

import smtplib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale

from marketplace.db import after_commit, atomic, now_utc
from marketplace.extensions import db
from marketplace.mail.models import OutboxMessage
from marketplace.mail.sender import send_after_commit

MAX_ATTEMPTS = 10
# Built once: a message is queued and sent with nearly every order.
_outbox = OutboxMessage.__table__
_INSERT_MESSAGE = sa.insert(_outbox).returning(_outbox.c.id)
_WAITING = (
    sa.select(_outbox.c.id, _outbox.c.recipient, _outbox.c.subject, _outbox.c.body)
    .where(_outbox.c.sent_at.is_(None), _outbox.c.attempts < MAX_ATTEMPTS)
    .order_by(_outbox.c.id)
    .limit(sa.bindparam("limit"))
)
_WAITING_OF = _WAITING.where(_outbox.c.id.in_(sa.bindparam("ids", expanding=True)))
_MARK_SENT = (
    sa.update(_outbox)
    .where(_outbox.c.id.in_(sa.bindparam("ids", expanding=True)), _outbox.c.sent_at.is_(None))
    .values(sent_at=sa.bindparam("now"), attempts=_outbox.c.attempts + 1)
)
_COUNT_FAILURE = (
    sa.update(_outbox)
    .where(_outbox.c.id == sa.bindparam("message_id"))
    .values(attempts=_outbox.c.attempts + 1, last_error=sa.bindparam("error_text"))
)


def queue_mail(*, recipient: str, template: str, locale: str, kind: str = "", **context) -> None:
    """Render `templates/mail/<template>.txt` in the recipient's language and put it in the outbox.

    Call inside atomic(); the message is sent once that transaction commits.
    The template's first line is the subject.
    """
    with force_locale(locale or "id"):
        rendered = render_template(f"mail/{template}.txt", **context).strip()
    subject, _, body = rendered.partition("\n")
    message_id = db.session.execute(
        _INSERT_MESSAGE,
        {
            "recipient": recipient,
            "subject": subject.strip(),
            "body": body.strip() + "\n",
            "kind": kind,
        },
    ).scalar_one()
    after_commit(lambda: send_after_commit([message_id]))


def deliver_pending(ids: list[int] | None = None, limit: int = 100) -> int:
    """Send waiting messages (all, or those ids); returns how many went out.

    One mail-server connection for the batch, then one transaction marks what went out and
    counts an attempt on what failed; a failed message stays queued for `send-mail`. A crash
    between sending and marking sends that batch again: delivery is at least once.
    """
    if ids is None:
        messages = db.session.execute(_WAITING, {"limit": limit}).all()
    else:
        messages = db.session.execute(_WAITING_OF, {"ids": ids, "limit": limit}).all()
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
    _record_delivery(sent, failed)
    return len(sent)


def _record_delivery(sent: list[int], failed: dict[int, str]) -> None:
    """Mark the sent messages and count an attempt on the failed ones, in one transaction."""
    with atomic():
        if sent:
            db.session.execute(_MARK_SENT, {"ids": sent, "now": now_utc()})
        for message_id, error in failed.items():
            current_app.logger.warning("mail %s to be retried: %s", message_id, error)
            db.session.execute(
                _COUNT_FAILURE, {"message_id": message_id, "error_text": error[:500]}
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
    """The outbox row as an e-mail from the shop's sender address."""
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    return email
