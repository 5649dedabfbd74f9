"""Guest orders join the account of their e-mail once, and only once, that e-mail is confirmed."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.orders.models import Order
from tests.accounts.test_confirmation import PASSWORD_OF_RINA, confirm_link
from tests.accounts.test_views import register
from tests.factories import PASSWORD
from tests.orders.factories import in_app, order_for, shop


def guest_order(app, email: str) -> tuple[str, str]:
    """A guest order placed with this e-mail: (number, private link token)."""

    def place():
        _artisan, (product,) = shop(stock=5)
        placed = order_for({product.id: 1}, guest_email=email)
        return placed.order.number, placed.access_token

    return in_app(app, place)


def buyer_of(app, number: str):
    """The account id an order belongs to (None: still a guest order)."""
    return in_app(
        app, lambda: db.session.scalar(sa.select(Order.buyer_id).where(Order.number == number))
    )


def test_a_guest_who_registers_sees_the_order_once_the_email_is_confirmed(client, app, outbox):
    number, _token = guest_order(app, "Rina@Example.com")
    other, _ = guest_order(app, "orang.lain@example.com")
    register(client, email="rina@example.com")
    assert buyer_of(app, number) is None  # registering alone proves nothing
    client.post(confirm_link(outbox), data={"password": PASSWORD_OF_RINA})
    orders = client.get("/account/orders").get_data(as_text=True)
    assert number in orders
    assert other not in orders
    assert client.get(f"/orders/{number}").status_code == 200
    assert buyer_of(app, other) is None


def test_an_unconfirmed_account_does_not_get_guest_orders_at_login(client, app, make, auth):
    number, _token = guest_order(app, "lama@example.com")
    make.user(email="lama@example.com")
    auth.login("lama@example.com", PASSWORD)
    assert number not in client.get("/account/orders").get_data(as_text=True)
    assert client.get(f"/orders/{number}").status_code == 404
    assert buyer_of(app, number) is None


def test_an_account_that_logs_in_and_confirms_gets_its_guest_orders(
    client, app, make, auth, outbox
):
    number, _token = guest_order(app, "lama@example.com")
    make.user(email="lama@example.com")
    auth.login("lama@example.com", PASSWORD)
    client.post("/account/confirm/resend")
    client.post(confirm_link(outbox))
    assert number in client.get("/account/orders").get_data(as_text=True)


def test_a_confirmed_account_gets_later_guest_orders_when_it_logs_in(client, app, outbox, auth):
    register(client, email="rina@example.com")
    client.post(confirm_link(outbox), data={"password": PASSWORD_OF_RINA})
    auth.logout()
    number, _token = guest_order(app, "RINA@example.com")  # bought again without logging in
    auth.login("rina@example.com", PASSWORD_OF_RINA)
    assert number in client.get("/account/orders").get_data(as_text=True)


def test_the_old_guest_link_of_a_claimed_order_asks_to_log_in(client, app, outbox):
    number, token = guest_order(app, "rina@example.com")
    register(client, email="rina@example.com")
    client.post(confirm_link(outbox), data={"password": PASSWORD_OF_RINA})
    client.post("/account/logout")
    response = client.get(f"/orders/{number}?token={token}")
    assert response.status_code == 302
    assert "/account/login?next=" in response.headers["Location"]
    assert client.get(f"/orders/{number}?token=0000{token[4:]}").status_code == 404


def test_confirming_twice_attaches_once_and_changes_nothing_more(client, app, outbox):
    number, _token = guest_order(app, "rina@example.com")
    register(client, email="rina@example.com")
    link = confirm_link(outbox)
    client.post(link, data={"password": PASSWORD_OF_RINA})
    first = buyer_of(app, number)
    again = client.get(link)
    assert again.status_code == 302  # already confirmed: nothing to do
    assert buyer_of(app, number) == first is not None


def test_two_confirmations_at_once_confirm_and_claim_once(app, outbox, client):
    from marketplace.accounts import confirmation
    from tests.orders.test_concurrency import run_at_once

    number, _token = guest_order(app, "rina@example.com")
    register(client, email="rina@example.com")
    token = confirm_link(outbox).rsplit("/", 1)[-1]
    announced = []

    def count(_sender, **values):
        announced.append(values["user_id"])

    def click(_i):
        with app.app_context():
            try:
                return confirmation.confirm_email(token=token, password=PASSWORD_OF_RINA).id
            finally:
                db.session.remove()

    confirmation.email_confirmed.connect(count)
    try:
        results = run_at_once(2, click)
    finally:
        confirmation.email_confirmed.disconnect(count)
    assert all(isinstance(r, int) for r in results), results
    assert len(announced) == 1  # one confirmation, one claim
    assert buyer_of(app, number) == announced[0]
