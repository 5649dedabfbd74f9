"""Becoming an artisan: applying, re-applying, staff enrolment and one-time login links."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from marketplace.accounts import services as accounts
from marketplace.accounts.models import PasswordResetToken, User
from marketplace.artisans import applications, enrolment
from marketplace.artisans.applications import ApplicationDetails, normalize_phone
from marketplace.artisans.models import Artisan, TrainingRecord
from marketplace.audit.models import AuditEntry
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from tests.factories import make_artisan, make_user

STRONG = "anyaman pandan dari desa"


def details(**changes) -> ApplicationDetails:
    """A complete, valid application from Kota Bandung."""
    base = ApplicationDetails(
        legal_name="Siti Rahayu",
        shop_name="Anyaman Siti",
        phone="0812-3456-7890",
        regency_code="32.73",
        village="Cigadung",
        programme="Pelatihan Anyaman",
        batch="Angkatan 3",
        training_date=date(2024, 5, 2),
        certificate_number="BNN/AN/2024/0007",
        story="Saya menganyam pandan sejak pelatihan.",
    )
    return dataclasses.replace(base, **changes)


def count(model) -> int:
    """Rows of a table."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_new_visitor_applies_and_waits_as_pending_with_a_training_record(ctx, outbox):
    artisan = applications.apply(details=details(), email="Siti@Example.com", password=STRONG)
    user = db.session.get(User, artisan.user_id)
    training = applications.training_of(artisan.id)
    assert artisan.status == "pending" and artisan.province_code == "32"
    assert artisan.phone == "081234567890"
    assert user.role == "artisan" and user.email == "siti@example.com"
    assert accounts.authenticate(email="siti@example.com", password=STRONG) is not None
    assert training.certificate_number == "BNN/AN/2024/0007"
    assert training.regency_code == "32.73"
    assert outbox[-1]["to"] == "siti@example.com"
    assert "Anyaman Siti" in outbox[-1]["subject"]


def test_a_buyer_applies_and_their_account_becomes_an_artisan_account(ctx):
    buyer = make_user(role="buyer")
    artisan = applications.apply(details=details(), user_id=buyer.id)
    db.session.expire_all()
    assert db.session.get(User, buyer.id).role == "artisan"
    assert artisan.user_id == buyer.id and artisan.status == "pending"


def test_applying_twice_from_one_account_is_refused_and_changes_nothing(ctx):
    buyer = make_user(role="buyer")
    applications.apply(details=details(), user_id=buyer.id)
    with pytest.raises(Conflict):
        applications.apply(details=details(shop_name="Toko Kedua"), user_id=buyer.id)
    assert count(Artisan) == 1 and count(TrainingRecord) == 1


def test_staff_cannot_apply_with_their_account(ctx):
    staff = make_user(role="staff", scope="32.73")
    with pytest.raises(Conflict):
        applications.apply(details=details(), user_id=staff.id)
    db.session.expire_all()
    assert db.session.get(User, staff.id).role == "staff" and count(Artisan) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"phone": "0212345678x"}, "phone"),
        ({"regency_code": "99.99"}, "regency_code"),
        ({"regency_code": "32"}, "regency_code"),
        ({"training_date": date.today() + timedelta(days=2)}, "training_date"),
        ({"training_date": date(1990, 1, 1)}, "training_date"),
        ({"shop_name": "   "}, "shop_name"),
        ({"certificate_number": ""}, "certificate_number"),
    ],
)
def test_an_application_with_a_bad_field_names_it_and_writes_nothing(ctx, changes, field):
    with pytest.raises(ValidationError) as refused:
        applications.apply(details=details(**changes), email="baru@example.com", password=STRONG)
    assert refused.value.details["field"] == field
    assert count(User) == 0 and count(Artisan) == 0


