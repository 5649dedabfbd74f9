"""Mail over a real SMTP socket: each message once, whoever sends it, with proper headers."""

from __future__ import annotations

import re
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
import sqlalchemy as sa

from marketplace.db import atomic
from marketplace.extensions import db
from marketplace.mail import services
from marketplace.mail.models import OutboxMessage
from tests.mail.smtp_server import SMTPServer


@pytest.fixture
def smtp_server(app):
    """The app sends through a fake SMTP server listening on a local socket."""
    with SMTPServer(delay=0.002) as server:
        app.config.update(
            MAIL_BACKEND="smtp",
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=server.port,
            MAIL_USE_TLS=False,
            MAIL_USERNAME="",
        )
        yield server


def _leave_in_outbox(count: int, **values) -> list[int]:
    """Messages a stopped process left waiting (written straight to the outbox, not sent)."""
    rows = [
        {"recipient": f"buyer{n}@example.com", "subject": f"Pesanan {n}", "body": "Halo\n"}
        for n in range(count)
    ]
    with atomic():
        ids = db.session.scalars(
            sa.insert(OutboxMessage).returning(OutboxMessage.id), [{**r, **values} for r in rows]
        ).all()
    return list(ids)


def _run_at_once(app, *senders) -> None:
    """Run each sender in its own thread and app context (its own session), all starting
    together; re-raise what any of them raised."""
    start = threading.Barrier(len(senders))
    errors: list[BaseException] = []

    def run(sender):
        with app.app_context():
            try:
                start.wait(5)
                sender()
            except BaseException as exc:  # reported to the test below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(sender,)) for sender in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []


def _cron_send_mail() -> None:
    """What `flask send-mail` does, in small batches so the two senders interleave."""
    while services.deliver_pending(limit=10):
        pass


@pytest.mark.parametrize("second", ["cron", "sender thread"])
def test_two_senders_at_once_deliver_every_message_exactly_once(app, ctx, smtp_server, second):
    ids = _leave_in_outbox(200)

    def sender_thread() -> None:  # a worker's sender thread handed the ids of its requests
        for start in range(0, len(ids), 10):
            services.deliver_pending(ids=ids[start : start + 10], limit=10)

    _run_at_once(app, _cron_send_mail, _cron_send_mail if second == "cron" else sender_thread)

    arrived = Counter(smtp_server.recipients())
    assert len(arrived) == 200
    assert [to for to, times in arrived.items() if times > 1] == []
    db.session.expire_all()
    unsent = sa.select(sa.func.count()).where(OutboxMessage.sent_at.is_(None))
    assert db.session.scalar(unsent) == 0
    assert set(db.session.scalars(sa.select(OutboxMessage.attempts))) == {1}


def test_a_crashed_senders_claim_is_taken_over_after_the_timeout_and_not_before(
    app, ctx, smtp_server
):
    app.config["MAIL_CLAIM_TIMEOUT"] = 300
    now = datetime.now(UTC)
    (message_id,) = _leave_in_outbox(
        1, claim_token="crashed-sender", claimed_at=now - timedelta(seconds=200)
    )

    assert services.deliver_pending() == 0
    assert smtp_server.recipients() == []

    with atomic():
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(claimed_at=now - timedelta(seconds=301))
        )
    assert services.deliver_pending() == 1
    assert services.deliver_pending() == 0
    assert smtp_server.recipients() == ["buyer0@example.com"]
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message_id).sent_at is not None


def test_a_sender_whose_claim_was_taken_over_does_not_mark_the_new_holders_message(
    app, ctx, smtp_server
):
    """A sender slower than MAIL_CLAIM_TIMEOUT lost its claim: the row is the new holder's."""
    (message_id,) = _leave_in_outbox(1)

    def taken_over_while_sending(message):
        with app.app_context():
            db.session.execute(
                sa.update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .values(claim_token="another-sender")
            )
            db.session.commit()
            db.session.remove()

    smtp_server.on_message = taken_over_while_sending
    assert services.deliver_pending() == 1
    db.session.expire_all()
    row = db.session.get(OutboxMessage, message_id)
    assert (row.sent_at, row.claim_token) == (None, "another-sender")


def test_mail_a_request_queues_for_its_sender_thread_is_sent_once_and_cron_leaves_it(
    app, ctx, smtp_server
):
    """The thread's messages are claimed as they are written: a `send-mail` run between the
    commit and the thread's turn passes them by, and the thread sends them without a claim."""
    from marketplace.mail import sender

    app.config["MAIL_DELIVERY"] = "background"
    handed = []
    sender._jobs.put = handed.append  # hold the job back: cron runs first
    try:
        with app.test_request_context(), atomic():
            services.queue_mail(
                recipient="ani@example.com", template="password_reset", locale="id",
                reset_url="http://x", minutes=5,
            )  # fmt: skip
    finally:
        del sender._jobs.put
    assert services.deliver_pending() == 0  # cron: claimed by the thread, not stale
    assert smtp_server.recipients() == []
    (job,) = handed
    sender._jobs.put(job)
    sender.wait_until_sent()
    assert smtp_server.recipients() == ["ani@example.com"]
    assert services.deliver_pending() == 0
    db.session.expire_all()
    row = db.session.scalar(sa.select(OutboxMessage))
    assert row.sent_at is not None and row.attempts == 1 and row.claim_token is None


@pytest.mark.parametrize("renew", [False, True], ids=["read", "claim renewed"])
def test_a_sender_thread_leaves_its_messages_that_were_taken_over(app, ctx, smtp_server, renew):
    ids = _leave_in_outbox(2, claim_token="thread-1", claimed_at=datetime.now(UTC))
    with atomic():  # its claim went stale and cron took the second one over
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == ids[1])
            .values(claim_token="cron-run")
        )

    assert services.deliver_pending(ids=ids, claimed_by="thread-1", renew=renew) == 1

    assert smtp_server.recipients() == ["buyer0@example.com"]
    db.session.expire_all()
    second = db.session.get(OutboxMessage, ids[1])
    assert (second.sent_at, second.claim_token) == (None, "cron-run")


def test_every_message_carries_date_message_id_and_auto_submitted(app, ctx, smtp_server):
    app.config["MAIL_DEFAULT_SENDER"] = "Toko BNN <noreply@toko.example.id>"
    with atomic():
        services.queue_mail(
            recipient="ada@example.com",
            template="password_reset",
            locale="id",
            reset_url="https://toko.example.id/reset",
            minutes=60,
        )
    message_id = db.session.scalar(sa.select(OutboxMessage.id))

    ((recipients, received),) = smtp_server.messages
    assert recipients == ["ada@example.com"]
    sent_at = parsedate_to_datetime(received["Date"])
    assert abs(sent_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert re.fullmatch(rf"<outbox-{message_id}\.\d+@toko\.example\.id>", received["Message-ID"])
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["To"] == "ada@example.com"


def test_a_message_sent_again_after_a_crash_keeps_its_message_id(app, ctx, smtp_server):
    _leave_in_outbox(1)
    assert services.deliver_pending() == 1
    with atomic():  # the mark "sent" was lost: the sender died right after the SMTP session
        db.session.execute(sa.update(OutboxMessage).values(sent_at=None))
    assert services.deliver_pending() == 1

    first, again = (message["Message-ID"] for _, message in smtp_server.messages)
    assert first is not None and first == again
