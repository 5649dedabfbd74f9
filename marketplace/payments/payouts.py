"""Staff record the money BNN paid out to an artisan, never more than the artisan has earned."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from marketplace.accounts.models import User
from marketplace.artisans import integrations
from marketplace.artisans.models import Artisan
from marketplace.artisans.services import artisan_in_scope
from marketplace.audit import services as audit
from marketplace.db import atomic
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import db
from marketplace.mail.services import queue_mail
from marketplace.money import format_idr
from marketplace.payments.models import LedgerEntry, Payout


def today_local() -> date:
    """Today's date where the reports are cut (Asia/Jakarta by default)."""
    return datetime.now(ZoneInfo(current_app.config["REPORT_TIMEZONE"])).date()


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
    """Record a transfer to an artisan in the staff member's scope, within their balance.

    Checks the amount, date and reference first. Then, in one transaction, it locks the artisan
    (PostgreSQL: SELECT ... FOR UPDATE on the artisan row; SQLite: atomic()'s BEGIN IMMEDIATE
    already holds the database's write lock), reads the balance, and writes the Payout, its
    negative 'payout' ledger entry and the audit entry. Two staff recording at once are served
    one after the other, and the second sees the first's entry: the balance never goes below
    zero. Raises NotFound outside the scope, ValidationError for bad input, Conflict when the
    amount exceeds the balance.
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
        available = integrations.balance(artisan.id)
        if amount_idr > available:
            raise Conflict(
                _("Jumlah melebihi saldo perajin (%(balance)s).", balance=format_idr(available)),
                balance=available,
            )
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
