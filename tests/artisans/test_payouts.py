"""Staff record payouts against an artisan's balance, and never beyond it."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.audit.models import AuditEntry
from marketplace.db import atomic
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.payments import ledger, payouts
from marketplace.payments.models import LedgerEntry, Payout
from tests.artisans.factories import make_sale_credit
from tests.factories import make_artisan, make_user

YESTERDAY = date.today() - timedelta(days=1)


def payout_count() -> int:
    """Payouts recorded."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Payout))


@pytest.fixture
def artisan(ctx):
    """A verified artisan of Kota Bandung with Rp100.000 earned."""
    artisan = make_artisan(regency="32.73", email="sari@example.com", shop_name="Batik Sari")
    make_sale_credit(artisan_id=artisan.id, amount_idr=100_000)
    return artisan


def test_a_payout_lowers_the_balance_and_is_audited_and_announced(ctx, artisan, outbox):
    staff = make_user(role="staff", scope="32.73")
    payout = payouts.record_payout(
        staff=staff,
        artisan_id=artisan.id,
        amount_idr=60_000,
        paid_on=YESTERDAY,
        bank_reference=" TRF-BRI-0001 ",
    )
    assert ledger.balance(artisan.id) == 40_000
    assert (payout.amount_idr, payout.bank_reference, payout.recorded_by_id) == (
        60_000,
        "TRF-BRI-0001",
        staff.id,
    )
    entry = db.session.scalar(sa.select(LedgerEntry).where(LedgerEntry.kind == "payout"))
    assert (entry.amount_idr, entry.payout_id) == (-60_000, payout.id)
    audit = db.session.scalar(sa.select(AuditEntry))
    assert (audit.action, audit.subject_id, audit.regency_code) == (
        "payout.record",
        artisan.id,
        "32.73",
    )
    assert "Rp60.000" in audit.reason and "TRF-BRI-0001" in audit.reason
    assert outbox[-1]["to"] == "sari@example.com" and "Rp60.000" in outbox[-1]["subject"]


def test_the_whole_balance_can_be_paid_out_but_not_a_rupiah_more(ctx, artisan):
    staff = make_user(role="staff", scope="32")
    with pytest.raises(Conflict, match=r"Rp100\.000"):
        payouts.record_payout(
            staff=staff,
            artisan_id=artisan.id,
            amount_idr=100_001,
            paid_on=YESTERDAY,
            bank_reference="X1",
        )
    assert payout_count() == 0
    payouts.record_payout(
        staff=staff,
        artisan_id=artisan.id,
        amount_idr=100_000,
        paid_on=YESTERDAY,
        bank_reference="X2",
    )
    assert ledger.balance(artisan.id) == 0


@pytest.mark.parametrize(
    ("amount", "paid_on", "reference", "field"),
    [
        (0, YESTERDAY, "REF", "amount"),
        (-5, YESTERDAY, "REF", "amount"),
        (1000, date.today() + timedelta(days=3), "REF", "paid_on"),
        (1000, YESTERDAY, "  ", "bank_reference"),
        (1000, YESTERDAY, "R" * 81, "bank_reference"),
    ],
)
def test_a_bad_payout_is_refused_and_nothing_is_written(
    ctx, artisan, amount, paid_on, reference, field
):
    with pytest.raises(ValidationError) as refused:
        payouts.record_payout(
            staff=make_user(role="staff"),
            artisan_id=artisan.id,
            amount_idr=amount,
            paid_on=paid_on,
            bank_reference=reference,
        )
    assert refused.value.details["field"] == field
    assert payout_count() == 0 and ledger.balance(artisan.id) == 100_000


@pytest.mark.parametrize("scope", ["33", "32.04"])
def test_staff_outside_the_scope_cannot_pay_out(ctx, artisan, scope):
    with pytest.raises(NotFound):
        payouts.record_payout(
            staff=make_user(role="staff", scope=scope),
            artisan_id=artisan.id,
            amount_idr=1_000,
            paid_on=YESTERDAY,
            bank_reference="REF",
        )
    assert payout_count() == 0


