"""Becoming an artisan: applying, re-applying after a rejection, and the shop profile.

An applicant is either a new visitor (an account is made for them) or a logged-in buyer (the
account turns into an artisan account). Either way the artisan waits as `pending` until staff
whose scope covers their regency verify them (services.decide). Staff enrolment: enrolment.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from marketplace.accounts import passwords
from marketplace.accounts.models import Role, User
from marketplace.accounts.services import find_by_email, normalize_email
from marketplace.artisans import integrations
from marketplace.artisans.models import Artisan, ArtisanStatus, TrainingRecord
from marketplace.artisans.services import unique_slug
from marketplace.catalog.cache import bump_catalog_version
from marketplace.db import atomic
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.mail.services import queue_mail
from marketplace.regions import services as regions
from marketplace.regions.models import province_code_of

_PHONE_JUNK = re.compile(r"[\s\-.()]")
_PHONE = re.compile(r"^08\d{7,12}$", re.ASCII)


@dataclass(frozen=True)
class ApplicationDetails:
    """What an applicant tells BNN: the shop, how to reach them, and their training record."""

    legal_name: str
    shop_name: str
    phone: str
    regency_code: str
    village: str
    programme: str
    batch: str
    training_date: date
    certificate_number: str
    story: str = ""


def normalize_phone(text: str) -> str | None:
    """An Indonesian mobile number as `08...`, from `0812-3456 7890`, `+62812...` or `62812...`."""
    digits = _PHONE_JUNK.sub("", text or "")
    if digits.startswith("+62"):
        digits = "0" + digits[3:]
    elif digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits if _PHONE.match(digits) else None


def checked(details: ApplicationDetails) -> ApplicationDetails:
    """The details with spaces trimmed and the phone normalised; ValidationError naming a field."""
    trimmed = {
        name: value.strip() if isinstance(value, str) else value
        for name, value in details.__dict__.items()
    }
    for name in ("legal_name", "shop_name", "village", "programme", "batch", "certificate_number"):
        if not trimmed[name]:
            raise ValidationError(_("Wajib diisi."), field=name)
    phone = normalize_phone(trimmed["phone"])
    if phone is None:
        raise ValidationError(_("Nomor HP tidak valid. Contoh: 0812 3456 7890."), field="phone")
    if not regions.is_regency(trimmed["regency_code"]):
        raise ValidationError(_("Pilih kabupaten/kota dari daftar."), field="regency_code")
    when = trimmed["training_date"]
    if not isinstance(when, date) or when > date.today() or when.year < 2000:
        raise ValidationError(_("Tanggal pelatihan tidak valid."), field="training_date")
    return ApplicationDetails(**{**trimmed, "phone": phone})


def _artisan_values(details: ApplicationDetails) -> dict:
    """The Artisan columns that come from an application."""
    return {
        "shop_name": details.shop_name,
        "story": details.story,
        "legal_name": details.legal_name,
        "phone": details.phone,
        "regency_code": details.regency_code,
        "province_code": province_code_of(details.regency_code),
        "village": details.village,
    }


def _training_values(details: ApplicationDetails) -> dict:
    """The TrainingRecord columns that come from an application."""
    return {
        "programme": details.programme,
        "batch": details.batch,
        "training_date": details.training_date,
        "certificate_number": details.certificate_number,
        "regency_code": details.regency_code,
        "village": details.village,
    }


def add_artisan(user: User, details: ApplicationDetails, **status_values) -> Artisan:
    """Insert the artisan and their training record (inside the caller's transaction)."""
    artisan = Artisan(
        user_id=user.id,
        slug=unique_slug(details.shop_name),
        **_artisan_values(details),
        **status_values,
    )
    db.session.add(artisan)
    db.session.flush()
    db.session.add(TrainingRecord(artisan_id=artisan.id, **_training_values(details)))
    return artisan


def apply(
    *,
    details: ApplicationDetails,
    user_id: int | None = None,
    email: str | None = None,
    password: str | None = None,
    locale: str = "id",
) -> Artisan:
    """Apply to sell: a buyer's account (user_id) or a new account (email, password) turns artisan.

    Checks every field before writing. The buyer's role changes by a conditional update on
    `role = 'buyer'`, so a double submit cannot make two applications. Raises ValidationError
    (with the field) or Conflict (the account already applied or is not a buyer's).
    """
    details = checked(details)
    if user_id is None:
        email = normalize_email(email or "")
        if not email:
            raise ValidationError(_("Wajib diisi."), field="email")
        if find_by_email(email):
            raise ValidationError(_("E-mail ini sudah terdaftar."), field="email")
        problem = passwords.password_problem(password or "", email=email)
        if problem:
            raise ValidationError(problem, field="password")
        password_hash = passwords.hash_password(password)
    with atomic():
        if user_id is None:
            user = User(
                email=email,
                password_hash=password_hash,
                role=Role.ARTISAN.value,
                name=details.legal_name,
                locale=locale,
            )
            db.session.add(user)
            db.session.flush()
        else:
            changed = db.session.execute(
                sa.update(User)
                .where(User.id == user_id, User.role == Role.BUYER.value)
                .values(role=Role.ARTISAN.value)
            ).rowcount
            if changed != 1:
                raise Conflict(_("Akun ini sudah mengajukan diri atau bukan akun pembeli."))
            user = db.session.get(User, user_id)
            db.session.refresh(user)
            if not user.name:
                user.name = details.legal_name
        artisan = add_artisan(user, details, status=ArtisanStatus.PENDING.value)
        if user.email:
            queue_mail(
                recipient=user.email,
                template="artisan_applied",
                locale=user.locale,
                kind="artisan_applied",
                shop_name=artisan.shop_name,
            )
    return artisan


def artisan_of_user(user_id: int) -> Artisan | None:
    """The artisan profile of an account, if it has one."""
    return db.session.scalar(sa.select(Artisan).where(Artisan.user_id == user_id))


def training_of(artisan_id: int) -> TrainingRecord | None:
    """The training record of an artisan."""
    return db.session.scalar(
        sa.select(TrainingRecord).where(TrainingRecord.artisan_id == artisan_id)
    )


def resubmit(*, user_id: int, details: ApplicationDetails) -> Artisan:
    """Correct a rejected application and send it again: it waits as pending once more."""
    details = checked(details)
    artisan = artisan_of_user(user_id)
    if artisan is None:
        raise NotFound(_("Pengajuan tidak ditemukan."))
    with atomic():
        changed = db.session.execute(
            sa.update(Artisan)
            .where(Artisan.id == artisan.id, Artisan.status == ArtisanStatus.REJECTED.value)
            .values(status=ArtisanStatus.PENDING.value, **_artisan_values(details))
        ).rowcount
        if changed != 1:
            raise Conflict(_("Pengajuan ini tidak bisa diubah sekarang."))
        db.session.execute(
            sa.update(TrainingRecord)
            .where(TrainingRecord.artisan_id == artisan.id)
            .values(**_training_values(details))
        )
    db.session.refresh(artisan)
    return artisan


def update_profile(*, artisan_id: int, shop_name: str, story: str, phone: str) -> Artisan:
    """Change the shop name, the published story and the phone; buyers see the change at once."""
    shop_name, story = (shop_name or "").strip(), (story or "").strip()
    if not shop_name:
        raise ValidationError(_("Wajib diisi."), field="shop_name")
    normalized = normalize_phone(phone)
    if normalized is None:
        raise ValidationError(_("Nomor HP tidak valid. Contoh: 0812 3456 7890."), field="phone")
    with atomic():
        changed = db.session.execute(
            sa.update(Artisan)
            .where(Artisan.id == artisan_id)
            .values(shop_name=shop_name[:80], story=story, phone=normalized)
        ).rowcount
        if changed != 1:
            raise NotFound(_("Perajin tidak ditemukan."))
        bump_catalog_version()
        integrations.reindex_artisan(artisan_id)
    artisan = db.session.get(Artisan, artisan_id)
    db.session.refresh(artisan)
    return artisan
