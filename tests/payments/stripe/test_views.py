"""Paying by card as a buyer sees it, and BNN staff's payment page with Stripe refunds."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from marketplace import create_app
from marketplace.audit.models import AuditEntry
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.payments import stripe_views
from marketplace.payments.models import Payment
from tests.factories import PASSWORD
from tests.orders.factories import address_form, assert_stock_invariant, in_app, shop_ids
from tests.payments.stripe.fake import charge_for, make_event
from tests.payments.stripe.helpers import paid_event, place_card_order, snapshot


def hidden(html: str, name: str) -> str:
    """The value of a hidden input."""
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html).group(1)


def fill_cart(client, app):
    """A guest cart: two of a Bandung batik and one Gianyar basket."""
    _a, (batik,) = shop_ids(app, stock=5, price=150_000)
    _b, (anyaman,) = shop_ids(app, regency="51.04", stock=5, price=80_000)
    client.post("/cart/add", data={"product_id": batik, "quantity": "2"})
    client.post("/cart/add", data={"product_id": anyaman, "quantity": "1"})


def checkout_by_card(client, app):
    """Fill the cart and place the order, choosing the card."""
    fill_cart(client, app)
    page = client.get("/checkout").get_data(as_text=True)
    data = address_form(
        email="tamu@example.com",
        payment_method="stripe",
        idempotency_key=hidden(page, "idempotency_key"),
    )
    return client.post("/checkout", data=data)


def order_link(app) -> str:
    """The private link of the only order (a guest's)."""
    from marketplace.orders.tokens import access_token_for

    def run():
        order = db.session.scalar(sa.select(Order))
        return f"/orders/{order.number}?token={access_token_for(order.idempotency_key)}"

    return in_app(app, run)


def test_without_a_secret_key_checkout_offers_no_card(client, app):
    fill_cart(client, app)
    assert 'value="stripe"' in client.get("/checkout").get_data(as_text=True)
    app.config["STRIPE_SECRET_KEY"] = ""
    page = client.get("/checkout").get_data(as_text=True)
    assert 'value="stripe"' not in page and 'value="manual_transfer"' in page


def test_a_fresh_app_without_stripe_settings_keeps_the_csp_to_itself(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    stripe_views.init_app(app)
    assert "checkout.stripe.com" not in " ".join(app.config.get("CSP_FORM_ACTION_EXTRA", []))
    app.config["STRIPE_SECRET_KEY"] = "sk_test_x"
    stripe_views.init_app(app)
    assert app.config["CSP_FORM_ACTION_EXTRA"] == ["https://checkout.stripe.com"]


def test_paying_by_card_sends_the_buyer_to_stripe_and_the_csp_allows_it(client, app, fake):
    response = checkout_by_card(client, app)
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"{fake.base_url}/pay/cs_test_")
    csp = response.headers["Content-Security-Policy"]
    assert "form-action 'self' https://checkout.stripe.com" in csp


def test_when_stripe_is_down_the_order_page_offers_retry_and_bank_transfer(client, app, fake):
    fake.down = True
    response = checkout_by_card(client, app)
    assert response.status_code == 303 and "/orders/BNN-" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "tidak dapat dihubungi" in page
    assert "Coba lagi pembayaran kartu" in page and "Bayar dengan transfer bank saja" in page
    assert "Menunggu pembayaran" in page

    def stock():
        from marketplace.catalog.models import Product

        return list(db.session.scalars(sa.select(Product.stock).order_by(Product.id)))

    assert in_app(app, stock) == [3, 4]  # the order keeps its units


def test_retrying_the_card_after_stripe_is_back_goes_to_stripe(client, app, fake):
    fake.down = True
    checkout_by_card(client, app)
    link = order_link(app)
    number, token = link.split("/")[2].split("?")[0], link.split("token=")[1]
    response = client.post(f"/payments/stripe/orders/{number}/pay", data={"token": token})
    assert response.status_code == 303 and response.headers["Location"].startswith(link)
    fake.down = False
    response = client.post(f"/payments/stripe/orders/{number}/pay", data={"token": token})
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"{fake.base_url}/pay/")
    page = client.get(link).get_data(as_text=True)
    assert "Lanjutkan pembayaran kartu" in page


