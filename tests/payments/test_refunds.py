"""Staff record the transfer that pays a buyer's refund back: exactly once, in their scope only,
with the amount owed and a real date; the buyer is mailed and the decision audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.audit.models import AuditEntry
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.money import format_idr
from marketplace.orders import cancellations
from marketplace.orders.models import Shipment
from marketplace.payments import refunds
from marketplace.payments.models import Refund
from marketplace.payments.payouts import today_local
from tests.factories import make_user
from tests.orders.factories import in_app, make_paid_order, shop
from tests.orders.test_concurrency import run_at_once


def owed_refund() -> Refund:
    """A Kota Bandung artisan cancelled their parcel of a paid order: a refund is owed."""
    artisan, (batik,) = shop(regency="32.73", stock=5, price=150_000)
    order = make_paid_order({batik.id: 2})
    shipment = db.session.scalar(sa.select(Shipment).where(Shipment.order_id == order.id))
    done = cancellations.cancel_by_artisan(
        artisan_id=artisan.id, shipment_id=shipment.id, reason="Stok habis", user_id=artisan.user_id
    )
    return done.refund


def test_staff_record_the_refund_transfer_once_and_the_buyer_is_told(ctx, outbox):
    refund = owed_refund()
    staff = make_user(role="staff", scope="32")
    outbox.clear()
    paid = refunds.record_refund_paid(
        staff=staff,
        refund_id=refund.id,
        amount_idr=refund.amount_idr,
        paid_on=today_local(),
        bank_reference="  BRI  0042 ",
    )
    assert (paid.status, paid.bank_reference, paid.recorded_by_id) == ("paid", "BRI 0042", staff.id)
    assert paid.paid_on == today_local()
    (mail,) = outbox
    assert mail["to"] == "tamu@example.com"
    assert format_idr(refund.amount_idr) in mail["body"] and "BRI 0042" in mail["body"]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "refund_paid"))
    assert (entry.actor_id, entry.regency_code, entry.subject_id) == (
        staff.id,
        "32.73",
        refund.order_id,
    )
    with pytest.raises(Conflict):
        refunds.record_refund_paid(
            staff=staff,
            refund_id=refund.id,
            amount_idr=refund.amount_idr,
            paid_on=today_local(),
            bank_reference="LAGI",
        )
    assert db.session.get(Refund, refund.id, populate_existing=True).bank_reference == "BRI 0042"
    assert len(outbox) == 1


def _yesterday(_refund):
    return today_local() - timedelta(days=1)


def _tomorrow(_refund):
    return today_local() + timedelta(days=1)


@pytest.mark.parametrize(
    ("key", "bad"),
    [
        ("amount_idr", lambda refund: -1),
        ("amount_idr", lambda refund: refund.amount_idr + 0.5),  # not whole Rupiah
        ("amount_idr", lambda refund: refund.amount_idr + 1000),  # more than owed
        ("amount_idr", lambda refund: refund.amount_idr - 1000),  # less than owed
        ("paid_on", _tomorrow),  # in the future
        ("paid_on", _yesterday),  # before the parcel was cancelled
        ("bank_reference", lambda refund: "   "),
        ("bank_reference", lambda refund: "x" * 81),
    ],
)
def test_a_wrong_amount_or_date_or_reference_is_refused_and_nothing_changes(ctx, outbox, key, bad):
    refund = owed_refund()
    outbox.clear()
    values = {
        "amount_idr": refund.amount_idr,
        "paid_on": today_local(),
        "bank_reference": "BRI 0042",
    }
    values[key] = bad(refund)
    with pytest.raises(ValidationError) as refused:
        refunds.record_refund_paid(staff=make_user(role="staff"), refund_id=refund.id, **values)
    assert refused.value.details["field"] == key.removesuffix("_idr")
    stored = db.session.get(Refund, refund.id, populate_existing=True)
    assert (stored.status, stored.paid_on, stored.bank_reference) == ("owed", None, "")
    assert outbox == []
    assert (
        db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "refund_paid")) is None
    )


def test_staff_outside_the_scope_neither_see_nor_record_the_refund(ctx):
    refund = owed_refund()
    bali = make_user(role="staff", scope="51")
    other_regency = make_user(role="staff", scope="32.04")
    for staff in (bali, other_regency):
        assert refunds.refunds_for_staff(staff=staff) == []
        with pytest.raises(NotFound):
            refunds.record_refund_paid(
                staff=staff,
                refund_id=refund.id,
                amount_idr=refund.amount_idr,
                paid_on=today_local(),
                bank_reference="BRI 0042",
            )
    buyer = make_user()
    with pytest.raises(NotFound):
        refunds.refund_in_scope(staff=buyer, refund_id=refund.id)
    assert [
        row.refund.id
        for row in refunds.refunds_for_staff(staff=make_user(role="staff", scope="32"))
    ] == [refund.id]
    assert db.session.get(Refund, refund.id, populate_existing=True).status == "owed"


def test_two_staff_recording_at_once_record_it_once(app, outbox):
    refund_id, amount = in_app(app, lambda: (lambda r: (r.id, r.amount_idr))(owed_refund()))
    staff_ids = [in_app(app, lambda: make_user(role="staff").id) for _ in range(4)]
    today = in_app(app, today_local)
    outbox.clear()

    def record(i):
        with app.app_context():
            try:
                from marketplace.accounts.models import User

                staff = db.session.get(User, staff_ids[i])
                refunds.record_refund_paid(
                    staff=staff,
                    refund_id=refund_id,
                    amount_idr=amount,
                    paid_on=today,
                    bank_reference=f"TRF-{i}",
                )
                return "recorded"
            finally:
                db.session.remove()

    results = run_at_once(4, record)
    assert results.count("recorded") == 1, results
    assert all(isinstance(r, Conflict) for r in results if r != "recorded"), results
    assert len(outbox) == 1

    def check():
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "refund_paid")
            )
            == 1
        )
        assert db.session.get(Refund, refund_id).status == "paid"

    in_app(app, check)
