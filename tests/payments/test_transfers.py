"""Staff confirm or reject bank transfers of orders with an artisan in their scope."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.audit.models import AuditEntry
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.payments import services
from marketplace.payments.models import Payment
from tests.factories import PASSWORD, make_user
from tests.orders.factories import (
    assert_stock_invariant,
    in_app,
    order_for,
    shop,
    stock_received,
)


def bandung_and_bali_orders():
    """One order from a Bandung (32.73) artisan, one from a Gianyar, Bali (51.04) artisan."""
    _a1, (batik,) = shop(regency="32.73")
    _a2, (anyaman,) = shop(regency="51.04")
    return order_for({batik.id: 1}).order, order_for({anyaman.id: 1}).order


def payment_of(order_id):
    """The payment of an order."""
    return db.session.scalar(sa.select(Payment).where(Payment.order_id == order_id))


@pytest.mark.parametrize(
    ("scope", "sees"),
    [
        ("national", {"bandung", "bali"}),
        ("32", {"bandung"}),
        ("32.73", {"bandung"}),
        ("32.04", set()),
        ("51", {"bali"}),
    ],
)
def test_staff_see_pending_transfers_of_their_scope_only(ctx, scope, sees):
    bandung, bali = bandung_and_bali_orders()
    staff = make_user(role="staff", scope=scope)
    names = {bandung.id: "bandung", bali.id: "bali"}
    assert {names[row.order.id] for row in services.pending_transfers(staff=staff)} == sees


def test_confirming_marks_paid_once_and_is_audited(ctx, outbox):
    bandung, _bali = bandung_and_bali_orders()
    staff = make_user(role="staff", scope="32")
    payment = payment_of(bandung.id)
    order = services.confirm_transfer(staff=staff, payment_id=payment.id, note="Mutasi 12:03")
    assert order.status == "paid"
    db.session.expire_all()
    assert payment_of(bandung.id).status == "succeeded"
    assert payment_of(bandung.id).decided_by_id == staff.id
    entry = db.session.scalar(sa.select(AuditEntry))
    assert (entry.action, entry.regency_code, entry.actor_id) == (
        "transfer_confirmed",
        "32.73",
        staff.id,
    )
    with pytest.raises(Conflict):
        services.confirm_transfer(staff=staff, payment_id=payment.id)
    assert services.pending_transfers(staff=staff) == []


def test_staff_outside_the_scope_cannot_confirm_or_reject(ctx):
    bandung, _bali = bandung_and_bali_orders()
    payment = payment_of(bandung.id)
    for who in (make_user(role="staff", scope="51"), make_user(role="buyer")):
        with pytest.raises(NotFound):
            services.confirm_transfer(staff=who, payment_id=payment.id)
        with pytest.raises(NotFound):
            services.reject_transfer(staff=who, payment_id=payment.id, reason="x")
    assert db.session.get(Order, bandung.id).status == "pending_payment"


def test_rejecting_cancels_the_order_returns_the_stock_and_needs_a_reason(ctx, outbox):
    bandung, _bali = bandung_and_bali_orders()
    received = stock_received()
    staff = make_user(role="staff", scope="32.73")
    payment = payment_of(bandung.id)
    with pytest.raises(ValidationError):
        services.reject_transfer(staff=staff, payment_id=payment.id, reason="  ")
    order = services.reject_transfer(staff=staff, payment_id=payment.id, reason="Dana tidak masuk")
    assert order.status == "cancelled"
    assert payment_of(bandung.id).status == "rejected"
    # The buyer is told the order is cancelled; the reason is staff's note, kept for staff.
    assert f"Pesanan {order.number} dibatalkan." in outbox[-1]["body"]
    assert "Dana tidak masuk" not in outbox[-1]["body"]
    assert db.session.scalar(sa.select(AuditEntry.action)) == "transfer_rejected"
    assert db.session.scalar(sa.select(AuditEntry.reason)) == "Dana tidak masuk"
    assert_stock_invariant(received)
    with pytest.raises(Conflict):
        services.confirm_transfer(staff=staff, payment_id=payment.id)


def test_the_transfers_page_confirms_through_the_browser(client, app, make, auth):
    bandung_id, _bali = in_app(app, lambda: [o.id for o in bandung_and_bali_orders()])
    make.user(role="staff", email="jabar@example.com", scope="32")
    auth.login("jabar@example.com", PASSWORD)
    page = client.get("/dashboard/payments/transfers").get_data(as_text=True)
    number = in_app(app, lambda: db.session.get(Order, bandung_id).number)
    payment_id = in_app(app, lambda: payment_of(bandung_id).id)
    assert number in page and page.count('class="transfer"') == 1
    response = client.post(f"/dashboard/payments/transfers/{payment_id}/confirm")
    assert response.status_code == 303
    assert "dikonfirmasi" in client.get("/dashboard/payments/transfers").get_data(as_text=True)
    assert in_app(app, lambda: db.session.get(Order, bandung_id).status) == "paid"
    assert client.post(f"/dashboard/payments/transfers/{payment_id}/confirm").status_code == 409


def test_the_transfers_page_is_for_staff_only(client, make, auth):
    make.user(email="rina@example.com")
    assert client.get("/dashboard/payments/transfers").status_code == 302
    auth.login("rina@example.com", PASSWORD)
    assert client.get("/dashboard/payments/transfers").status_code == 404
    assert client.post("/dashboard/payments/transfers/1/confirm").status_code == 404


def test_rejecting_through_the_page_without_a_reason_says_so(client, app, make, auth):
    bandung_id, _bali = in_app(app, lambda: [o.id for o in bandung_and_bali_orders()])
    payment_id = in_app(app, lambda: payment_of(bandung_id).id)
    make.user(role="staff", email="admin@example.com")
    auth.login("admin@example.com", PASSWORD)
    client.post(f"/dashboard/payments/transfers/{payment_id}/reject", data={"reason": ""})
    assert "Tulis alasan" in client.get("/dashboard/payments/transfers").get_data(as_text=True)
    client.post(f"/dashboard/payments/transfers/{payment_id}/reject", data={"reason": "Tidak ada"})
    assert in_app(app, lambda: db.session.get(Order, bandung_id).status) == "cancelled"
