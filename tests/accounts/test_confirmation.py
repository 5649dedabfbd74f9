"""Confirming an account's e-mail: only through the mailed link, and only by the account."""

from __future__ import annotations

import re

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.extensions import db
from tests.accounts.test_views import register
from tests.factories import PASSWORD

PASSWORD_OF_RINA = "anyaman-pandan-99"


def confirm_link(outbox) -> str:
    """The path of the confirmation link in the last mail that has one."""
    for mail in reversed(outbox):
        found = re.search(r"https?://[^/\s]+(/account/confirm/\S+)", mail["body"])
        if found:
            return found.group(1)
    raise AssertionError("no confirmation link mailed")


def confirmed_at(app, email):
    """When the account of this e-mail was confirmed (None: not yet)."""
    with app.app_context():
        value = db.session.scalar(sa.select(User.email_confirmed_at).where(User.email == email))
        db.session.remove()
        return value


def test_registering_mails_a_link_that_confirms_with_the_password_and_logs_in(client, app, outbox):
    register(client)
    link = confirm_link(outbox)
    page = client.get(link)
    assert page.status_code == 200
    assert "rina@example.com" in page.get_data(as_text=True)
    assert confirmed_at(app, "rina@example.com") is None  # opening the link confirms nothing
    response = client.post(link, data={"password": PASSWORD_OF_RINA})
    assert response.status_code == 303
    account = client.get("/account/").get_data(as_text=True)
    assert "sudah dikonfirmasi" in account
    assert "Kirim ulang tautan konfirmasi" not in account
    assert confirmed_at(app, "rina@example.com") is not None


def test_the_link_with_a_wrong_password_confirms_nothing(client, app, outbox):
    register(client)
    link = confirm_link(outbox)
    response = client.post(link, data={"password": "bukan-kata-sandinya"})
    assert response.status_code == 422
    assert "Kata sandi salah." in response.get_data(as_text=True)
    assert confirmed_at(app, "rina@example.com") is None
    assert client.get("/account/").status_code == 302  # and nobody got logged in


def test_a_tampered_or_expired_link_is_refused(client, app, outbox, monkeypatch):
    register(client)
    link = confirm_link(outbox)
    tampered = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")
    assert client.get(tampered).status_code == 404
    assert client.post(tampered, data={"password": PASSWORD_OF_RINA}).status_code == 404
    app.config["EMAIL_CONFIRM_MAX_AGE"] = -1  # every link is now past its age
    response = client.post(link, data={"password": PASSWORD_OF_RINA})
    assert response.status_code == 404
    assert "kedaluwarsa" in response.get_data(as_text=True)
    assert confirmed_at(app, "rina@example.com") is None


def test_an_unconfirmed_account_asks_for_the_link_again_from_its_page(
    client, app, make, auth, outbox
):
    make.user(email="lama@example.com")  # made before confirmation existed: unconfirmed
    auth.login("lama@example.com", PASSWORD)
    page = client.get("/account/").get_data(as_text=True)
    assert "belum dikonfirmasi" in page and "Kirim ulang tautan konfirmasi" in page
    response = client.post("/account/confirm/resend")
    assert response.status_code == 303
    assert "lama@example.com" in client.get("/account/").get_data(as_text=True)
    assert outbox[-1]["to"] == "lama@example.com"
    link = confirm_link(outbox)
    form = client.get(link).get_data(as_text=True)
    assert 'name="password"' not in form  # logged in as the account: one button is enough
    assert client.post(link).status_code == 303
    assert confirmed_at(app, "lama@example.com") is not None
    sent = len(outbox)
    client.post("/account/confirm/resend")
    assert len(outbox) == sent  # nothing more to confirm


def test_a_link_for_one_account_cannot_confirm_another(client, app, make, auth, outbox):
    register(client)
    link = confirm_link(outbox)
    make.user(email="lain@example.com")
    auth.login("lain@example.com", PASSWORD)
    # Logged in as someone else, the link still wants the password of the account it names.
    assert client.post(link).status_code == 422
    assert confirmed_at(app, "rina@example.com") is None
    assert confirmed_at(app, "lain@example.com") is None


def test_the_link_stops_working_when_the_address_changes(client, app, outbox):
    register(client)
    link = confirm_link(outbox)
    with app.app_context():
        from marketplace.db import atomic

        with atomic():
            user = db.session.scalar(sa.select(User).where(User.email == "rina@example.com"))
            user.email = "rina.baru@example.com"
        db.session.remove()
    assert client.post(link, data={"password": PASSWORD_OF_RINA}).status_code == 404
    assert confirmed_at(app, "rina.baru@example.com") is None


def test_registration_is_rate_limited_per_address(client):
    statuses = [register(client, email=f"r{n}@example.com").status_code for n in range(11)]
    assert statuses[:10] == [303] * 10
    assert statuses[10] == 429
