"""Artisan use cases: applying, and BNN staff deciding on them within their scope."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from slugify import slugify

from marketplace.accounts.models import User
from marketplace.accounts.scope import covers
from marketplace.artisans.models import Artisan, ArtisanStatus
from marketplace.catalog.cache import bump_catalog_version
from marketplace.db import atomic, now_utc
from marketplace.errors import Conflict, NotFound
from marketplace.extensions import db


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


ALLOWED_TRANSITIONS = {
    ArtisanStatus.VERIFIED: {ArtisanStatus.PENDING, ArtisanStatus.SUSPENDED},
    ArtisanStatus.REJECTED: {ArtisanStatus.PENDING},
    ArtisanStatus.SUSPENDED: {ArtisanStatus.VERIFIED},
}


def decide(*, staff: User, artisan_id: int, new_status: ArtisanStatus, reason: str = "") -> Artisan:
    """Verify, reject, suspend or reinstate an artisan in the staff member's scope.

    The change is a conditional update on the old state, so two staff deciding at once cannot
    both apply. Suspension ends the artisan's sessions.
    """
    artisan = artisan_in_scope(staff=staff, artisan_id=artisan_id)
    old = ArtisanStatus(artisan.status)
    if old not in ALLOWED_TRANSITIONS[new_status]:
        raise Conflict(_("Status perajin sudah berubah. Muat ulang halaman."))
    values = {"status": new_status.value, "status_reason": reason.strip()}
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
        # Verification and suspension change which products buyers see.
        bump_catalog_version()
        if new_status is ArtisanStatus.SUSPENDED:
            db.session.execute(
                sa.update(User)
                .where(User.id == artisan.user_id)
                .values(session_version=User.session_version + 1)
            )
    db.session.refresh(artisan)
    return artisan
