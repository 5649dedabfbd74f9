"""Mail goes through the outbox: written with the change, sent after commit, never lost."""

import smtplib

import pytest
import sqlalchemy as sa

from marketplace.db import atomic
from marketplace.extensions import db
from marketplace.mail import services
from marketplace.mail.models import OutboxMessage


def _queue():
    services.queue_mail(
        recipient="ada@example.com",
        template="password_reset",
        locale="en",
        reset_url="http://x/reset",
        minutes=60,
    )


def test_mail_is_sent_after_commit_in_the_recipients_language(ctx, outbox):
    with atomic():
        _queue()
    assert len(outbox) == 1
    assert outbox[0]["subject"] == "Reset your password"
    assert db.session.scalar(sa.select(OutboxMessage.sent_at)) is not None


def test_mail_of_a_rolled_back_change_is_never_sent(ctx, outbox):
    with pytest.raises(RuntimeError), atomic():
        _queue()
        raise RuntimeError("the change failed")
    assert outbox == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_a_mail_server_that_is_down_loses_nothing(ctx, app, outbox, monkeypatch):
    def down(message):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(services, "send_memory", down)
    with atomic():
        _queue()
    row = db.session.scalar(sa.select(OutboxMessage))
    assert row.sent_at is None and row.attempts == 1 and "down" in row.last_error
    monkeypatch.undo()
    assert services.deliver_pending() == 1
    assert len(outbox) == 1


def test_background_delivery_sends_after_commit_without_the_request_waiting(
    app, ctx, outbox, monkeypatch
):
    import threading

    from marketplace.mail.sender import wait_until_sent

    senders = []
    send_memory = services.send_memory
    monkeypatch.setattr(
        services,
        "send_memory",
        lambda message: senders.append(threading.current_thread().name) or send_memory(message),
    )
    app.config["MAIL_DELIVERY"] = "background"
    with app.test_request_context(), atomic():
        _queue()
    wait_until_sent()
    assert senders == ["mail-sender"]
    assert [m["to"] for m in outbox] == ["ada@example.com"]
    db.session.expire_all()
    assert db.session.scalar(sa.select(OutboxMessage.sent_at)) is not None
