"""Only staff whose scope covers an artisan's regency may verify or suspend them."""

import pytest

from marketplace.artisans.models import ArtisanStatus
from marketplace.artisans.services import decide
from marketplace.errors import Conflict, NotFound
from marketplace.extensions import db
from tests.factories import make_artisan, make_user


@pytest.mark.parametrize("scope", ["national", "32", "32.73"])
def test_staff_in_scope_verifies_a_pending_artisan(ctx, scope):
    artisan = make_artisan(regency="32.73", status="pending")
    staff = make_user(role="staff", scope=scope)
    decided = decide(staff=staff, artisan_id=artisan.id, new_status=ArtisanStatus.VERIFIED)
    assert decided.status == "verified" and decided.verified_by_id == staff.id


@pytest.mark.parametrize("scope", ["33", "32.04", "51.04"])
def test_staff_outside_scope_cannot_see_or_verify(ctx, scope):
    artisan = make_artisan(regency="32.73", status="pending")
    staff = make_user(role="staff", scope=scope)
    with pytest.raises(NotFound):
        decide(staff=staff, artisan_id=artisan.id, new_status=ArtisanStatus.VERIFIED)
    db.session.refresh(artisan)
    assert artisan.status == "pending"


def test_a_buyer_cannot_verify(ctx):
    artisan = make_artisan(status="pending")
    with pytest.raises(NotFound):
        decide(staff=make_user(), artisan_id=artisan.id, new_status=ArtisanStatus.VERIFIED)


def test_suspending_ends_the_artisans_sessions(ctx):
    artisan = make_artisan(status="verified")
    from marketplace.accounts.models import User

    before = db.session.get(User, artisan.user_id).session_version
    decide(
        staff=make_user(role="staff"),
        artisan_id=artisan.id,
        new_status=ArtisanStatus.SUSPENDED,
        reason="Laporan pelanggaran",
    )
    db.session.expire_all()
    assert db.session.get(User, artisan.user_id).session_version == before + 1


def test_a_decision_on_a_stale_state_is_refused(ctx):
    artisan = make_artisan(status="verified")
    with pytest.raises(Conflict):
        decide(
            staff=make_user(role="staff"), artisan_id=artisan.id, new_status=ArtisanStatus.VERIFIED
        )
