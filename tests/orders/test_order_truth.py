"""The order page tells the truth: shipment states follow payment, times carry their zone,
and staff's notes on a payment stay with staff."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import render_template_string

from marketplace import create_app
from marketplace.db import atomic
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.orders.services import cancel_order, mark_paid
from marketplace.payments import services as payments
from tests.factories import make_user
from tests.orders.factories import in_app, order_for, shop
from tests.payments.test_transfers import payment_of

PAY_BY = datetime(2036, 12, 1, 7, 5, 9, tzinfo=UTC)  # 14.05.09 in Jakarta


def place(app, email="tamu@example.com"):
    """A guest's unpaid order with one shipment, payable until PAY_BY: (id, page URL)."""

    def run():
        _artisan, (product,) = shop(stock=5)
        placed = order_for({product.id: 1}, guest_email=email)
        with atomic():
            db.session.get(Order, placed.order.id).expires_at = PAY_BY
        return placed.order.id, f"/orders/{placed.order.number}?token={placed.access_token}"

    return in_app(app, run)


def shipment_states(page: str) -> list[str]:
    """What each shipment on the order page says about its state."""
    return re.findall(r'<strong class="shipment-status">([^<]*)</strong>', page)


@pytest.mark.parametrize(
    ("change", "state"),
    [
        (None, "Menunggu pembayaran"),
        (lambda order_id: cancel_order(order_id), "Dibatalkan"),
        (lambda order_id: mark_paid(order_id), "Sedang dikemas"),
    ],
    ids=["unpaid", "cancelled", "paid"],
)
def test_a_shipment_is_packed_only_once_its_order_is_paid(client, app, change, state):
    order_id, url = place(app)
    if change:
        in_app(app, change, order_id)
    page = client.get(url).get_data(as_text=True)
    assert shipment_states(page) == [state]


def test_the_seller_centre_never_says_to_ship_an_unpaid_or_cancelled_order(app):
    macro = '{% from "seller/_macros.html" import shipment_status %}{{ shipment_status(s, o) }}'
    with app.test_request_context("/"):
        said = {
            order: render_template_string(macro, s="processing", o=order)
            for order in ("pending_payment", "expired", "cancelled", "paid")
        }
    assert said == {
        "pending_payment": "Menunggu pembayaran",
        "expired": "Dibatalkan",
        "cancelled": "Dibatalkan",
        "paid": "Perlu dikirim",
    }


def test_times_on_the_order_page_carry_the_zone_and_no_seconds(client, app):
    _order_id, url = place(app)
    page = client.get(url).get_data(as_text=True)
    assert "Bayar sebelum 1 Des 2036 14.05 WIB." in page
    assert not re.search(r"\d{2}\.\d{2}\.\d{2}", page)  # no seconds anywhere (14.05.09)
    history = re.findall(r"<time [^>]*>([^<]*)</time>", page)
    assert history and all(
        re.fullmatch(r"\d{1,2} \w{3} \d{4} \d{2}\.\d{2} WIB", t) for t in history
    )
    english = client.get(url + "&lang=en").get_data(as_text=True)
    assert "Dec 1, 2036, 2:05 PM WIB" in english


def test_the_order_mail_gives_its_deadline_with_the_zone(app, outbox):
    place(app)
    placed = outbox[0]["body"]
    assert re.search(r"Bayar sebelum \d{1,2} \w{3} \d{4} \d{2}\.\d{2} WIB\.", placed), placed


@pytest.mark.parametrize(
    ("zone", "indonesian", "english"),
    [
        ("Asia/Jakarta", "1 Des 2026 14.05 WIB", "Dec 1, 2026, 2:05 PM WIB"),
        ("Asia/Makassar", "1 Des 2026 15.05 WITA", "Dec 1, 2026, 3:05 PM WITA"),
        ("Asia/Jayapura", "1 Des 2026 16.05 WIT", "Dec 1, 2026, 4:05 PM WIT"),
        (
            "Europe/Amsterdam",
            "1 Des 2026 08.05 Europe/Amsterdam",
            "Dec 1, 2026, 8:05 AM Europe/Amsterdam",
        ),
    ],
)
def test_each_zone_is_named_the_way_people_say_it(zone, indonesian, english):
    app = create_app("testing", {"BABEL_DEFAULT_TIMEZONE": zone})
    when = datetime(2026, 12, 1, 7, 5, 9, tzinfo=UTC)
    for query, expected in (("/", indonesian), ("/?lang=en", english)):
        with app.test_request_context(query):
            for style in ("short", "medium"):
                shown = render_template_string("{{ t|datetimeformat(s) }}", t=when, s=style)
                assert shown == expected


def test_staff_notes_on_a_payment_are_not_shown_to_the_buyer(client, app, outbox):
    def run_confirm(order_id):
        staff = make_user(role="staff")
        payments.confirm_transfer(
            staff=staff, payment_id=payment_of(order_id).id, note="Mutasi BCA dicek Pak Andi"
        )

    def run_reject(order_id):
        staff = make_user(role="staff")
        payments.reject_transfer(
            staff=staff, payment_id=payment_of(order_id).id, reason="Nama pengirim beda, curiga"
        )

    paid_id, paid_url = place(app)
    in_app(app, run_confirm, paid_id)
    rejected_id, rejected_url = place(app)
    in_app(app, run_reject, rejected_id)
    paid_page = client.get(paid_url).get_data(as_text=True)
    rejected_page = client.get(rejected_url).get_data(as_text=True)
    assert "Dibayar" in paid_page and "Mutasi BCA" not in paid_page
    assert "Dibatalkan" in rejected_page and "Nama pengirim beda" not in rejected_page
    buyer_mail = " ".join(m["body"] for m in outbox if m["to"] == "tamu@example.com")
    assert "dibatalkan" in buyer_mail
    assert "Mutasi BCA" not in buyer_mail and "Nama pengirim beda" not in buyer_mail