def test_two_staff_recording_at_once_cannot_pay_out_more_than_the_balance(app):
    with app.app_context():
        artisan_id = make_artisan(regency="32.73").id
        make_sale_credit(artisan_id=artisan_id, amount_idr=100_000)
        staff_ids = [make_user(role="staff", scope="32").id for _ in range(2)]
        db.session.remove()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def record(staff_id: int, reference: str):
        with app.app_context():
            staff = db.session.get(User, staff_id)
            barrier.wait()
            try:
                payouts.record_payout(
                    staff=staff,
                    artisan_id=artisan_id,
                    amount_idr=60_000,
                    paid_on=YESTERDAY,
                    bank_reference=reference,
                )
                outcomes.append("paid")
            except Conflict:
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=record, args=(staff_id, f"REF-{n}"))
        for n, staff_id in enumerate(staff_ids)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["paid", "refused"]
    with app.app_context():
        assert ledger.balance(artisan_id) == 40_000 and payout_count() == 1


def test_money_still_pending_cannot_be_paid_out_even_when_the_total_is_larger(ctx, artisan):
    make_sale_credit(artisan_id=artisan.id, amount_idr=500_000, delivered_days_ago=3)
    make_sale_credit(artisan_id=artisan.id, amount_idr=50_000, delivered_days_ago=None)
    assert ledger.balance(artisan.id) == 650_000
    with pytest.raises(Conflict) as refused:
        payouts.record_payout(
            staff=make_user(role="staff"),
            artisan_id=artisan.id,
            amount_idr=100_001,
            paid_on=YESTERDAY,
            bank_reference="REF",
        )
    message = refused.value.message
    assert "(Rp100.000)" in message and "Rp550.000" in message and "7 hari" in message
    assert payout_count() == 0


def test_no_payout_while_the_artisan_owes(ctx, artisan):
    staff = make_user(role="staff")
    order = make_sale_credit(artisan_id=artisan.id, amount_idr=200_000)
    payouts.record_payout(
        staff=staff, artisan_id=artisan.id, amount_idr=300_000, paid_on=YESTERDAY,
        bank_reference="REF-1",
    )  # fmt: skip
    with atomic():
        ledger.record_reversal(order.id, note="refund after payout")
    assert ledger.balance_of(artisan.id).debt_idr == 200_000
    with pytest.raises(Conflict, match=r"berutang Rp200\.000"):
        payouts.record_payout(
            staff=staff, artisan_id=artisan.id, amount_idr=1, paid_on=YESTERDAY,
            bank_reference="REF-2",
        )  # fmt: skip
    assert payout_count() == 1


def test_the_lists_of_artisans_to_pay_and_who_owe_stay_in_scope(ctx, artisan):
    held = make_artisan(regency="32.73", shop_name="Anyaman Tertahan")
    make_sale_credit(artisan_id=held.id, amount_idr=80_000, delivered_days_ago=2)
    bali = make_artisan(regency="51.04", shop_name="Ukir Bali")
    make_sale_credit(artisan_id=bali.id, amount_idr=70_000)
    owing = make_artisan(regency="32.04", shop_name="Tenun Utang")
    order = make_sale_credit(artisan_id=owing.id, amount_idr=40_000)
    payouts.record_payout(
        staff=make_user(role="staff"), artisan_id=owing.id, amount_idr=40_000,
        paid_on=YESTERDAY, bank_reference="REF",
    )  # fmt: skip
    with atomic():
        ledger.record_reversal(order.id)

    def listed(scope, which=payouts.PAYABLE):
        rows = payouts.artisans_by_balance(scope=scope, which=which)
        return [(a.shop_name, b.pending_idr, b.available_idr, b.debt_idr) for a, b in rows]

    assert listed("national") == [("Batik Sari", 0, 100_000, 0), ("Ukir Bali", 0, 70_000, 0)]
    assert listed("32") == [("Batik Sari", 0, 100_000, 0)]
    assert listed("51.04") == [("Ukir Bali", 0, 70_000, 0)]
    assert listed("national", payouts.OWING) == [("Tenun Utang", 0, 0, 40_000)]
    assert listed("32", payouts.OWING) == [("Tenun Utang", 0, 0, 40_000)]
    assert listed("32.73", payouts.OWING) == []
