"""Staff decisions leave an audit entry and change what buyers see at once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.artisans import applications, services
from marketplace.artisans.models import Artisan, ArtisanStatus
from marketplace.audit import log as audit_log
from marketplace.audit.models import AuditEntry
from marketplace.catalog import search
from marketplace.catalog.cache import catalog_version
from marketplace.catalog.models import Product
from marketplace.catalog.queries import visible_products
from marketplace.db import atomic
from marketplace.errors import ValidationError
from marketplace.extensions import db
from tests.factories import make_artisan, make_product, make_user


def visible_ids() -> set[int]:
    """Ids of the products buyers can see."""
    return set(db.session.scalars(visible_products(Product.id)))


def found(text: str) -> set[int]:
    """Ids of the products the storefront's search finds for text."""
    matches = search.matches(text)
    return set(db.session.scalars(sa.select(matches.c.product_id)))


def index_all() -> None:
    """Build the search index from the factories' rows (factories bypass the use cases)."""
    with atomic():
        search.rebuild_index()


def entries() -> list[AuditEntry]:
    """Every audit entry, oldest first."""
    return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


def test_each_decision_is_kept_in_the_audit_log_with_who_what_and_why(ctx):
    artisan = make_artisan(regency="32.73", status="pending")
    staff = make_user(role="staff", scope="32.73")
    services.decide(staff=staff, artisan_id=artisan.id, new_status=ArtisanStatus.VERIFIED)
    services.decide(
        staff=staff,
        artisan_id=artisan.id,
        new_status=ArtisanStatus.SUSPENDED,
        reason="  Menjual barang bukan buatan sendiri ",
    )
    services.decide(
        staff=staff, artisan_id=artisan.id, new_status=ArtisanStatus.VERIFIED, reason="Sudah jelas"
    )
    logged = [(e.action, e.actor_id, e.subject_id, e.regency_code, e.reason) for e in entries()]
    assert logged == [
        ("artisan.verify", staff.id, artisan.id, "32.73", ""),
        ("artisan.suspend", staff.id, artisan.id, "32.73", "Menjual barang bukan buatan sendiri"),
        ("artisan.reinstate", staff.id, artisan.id, "32.73", "Sudah jelas"),
    ]


@pytest.mark.parametrize(
    ("start", "new_status"),
    [("pending", ArtisanStatus.REJECTED), ("verified", ArtisanStatus.SUSPENDED)],
)
def test_rejecting_or_suspending_without_a_reason_is_refused(ctx, start, new_status):
    artisan = make_artisan(status=start)
    with pytest.raises(ValidationError) as refused:
        services.decide(
            staff=make_user(role="staff"), artisan_id=artisan.id, new_status=new_status, reason=" "
        )
    assert refused.value.details["field"] == "reason"
    db.session.expire_all()
    assert db.session.get(Artisan, artisan.id).status == start and entries() == []


def test_suspending_hides_every_product_at_once_and_reinstating_shows_them(ctx):
    artisan = make_artisan(status="verified", shop_name="Tenun Ibu Ani")
    products = {make_product(artisan_id=artisan.id).id for _ in range(3)}
    other = make_product().id
    staff = make_user(role="staff")
    index_all()
    assert visible_ids() == products | {other} and found("Tenun Ani") == products
    before = catalog_version()

    services.decide(
        staff=staff, artisan_id=artisan.id, new_status=ArtisanStatus.SUSPENDED, reason="Laporan"
    )
    assert visible_ids() == {other} and found("Tenun Ani") == set()
    assert catalog_version() > before

    services.decide(staff=staff, artisan_id=artisan.id, new_status=ArtisanStatus.VERIFIED)
    assert visible_ids() == products | {other} and found("Tenun Ani") == products


def test_verifying_puts_already_published_products_in_the_shop(ctx):
    artisan = make_artisan(status="pending", shop_name="Keramik Kasongan")
    product = make_product(artisan_id=artisan.id, status="active")
    assert found("Kasongan") == set()
    services.decide(
        staff=make_user(role="staff"), artisan_id=artisan.id, new_status=ArtisanStatus.VERIFIED
    )
    assert found("Kasongan") == {product.id}


def test_the_artisan_is_emailed_the_reason_of_a_rejection(ctx, outbox):
    artisan = make_artisan(status="pending", email="ani@example.com", shop_name="Tenun Ani")
    services.decide(
        staff=make_user(role="staff"),
        artisan_id=artisan.id,
        new_status=ArtisanStatus.REJECTED,
        reason="Nomor sertifikat tidak ditemukan di catatan kami.",
    )
    assert outbox[-1]["to"] == "ani@example.com"
    assert "Tenun Ani" in outbox[-1]["subject"]
    assert "Nomor sertifikat tidak ditemukan di catatan kami." in outbox[-1]["body"]


def test_the_audit_log_shows_staff_only_their_scope(ctx):
    national = make_user(role="staff", scope="national")
    bandung = make_artisan(regency="32.73", status="pending")
    bali = make_artisan(regency="51.04", status="pending")
    for artisan in (bandung, bali):
        services.decide(staff=national, artisan_id=artisan.id, new_status=ArtisanStatus.VERIFIED)

    def subjects(scope):
        page = audit_log.entries_page(scope=scope, wanted=audit_log.AuditFilter())
        return [row.entry.subject_id for row in page.rows]

    assert sorted(subjects("national")) == sorted([bandung.id, bali.id])
    assert subjects("32") == [bandung.id]
    assert subjects("32.73") == [bandung.id]
    assert subjects("51.71") == []


def test_the_queue_lists_only_artisans_in_the_scope(ctx):
    bandung = make_artisan(regency="32.73", status="pending")
    bogor = make_artisan(regency="32.01", status="pending")
    make_artisan(regency="51.04", status="pending")
    make_artisan(regency="32.73", status="verified")
    assert [a.id for a in services.artisans_in_scope(scope="32.73", status="pending")] == [
        bandung.id
    ]
    assert [a.id for a in services.artisans_in_scope(scope="32", status="pending")] == [
        bandung.id,
        bogor.id,
    ]
    assert services.status_counts(scope="32") == {
        "pending": 2,
        "verified": 1,
        "rejected": 0,
        "suspended": 0,
    }


def test_renaming_the_shop_is_searchable_at_once(ctx):
    artisan = make_artisan(shop_name="Batik Lama")
    product = make_product(artisan_id=artisan.id)
    index_all()
    before = catalog_version()
    applications.update_profile(
        artisan_id=artisan.id, shop_name="Batik Cahaya", story="Cerita baru", phone="0812 1111 2222"
    )
    assert found("Cahaya") == {product.id} and found("Lama") == set()
    assert catalog_version() > before
    db.session.expire_all()
    assert db.session.get(Artisan, artisan.id).phone == "081211112222"
