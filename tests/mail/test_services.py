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


class FakeSMTP:
    """Stands in for smtplib.SMTP: records connections and the messages sent over each."""

    connections: list[list[str]] = []
    refuse = False

    def __init__(self, host, port, timeout):
        if FakeSMTP.refuse:
            raise ConnectionRefusedError("mail server down")
        self.sent: list[str] = []
        FakeSMTP.connections.append(self.sent)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, email):
        self.sent.append(email["To"])


@pytest.fixture
def smtp(app, monkeypatch):
    FakeSMTP.connections, FakeSMTP.refuse = [], False
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    app.config["MAIL_BACKEND"] = "smtp"
    return FakeSMTP


def _queue_to(recipient: str) -> None:
    services.queue_mail(
        recipient=recipient, template="password_reset", locale="id", reset_url="http://x", minutes=5
    )


def test_waiting_mail_goes_out_over_one_connection_to_the_mail_server(ctx, smtp):
    smtp.refuse = True
    for name in ("ani", "budi", "citra"):
        with atomic():
            _queue_to(f"{name}@example.com")
    assert smtp.connections == []
    smtp.refuse = False

    assert services.deliver_pending() == 3

    assert smtp.connections == [["ani@example.com", "budi@example.com", "citra@example.com"]]
    unsent = sa.select(sa.func.count()).where(OutboxMessage.sent_at.is_(None))
    assert db.session.scalar(unsent) == 0


def test_a_mail_server_that_cannot_be_reached_leaves_every_message_queued(ctx, smtp):
    smtp.refuse = True
    for name in ("ani", "budi"):
        with atomic():
            _queue_to(f"{name}@example.com")

    assert services.deliver_pending() == 0

    rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(r.sent_at, r.attempts) for r in rows] == [(None, 2), (None, 2)]
    assert all("mail server down" in r.last_error for r in rows)


@pytest.mark.parametrize(
    ("batch", "after_the_first"),
    [
        (100, [["budi@example.com", "citra@example.com", "dewi@example.com"]]),
        (2, [["budi@example.com", "citra@example.com"], ["dewi@example.com"]]),
    ],
    ids=["one batch", "more than a batch"],
)
def test_the_sender_thread_sends_what_queued_up_while_it_was_busy_in_batches(
    app, ctx, smtp, monkeypatch, batch, after_the_first
):
    import threading

    from marketplace.mail import sender
    from marketplace.mail.sender import wait_until_sent

    monkeypatch.setattr(sender, "BATCH", batch)
    app.config["MAIL_DELIVERY"] = "background"
    busy, release = threading.Event(), threading.Event()
    deliver = services.deliver_pending

    def slow_first_delivery(ids=None, limit=100, **claim):
        if not busy.is_set():
            busy.set()
            release.wait(5)
        return deliver(ids=ids, limit=limit, **claim)

    monkeypatch.setattr(services, "deliver_pending", slow_first_delivery)
    for name in ("ani", "budi", "citra", "dewi"):
        with app.test_request_context(), atomic():
            _queue_to(f"{name}@example.com")
        busy.wait(5)
    release.set()
    wait_until_sent()

    assert smtp.connections == [["ani@example.com"], *after_the_first]


def test_an_english_mail_sent_from_an_indonesian_page_leaves_the_page_indonesian(app, outbox):
    from flask import render_template_string

    with app.test_request_context("/"):
        before = render_template_string("{{ _('Keranjang') }}")
        with atomic():
            _queue()  # locale "en"
        after = render_template_string("{{ _('Keranjang') }}")
        db.session.remove()
    with app.test_request_context("/?lang=en"):
        english = render_template_string("{{ _('Keranjang') }}")

    assert outbox[0]["subject"] == "Reset your password"
    assert (before, after, english) == ("Keranjang", "Keranjang", "Cart")