def test_switching_to_bank_transfer_shows_the_transfer_instructions(client, app, fake):
    checkout_by_card(client, app)
    link = order_link(app)
    number, token = link.split("/")[2].split("?")[0], link.split("token=")[1]
    response = client.post(f"/payments/stripe/orders/{number}/bank-transfer", data={"token": token})
    assert response.status_code == 303
    page = client.get(link).get_data(as_text=True)
    assert "Nomor rekening" in page and "Rp438.000" in page

    def state():
        order = db.session.scalar(sa.select(Order))
        payments = db.session.execute(
            sa.select(Payment.provider, Payment.status).order_by(Payment.id)
        ).all()
        return order.payment_method, order.status, payments

    method, status, payments = in_app(app, state)
    assert (method, status) == ("manual_transfer", "pending_payment")
    assert payments == [("stripe", "expired"), ("manual_transfer", "pending")]
    (session,) = fake.sessions.values()
    assert session["status"] == "expired"  # closed at Stripe: it can no longer be paid


def test_someone_elses_order_cannot_be_retried_or_switched(client, app, fake):
    order = place_card_order(app)
    for path in ("pay", "bank-transfer"):
        response = client.post(f"/payments/stripe/orders/{order.number}/{path}")
        assert response.status_code == 404
    assert snapshot(app, order.id).payments == [("stripe", "pending", False)]


def test_the_return_page_shows_the_state_and_never_marks_paid(client, app, fake, webhook):
    response = checkout_by_card(client, app)
    back = fake_hosted_redirect(fake, response.headers["Location"])
    page = client.get(back)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "/static/js/stripe-return." in html
    assert "menunggu konfirmasi pembayaran" in html
    order_id = in_app(app, lambda: db.session.scalar(sa.select(Order.id)))
    assert snapshot(app, order_id).status == "pending_payment"
    (session_id,) = fake.sessions
    webhook.post(paid_event(fake, session_id))
    html = client.get(back).get_data(as_text=True)
    assert "Pembayaran diterima" in html and "/static/js/stripe-return." not in html


def fake_hosted_redirect(fake, url: str) -> str:
    """Visit the fake's hosted page like a browser: returns where it sends the buyer back."""
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(url)
    except urllib.error.HTTPError as answer:
        location = answer.headers["Location"]
    parts = urlsplit(location)
    assert parse_qs(parts.query)["order"]
    return f"{parts.path}?{parts.query}"


def test_the_return_page_of_someone_elses_order_is_not_found(client, app, fake):
    order = place_card_order(app)
    assert client.get(f"/payments/stripe/return?order={order.number}").status_code == 404
    assert client.get("/payments/stripe/return?order=BNN-000000-XXXXXX").status_code == 404


