"""Staff record the money BNN paid out to an artisan, never more than the artisan has earned."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from marketplace.accounts.models import User
from marketplace.accounts.scope import scope_filter
from marketplace.artisans.models import Artisan
from marketplace.artisans.services import artisan_in_scope
from marketplace.audit import services as audit
from marketplace.db import atomic
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import db
from marketplace.mail.services import queue_mail
from marketplace.money import format_idr
from marketplace.payments import ledger
from marketplace.payments.models import LedgerEntry, Payout


def today_local() -> date:
    """Today's date where the reports are cut (Asia/Jakarta by default)."""
    return datetime.now(ZoneInfo(current_app.config["REPORT_TIMEZONE"])).date()


def _refusal(balance: ledger.Balance) -> str:
    """Why a payout above the available balance is refused, with the amounts."""
    if balance.debt_idr:
        return _(
            "Perajin masih berutang %(debt)s (pengembalian dana setelah pembayaran). "
            "Penjualan berikutnya melunasi utang ini dulu; belum ada yang bisa dibayarkan.",
            debt=format_idr(balance.debt_idr),
        )
    return _(
        "Jumlah melebihi saldo yang bisa dibayarkan (%(available)s). %(pending)s lainnya masih "
        "tertahan sampai paket diterima dan masa tunggu %(days)d hari lewat.",
        available=format_idr(balance.available_idr),
        pending=format_idr(balance.pending_idr),
        days=current_app.config.get("PAYOUT_HOLD_DAYS", 7),
    )


def payouts_of(artisan_id: int) -> list[Payout]:
    """The artisan's payouts, newest first."""
    return list(
        db.session.scalars(
            sa.select(Payout)
            .where(Payout.artisan_id == artisan_id)
            .order_by(Payout.paid_on.desc(), Payout.id.desc())
        )
    )


def record_payout(
    *, staff: User, artisan_id: int, amount_idr: int, paid_on: date, bank_reference: str
) -> Payout:
    """Record a transfer to an artisan in the staff member's scope, within what is available.

    Checks the amount, date and reference first. Then, in one transaction, it locks the artisan
    (PostgreSQL: SELECT ... FOR UPDATE on the artisan row; SQLite: atomic()'s BEGIN IMMEDIATE
    already holds the database's write lock), reads the available balance (settled sales: parcels
    delivered PAYOUT_HOLD_DAYS ago or more, less reversals and payouts), and writes the Payout,
    its negative 'payout' ledger entry and the audit entry. Two staff recording at once are served
    one after the other, and the second sees the first's entry: a payout never takes money that
    is still pending, and never runs into a debt. Raises NotFound outside the scope,
    ValidationError for bad input, Conflict when the amount exceeds what is available.
    """
    artisan = artisan_in_scope(staff=staff, artisan_id=artisan_id)
    reference = (bank_reference or "").strip()
    if not isinstance(amount_idr, int) or isinstance(amount_idr, bool) or amount_idr <= 0:
        raise ValidationError(_("Jumlah harus lebih dari nol."), field="amount")
    if not reference or len(reference) > 80:
        raise ValidationError(
            _("Isi nomor referensi bank (maksimal 80 karakter)."), field="bank_reference"
        )
    if not isinstance(paid_on, date) or paid_on > today_local() or paid_on.year < 2020:
        raise ValidationError(_("Tanggal transfer tidak valid."), field="paid_on")
    with atomic():
        db.session.execute(sa.select(Artisan.id).where(Artisan.id == artisan.id).with_for_update())
        balance = ledger.balance_of(artisan.id)
        if amount_idr > balance.available_idr:
            raise Conflict(_refusal(balance), available=balance.available_idr)
        payout = Payout(
            artisan_id=artisan.id,
            amount_idr=amount_idr,
            paid_on=paid_on,
            bank_reference=reference,
            recorded_by_id=staff.id,
        )
        db.session.add(payout)
        db.session.flush()
        db.session.add(
            LedgerEntry(
                artisan_id=artisan.id,
                kind="payout",
                amount_idr=-amount_idr,
                payout_id=payout.id,
                note=reference,
            )
        )
        audit.record(
            actor_id=staff.id,
            action="payout.record",
            subject_type="artisan",
            subject_id=artisan.id,
            regency_code=artisan.regency_code,
            reason=f"{format_idr(amount_idr)} · {reference}",
        )
        user = db.session.get(User, artisan.user_id)
        if user.email:
            queue_mail(
                recipient=user.email,
                template="artisan_payout",
                locale=user.locale,
                kind="artisan_payout",
                shop_name=artisan.shop_name,
                amount=amount_idr,
                paid_on=paid_on,
                bank_reference=reference,
            )
    return payout


PAYABLE = "payable"
OWING = "owing"
LIST_LIMIT = 200


def artisans_by_balance(
    *, scope: str, which: str = PAYABLE, now: datetime | None = None, limit: int = LIST_LIMIT
) -> list[tuple[Artisan, ledger.Balance]]:
    """Artisans of the scope with money to pay out (PAYABLE) or a debt (OWING), largest first.

    One grouped ledger query joined to the artisans, the scope in its WHERE clause.
    """
    balances = ledger.balances_query(now, scope=scope).subquery()
    settled = balances.c.settled_idr
    rows = db.session.execute(
        sa.select(Artisan, balances.c.pending_idr, settled)
        .join(balances, balances.c.artisan_id == Artisan.id)
        .where(
            scope_filter(scope, Artisan.regency_code),
            settled > 0 if which == PAYABLE else settled < 0,
        )
        .order_by(settled.desc() if which == PAYABLE else settled.asc(), Artisan.id)
        .limit(limit)
    ).all()
    return [
        (artisan, ledger.Balance(pending_idr=int(pending), settled_idr=int(settled_idr)))
        for artisan, pending, settled_idr in rows
    ]
