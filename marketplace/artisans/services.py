"""Artisan use cases of BNN staff: seeing artisans in their scope and deciding on them."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from slugify import slugify

from marketplace.accounts.models import User
from marketplace.accounts.scope import covers, scope_filter
from marketplace.artisans import integrations
from marketplace.artisans.models import Artisan, ArtisanStatus, TrainingRecord
from marketplace.audit import services as audit
from marketplace.catalog.cache import bump_catalog_version
from marketplace.db import atomic, now_utc
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.mail.services import queue_mail


def unique_slug(shop_name: str) -> str:
    """A URL slug for a shop name that no other artisan has."""
    base = slugify(shop_name, max_length=60) or "toko"
    slug, n = base, 1
    while db.session.scalar(sa.select(Artisan.id).where(Artisan.slug == slug)):
        n += 1
        slug = f"{base}-{n}"
    return slug


def artisan_in_scope(*, staff: User, artisan_id: int) -> Artisan:
    """The artisan, if the staff member's scope covers their regency; NotFound otherwise."""
    artisan = db.session.get(Artisan, artisan_id)
    if artisan is None or not staff.is_staff or not covers(staff.staff_scope, artisan.regency_code):
        raise NotFound(_("Perajin tidak ditemukan."))
    return artisan


def artisans_in_scope(*, scope: str, status: str | None = None, limit: int = 200) -> list[Artisan]:
    """Artisans whose regency lies in the scope, oldest applications first; optionally by status."""
    query = sa.select(Artisan).where(scope_filter(scope, Artisan.regency_code))
    if status:
        query = query.where(Artisan.status == status)
    return list(db.session.scalars(query.order_by(Artisan.created_at, Artisan.id).limit(limit)))


def status_counts(*, scope: str) -> dict[str, int]:
    """How many artisans in the scope stand in each status."""
    rows = db.session.execute(
        sa.select(Artisan.status, sa.func.count())
        .where(scope_filter(scope, Artisan.regency_code))
        .group_by(Artisan.status)
    ).all()
    counts = {status.value: 0 for status in ArtisanStatus}
    counts.update({status: count for status, count in rows})
    return counts


def _plain_certificate(column):
    """A certificate number as compared: upper case, without spaces."""
    return sa.func.upper(sa.func.replace(column, " ", ""))


def verified_with_certificate_of(artisan_id: int) -> list[Artisan]:
    """Other verified artisans whose training record has this artisan's certificate number.

    Compared without case or spaces (`bnn/ab 21` is `BNN/AB21`): one certificate belongs to one
    trained person, so a second application with it needs a closer look before verification.
    """
    own = sa.select(TrainingRecord.certificate_number).where(
        TrainingRecord.artisan_id == artisan_id
    )
    number = db.session.scalar(own)
    if not (number or "").strip():
        return []
    return list(
        db.session.scalars(
            sa.select(Artisan)
            .join(TrainingRecord, TrainingRecord.artisan_id == Artisan.id)
            .where(
                Artisan.id != artisan_id,
                Artisan.status == ArtisanStatus.VERIFIED.value,
                _plain_certificate(TrainingRecord.certificate_number)
                == number.replace(" ", "").upper(),
            )
            .order_by(Artisan.id)
        )
    )


ALLOWED_TRANSITIONS = {
    ArtisanStatus.VERIFIED: {ArtisanStatus.PENDING, ArtisanStatus.SUSPENDED},
    ArtisanStatus.REJECTED: {ArtisanStatus.PENDING},
    ArtisanStatus.SUSPENDED: {ArtisanStatus.VERIFIED},
}
REASON_REQUIRED = {ArtisanStatus.REJECTED, ArtisanStatus.SUSPENDED}


def action_name(old: ArtisanStatus, new: ArtisanStatus) -> str:
    """The audit action of a transition: verify, reject, suspend or reinstate."""
    if new is ArtisanStatus.VERIFIED:
        return "artisan.reinstate" if old is ArtisanStatus.SUSPENDED else "artisan.verify"
    return "artisan.reject" if new is ArtisanStatus.REJECTED else "artisan.suspend"


def decide(*, staff: User, artisan_id: int, new_status: ArtisanStatus, reason: str = "") -> Artisan:
    """Verify, reject, suspend or reinstate an artisan in the staff member's scope.

    Rejecting and suspending need a reason (the artisan is told it). The change is a conditional
    update on the old state, so two staff deciding at once cannot both apply. In the same
    transaction: the audit entry, the catalog version and search index (the artisan's products
    appear or disappear for buyers at once), the end of the artisan's sessions on suspension, and
    the e-mail to the artisan when they have an address.
    """
    artisan = artisan_in_scope(staff=staff, artisan_id=artisan_id)
    old = ArtisanStatus(artisan.status)
    reason = (reason or "").strip()
    if new_status in REASON_REQUIRED and not reason:
        raise ValidationError(_("Tuliskan alasannya: perajin akan membacanya."), field="reason")
    if old not in ALLOWED_TRANSITIONS[new_status]:
        raise Conflict(_("Status perajin sudah berubah. Muat ulang halaman."))
    values = {"status": new_status.value, "status_reason": reason}
    if new_status is ArtisanStatus.VERIFIED:
        values.update(verified_at=now_utc(), verified_by_id=staff.id)
    with atomic():
        changed = db.session.execute(
            sa.update(Artisan)
            .where(Artisan.id == artisan.id, Artisan.status == old.value)
            .values(**values)
        ).rowcount
        if changed != 1:
            raise Conflict(_("Status perajin sudah berubah. Muat ulang halaman."))
        audit.record(
            actor_id=staff.id,
            action=action_name(old, new_status),
            subject_type="artisan",
            subject_id=artisan.id,
            regency_code=artisan.regency_code,
            reason=reason,
        )
        # Verification and suspension change which products buyers see.
        bump_catalog_version()
        integrations.reindex_artisan(artisan.id)
        user = db.session.get(User, artisan.user_id)
        if new_status is ArtisanStatus.SUSPENDED:
            db.session.execute(
                sa.update(User)
                .where(User.id == artisan.user_id)
                .values(session_version=User.session_version + 1)
            )
        if user.email:
            queue_mail(
                recipient=user.email,
                template=f"artisan_{action_name(old, new_status).split('.')[1]}",
                locale=user.locale,
                kind="artisan_decision",
                shop_name=artisan.shop_name,
                reason=reason,
            )
    db.session.refresh(artisan)
    return artisan