def test_leaving_stripes_page_returns_to_the_order_which_still_holds(client, app, fake):
    order = place_card_order(app)
    response = client.get(
        f"/payments/stripe/cancel?order={order.number}&token={order.token}", follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "Pembayaran kartu belum dilakukan" in html and "Lanjutkan pembayaran kartu" in html


def login_staff(client, make, scope):
    """Log in a staff member of that scope."""
    staff = make.user(role="staff", scope=scope)
    client.post("/account/login", data={"email": staff.email, "password": PASSWORD})
    return staff


def test_staff_in_scope_see_the_events_and_refund_through_stripe(client, app, fake, make, webhook):
    order = place_card_order(app)
    webhook.post(paid_event(fake, order.session_id))
    login_staff(client, make, "32")  # the batik comes from Kota Bandung, Jawa Barat
    page = client.get(f"/dashboard/payments/orders/{order.number}").get_data(as_text=True)
    assert "checkout.session.completed" in page and "Kembalikan dana lewat Stripe" in page
    payment_id = in_app(app, lambda: db.session.scalar(sa.select(Payment.id)))
    url = f"/dashboard/payments/orders/{order.number}/payments/{payment_id}/refund"
    assert client.post(url, data={"reason": " "}).status_code == 303
    assert fake.calls("POST", "/v1/refunds") == []  # no reason, no refund
    response = client.post(url, data={"reason": "Barang rusak"}, follow_redirects=True)
    assert "Dana sudah dikembalikan lewat Stripe" in response.get_data(as_text=True)
    client.post(url, data={"reason": "Klik dua kali"})
    (refund,) = fake.calls("POST", "/v1/refunds")
    assert refund.idempotency_key == f"refund-{order.session_id}"
    state = snapshot(app, order.id)
    assert state.status == "refunded" and state.reversals == 2
    # Stripe reports the refund afterwards: recorded, not counted twice.
    charge = charge_for(fake.sessions[order.session_id])
    assert webhook.post(make_event("charge.refunded", charge)).json["outcome"] == (
        "already_refunded"
    )
    assert snapshot(app, order.id).reversals == 2
    audit = in_app(app, lambda: db.session.scalar(sa.select(AuditEntry.action)))
    assert audit == "stripe_refund"
    in_app(app, assert_stock_invariant, order.received)


@pytest.mark.parametrize("scope", ["31", "32.04"])
def test_staff_outside_the_scope_get_not_found(client, app, fake, make, webhook, scope):
    order = place_card_order(app)
    webhook.post(paid_event(fake, order.session_id))
    login_staff(client, make, scope)
    assert client.get(f"/dashboard/payments/orders/{order.number}").status_code == 404
    payment_id = in_app(app, lambda: db.session.scalar(sa.select(Payment.id)))
    url = f"/dashboard/payments/orders/{order.number}/payments/{payment_id}/refund"
    assert client.post(url, data={"reason": "x"}).status_code == 404
    assert fake.calls("POST", "/v1/refunds") == []


def test_a_refund_while_stripe_is_down_changes_nothing(client, app, fake, make, webhook):
    order = place_card_order(app)
    webhook.post(paid_event(fake, order.session_id))
    login_staff(client, make, "national")
    payment_id = in_app(app, lambda: db.session.scalar(sa.select(Payment.id)))
    fake.down = True
    response = client.post(
        f"/dashboard/payments/orders/{order.number}/payments/{payment_id}/refund",
        data={"reason": "Barang rusak"},
        follow_redirects=True,
    )
    assert "Stripe tidak dapat dihubungi" in response.get_data(as_text=True)
    assert snapshot(app, order.id).status == "paid"


def test_flagged_payments_are_listed_for_staff(client, app, fake, make, webhook):
    order = place_card_order(app)
    webhook.post(paid_event(fake, order.session_id, amount_total=100))
    login_staff(client, make, "51")  # the basket comes from Gianyar, Bali
    page = client.get("/dashboard/payments/flagged").get_data(as_text=True)
    assert order.number in page and "amount_total" in page
    assert client.get("/dashboard/payments/flagged").status_code == 200


def test_buyers_cannot_open_the_staff_payment_page(client, app, fake, make):
    order = place_card_order(app)
    buyer = make.user()
    client.post("/account/login", data={"email": buyer.email, "password": PASSWORD})
    assert client.get(f"/dashboard/payments/orders/{order.number}").status_code == 404


def test_the_status_answer_follows_the_order_for_its_buyer_only(client, app, fake, webhook):
    order = place_card_order(app)
    url = f"/payments/stripe/status?order={order.number}&token={order.token}"
    assert client.get(url).json == {"status": "pending_payment"}
    webhook.post(paid_event(fake, order.session_id))
    assert client.get(url).json == {"status": "paid"}
    assert client.get(f"/payments/stripe/status?order={order.number}").status_code == 404


def test_staff_refund_a_flagged_payment_without_touching_the_order(
    client, app, fake, make, webhook
):
    order = place_card_order(app)
    webhook.post(paid_event(fake, order.session_id, amount_total=100))
    login_staff(client, make, "national")
    payment_id = in_app(app, lambda: db.session.scalar(sa.select(Payment.id)))
    client.post(
        f"/dashboard/payments/orders/{order.number}/payments/{payment_id}/refund",
        data={"reason": "Jumlah tidak cocok"},
    )
    assert len(fake.calls("POST", "/v1/refunds")) == 1
    state = snapshot(app, order.id)
    assert state.status == "pending_payment" and state.reversals == 0
    assert state.payments == [("stripe", "refunded", True)]
