""" "Track my order": the link is mailed to the order's address, never shown on the page."""

from __future__ import annotations

import pytest

from tests.orders.test_claims import guest_order

ANSWER = "Jika nomor pesanan dan e-mail itu cocok dengan sebuah pesanan"


def track(client, number: str, email: str):
    """Post the form and follow the redirect; returns the page's text."""
    response = client.post("/orders/track", data={"number": number, "email": email})
    assert response.status_code == 303
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_matching_number_and_email_mail_the_private_link_and_only_mail_it(client, app, outbox):
    number, token = guest_order(app, "tamu@example.com")
    outbox.clear()
    page = track(client, number.lower(), " Tamu@Example.COM ")
    assert ANSWER in page
    assert token not in page
    (mail,) = outbox
    assert mail["to"] == "tamu@example.com"
    assert f"/orders/{number}?token={token}" in mail["body"]
    assert client.get(f"/orders/{number}?token={token}").status_code == 200


@pytest.mark.parametrize(
    ("number", "email"),
    [("own", "orang.lain@example.com"), ("BNN-000000-AAAAAA", "tamu@example.com")],
    ids=["other-email", "unknown-number"],
)
def test_a_wrong_number_or_email_gets_the_same_answer_and_no_mail(
    client, app, outbox, number, email
):
    own, _token = guest_order(app, "tamu@example.com")
    outbox.clear()
    page = track(client, own if number == "own" else number, email)
    assert ANSWER in page
    assert outbox == []


def test_an_empty_or_malformed_form_says_what_to_fix(client, outbox):
    response = client.post("/orders/track", data={"number": "", "email": "bukan-email"})
    assert response.status_code == 422
    assert outbox == []


def test_the_track_form_is_rate_limited_per_address(client, app):
    number, _token = guest_order(app, "tamu@example.com")
    codes = [
        client.post("/orders/track", data={"number": number, "email": "x@example.com"}).status_code
        for _ in range(6)
    ]
    assert codes == [303] * 5 + [429]


def test_the_track_page_is_linked_from_the_footer_and_the_login_page(client):
    assert 'href="/orders/track"' in client.get("/").get_data(as_text=True)
    assert 'href="/orders/track"' in client.get("/account/login").get_data(as_text=True)
    page = client.get("/orders/track?lang=en").get_data(as_text=True)
    assert "Track order" in page and "Order number" in page
