"""Admins see the mail no attempt could send, and have it sent again."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.audit.models import AuditEntry
from marketplace.db import now_utc
from marketplace.extensions import db
from marketplace.mail.models import OutboxMessage
from marketplace.mail.services import MAX_ATTEMPTS
from tests.factories import PASSWORD


def _messages(app, *rows: dict) -> list[int]:
    defaults = {"subject": "Atur ulang kata sandi", "body": "Halo\n", "kind": "password_reset"}
    with app.app_context():
        ids = [
            db.session.scalar(
                sa.insert(OutboxMessage).returning(OutboxMessage.id), {**defaults, **row}
            )
            for row in rows
        ]
        db.session.commit()
        db.session.remove()
    return ids


def _failed(app, *recipients: str) -> list[int]:
    return _messages(
        app,
        *(
            {"recipient": r, "attempts": MAX_ATTEMPTS, "last_error": "550 mailbox unavailable"}
            for r in recipients
        ),
    )


def _rows(app) -> dict[str, tuple]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(OutboxMessage.recipient, OutboxMessage.sent_at, OutboxMessage.attempts)
        ).all()
        db.session.remove()
    return {r.recipient: (r.sent_at is not None, r.attempts) for r in rows}


@pytest.fixture
def admin(make, auth):
    make.user(role="staff", email="admin@example.com", admin=True)
    auth.login("admin@example.com", PASSWORD)


def test_admins_see_the_failed_mail_with_its_recipient_and_last_error(app, client, admin):
    _failed(app, "ani@example.com")
    _messages(
        app,
        {"recipient": "still-trying@example.com", "attempts": 3, "last_error": "timeout"},
        {"recipient": "sent@example.com", "attempts": MAX_ATTEMPTS, "sent_at": now_utc()},
    )

    page = client.get("/dashboard/mail/failed").get_data(as_text=True)

    assert "ani@example.com" in page and "550 mailbox unavailable" in page
    assert "Atur ulang kata sandi" in page and "password_reset" in page
    assert f"<td>{MAX_ATTEMPTS}</td>" in page
    assert "still-trying@example.com" not in page and "sent@example.com" not in page


def test_admins_find_the_page_in_the_staff_menu_and_other_staff_do_not(app, client, make, auth):
    make.user(role="staff", email="admin@example.com", admin=True)
    make.user(role="staff", email="staf@example.com")
    auth.login("admin@example.com", PASSWORD)
    assert "/dashboard/mail/failed" in client.get("/dashboard/artisans/").get_data(as_text=True)
    auth.logout()
    auth.login("staf@example.com", PASSWORD)
    assert "/dashboard/mail/failed" not in client.get("/dashboard/artisans/").get_data(as_text=True)


def test_retrying_one_message_sends_it_and_records_who_asked(app, client, admin, outbox):
    ani, _ = _failed(app, "ani@example.com", "budi@example.com")

    response = client.post(f"/dashboard/mail/failed/{ani}/retry")

    assert response.status_code == 303
    assert [m["to"] for m in outbox] == ["ani@example.com"]
    assert _rows(app) == {"ani@example.com": (True, 1), "budi@example.com": (False, MAX_ATTEMPTS)}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 pesan dikirim ulang." in page and "ani@example.com" not in page
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry))
        assert (entry.action, entry.subject_type, entry.subject_id) == ("mail.retry", "mail", ani)
        db.session.remove()


def test_retrying_all_sends_every_failed_message_once(app, client, admin, outbox):
    _failed(app, "ani@example.com", "budi@example.com")
    _messages(app, {"recipient": "later@example.com", "attempts": 2})

    assert client.post("/dashboard/mail/failed/retry").status_code == 303
    assert client.post("/dashboard/mail/failed/retry").status_code == 303

    assert sorted(m["to"] for m in outbox) == ["ani@example.com", "budi@example.com"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 2
        db.session.remove()


def test_retrying_a_message_that_did_not_fail_is_not_found(app, client, admin, outbox):
    (waiting,) = _messages(app, {"recipient": "later@example.com", "attempts": 2})

    assert client.post(f"/dashboard/mail/failed/{waiting}/retry").status_code == 404
    assert client.post("/dashboard/mail/failed/99999/retry").status_code == 404
    assert outbox == []
    assert _rows(app) == {"later@example.com": (False, 2)}


@pytest.mark.parametrize(("role", "scope"), [("staff", "national"), ("buyer", None)])
def test_only_admins_see_or_retry_failed_mail(app, client, make, auth, outbox, role, scope):
    (ani,) = _failed(app, "ani@example.com")
    make.user(role=role, email="someone@example.com", scope=scope)
    auth.login("someone@example.com", PASSWORD)

    assert client.get("/dashboard/mail/failed").status_code == 404
    assert client.post(f"/dashboard/mail/failed/{ani}/retry").status_code == 404
    assert client.post("/dashboard/mail/failed/retry").status_code == 404
    assert outbox == []
    assert _rows(app) == {"ani@example.com": (False, MAX_ATTEMPTS)}


def test_anonymous_visitors_are_sent_to_the_login_page(app, client):
    response = client.get("/dashboard/mail/failed")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_a_retry_without_the_forms_csrf_token_is_refused(app, client, admin, outbox):
    (ani,) = _failed(app, "ani@example.com")
    app.config["WTF_CSRF_ENABLED"] = True

    assert client.post(f"/dashboard/mail/failed/{ani}/retry").status_code == 400
    assert outbox == []