def test_an_application_with_a_taken_email_or_a_weak_password_is_refused(ctx):
    make_user(email="ada@example.com")
    with pytest.raises(ValidationError, match="sudah terdaftar"):
        applications.apply(details=details(), email="ADA@example.com", password=STRONG)
    with pytest.raises(ValidationError) as weak:
        applications.apply(details=details(), email="baru@example.com", password="password")
    assert weak.value.details["field"] == "password"
    assert count(Artisan) == 0


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0812 3456 7890", "081234567890"),
        ("+62 812-3456-7890", "081234567890"),
        ("62.812.3456.789", "08123456789"),
        ("(0813) 1234 5678", "081312345678"),
        ("021 555 1234", None),
        ("0812", None),
        ("", None),
    ],
)
def test_indonesian_mobile_numbers_are_read_in_the_ways_people_write_them(typed, stored):
    assert normalize_phone(typed) == stored


def test_a_rejected_applicant_corrects_and_resubmits_and_waits_again(ctx):
    artisan = make_artisan(status="rejected")
    corrected = applications.resubmit(
        user_id=artisan.user_id, details=details(certificate_number="BNN/AN/2024/0099")
    )
    assert corrected.status == "pending" and corrected.shop_name == "Anyaman Siti"
    assert applications.training_of(artisan.id).certificate_number == "BNN/AN/2024/0099"


def test_a_pending_application_cannot_be_resubmitted(ctx):
    artisan = make_artisan(status="pending")
    with pytest.raises(Conflict):
        applications.resubmit(user_id=artisan.user_id, details=details())
    db.session.expire_all()
    assert db.session.get(Artisan, artisan.id).shop_name != "Anyaman Siti"


def test_staff_enrol_an_artisan_without_email_who_then_sets_their_own_password(ctx):
    staff = make_user(role="staff", scope="32.73")
    artisan, token = enrolment.staff_create(staff=staff, details=details())
    user = db.session.get(User, artisan.user_id)
    assert user.email is None and user.password_hash is None
    assert artisan.status == "verified" and artisan.verified_by_id == staff.id
    entry = db.session.scalar(sa.select(AuditEntry))
    assert (entry.action, entry.actor_id, entry.regency_code) == (
        "artisan.create",
        staff.id,
        "32.73",
    )
    stored = db.session.scalar(sa.select(PasswordResetToken.token_hash))
    assert token not in stored  # only the hash is kept
    assert accounts.reset_token_is_usable(token)
    accounts.reset_password(token=token, new_password=STRONG)
    assert not accounts.reset_token_is_usable(token)  # single use
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash


def test_a_login_link_expires(ctx):
    ctx.config["ARTISAN_LOGIN_LINK_MAX_AGE"] = -1
    _artisan, token = enrolment.staff_create(
        staff=make_user(role="staff", scope="32"), details=details()
    )
    assert not accounts.reset_token_is_usable(token)
    with pytest.raises(ValidationError):
        accounts.reset_password(token=token, new_password=STRONG)


def test_staff_cannot_enrol_an_artisan_outside_their_scope(ctx):
    staff = make_user(role="staff", scope="51")
    with pytest.raises(ValidationError) as refused:
        enrolment.staff_create(staff=staff, details=details(regency_code="32.73"))
    assert refused.value.details["field"] == "regency_code"
    assert count(Artisan) == 0 and count(User) == 1


def test_a_new_login_link_replaces_the_old_one(ctx):
    staff = make_user(role="staff", scope="32")
    artisan, first = enrolment.staff_create(staff=staff, details=details())
    second = enrolment.issue_login_link(staff=staff, artisan_id=artisan.id)
    assert not accounts.reset_token_is_usable(first)
    assert accounts.reset_token_is_usable(second)
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["artisan.create", "artisan.login_link"]


def test_staff_get_no_login_link_into_an_account_that_has_an_email(ctx):
    artisan = make_artisan(regency="32.73")
    with pytest.raises(Conflict):
        enrolment.issue_login_link(staff=make_user(role="staff", scope="32"), artisan_id=artisan.id)
    assert count(PasswordResetToken) == 0


def test_staff_outside_the_scope_get_no_login_link(ctx):
    staff = make_user(role="staff", scope="32.73")
    artisan, _token = enrolment.staff_create(staff=staff, details=details())
    with pytest.raises(NotFound):
        enrolment.issue_login_link(staff=make_user(role="staff", scope="33"), artisan_id=artisan.id)
