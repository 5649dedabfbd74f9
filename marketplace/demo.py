"""Demo data for `flask seed-demo`: idempotent, so running it twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from marketplace.accounts import services as accounts
from marketplace.accounts.models import Role, User
from marketplace.artisans.models import Artisan, ArtisanStatus, TrainingRecord
from marketplace.artisans.services import unique_slug
from marketplace.db import atomic, now_utc
from marketplace.extensions import db

DEMO_PASSWORD = "pameran-kriya-2026"


@dataclass(frozen=True)
class DemoAccount:
    """One demo login, as printed for the developer."""

    email: str
    role: str
    scope: str | None = None
    admin: bool = False
    name: str = ""


STAFF = [
    DemoAccount("admin@demo.bnn.go.id", "staff", "national", True, "Admin BNN Pusat"),
    DemoAccount("jabar@demo.bnn.go.id", "staff", "32", False, "Staf BNNP Jawa Barat"),
    DemoAccount("bandung@demo.bnn.go.id", "staff", "32.73", False, "Staf BNNK Kota Bandung"),
]
BUYER = DemoAccount("pembeli@demo.bnn.go.id", "buyer", name="Rina Pembeli")

ARTISANS = [
    # email, shop, legal name, regency, village, programme, status, story
    (
        "sari@demo.bnn.go.id", "Batik Sari Cigadung", "Sari Wulandari", "32.73", "Cigadung",
        "Pelatihan Membatik", ArtisanStatus.VERIFIED,
        "Saya belajar membatik tulis di pelatihan BNN tahun 2023. Motif saya terinspirasi "
        "dari bunga-bunga di lereng Bandung utara.",
    ),
    (
        "made@demo.bnn.go.id", "Anyaman Made Bali", "I Made Suarta", "51.04", "Ubud",
        "Pelatihan Anyaman Bambu", ArtisanStatus.VERIFIED,
        "Keranjang dan tas anyaman bambu dari Gianyar, dibuat bersama kelompok kami.",
    ),
    (
        "ulos@demo.bnn.go.id", "Tenun Ulos Toba", "Rosmawati Sinaga", "12.12", "Balige",
        "Pelatihan Tenun Tradisional", ArtisanStatus.VERIFIED,
        "Kain ulos ditenun dengan alat tradisional, warisan yang kami jaga bersama.",
    ),
    (
        "kayu@demo.bnn.go.id", "Ukir Kayu Jepara Bangkit", "Ahmad Fauzi", "33.20", "Mulyoharjo",
        "Pelatihan Ukir Kayu", ArtisanStatus.VERIFIED,
        "Ukiran kayu jati dari sisa bahan mebel, dikerjakan dengan tangan.",
    ),
    (
        "baru@demo.bnn.go.id", "Keramik Baru Kasongan", "Dewi Lestari", "34.02", "Kasongan",
        "Pelatihan Keramik", ArtisanStatus.PENDING,
        "",
    ),
]  # fmt: skip


def seed_demo() -> list[DemoAccount]:
    """Create the demo accounts and artisans that are missing; returns every demo account."""
    printed: list[DemoAccount] = []
    for account in [*STAFF, BUYER]:
        if accounts.find_by_email(account.email) is None:
            accounts.create_user(
                email=account.email,
                password=DEMO_PASSWORD,
                role=account.role,
                scope=account.scope,
                admin=account.admin,
                name=account.name,
            )
        printed.append(account)
    admin = accounts.find_by_email(STAFF[0].email)
    for index, row in enumerate(ARTISANS, start=1):
        email, shop, legal, regency, village, programme, status, story = row
        _ensure_artisan(
            index, email, shop, legal, regency, village, programme, status, story, admin
        )
        printed.append(DemoAccount(email, f"artisan ({status.value})", name=shop))
    # Imported here: the catalog and orders domains import accounts, which this module serves.
    from marketplace.catalog.demo import seed_products
    from marketplace.orders.demo import seed_orders
    from marketplace.orders.shipping import load_defaults as load_shipping_rates

    seed_products()
    load_shipping_rates()
    seed_orders()
    return printed


def _ensure_artisan(index, email, shop, legal, regency, village, programme, status, story, admin):
    """One demo artisan with a training record, created only if missing."""
    if accounts.find_by_email(email) is not None:
        return
    user = accounts.create_user(email=email, password=DEMO_PASSWORD, role=Role.ARTISAN, name=legal)
    with atomic():
        artisan = Artisan(
            user_id=user.id,
            slug=unique_slug(shop),
            shop_name=shop,
            story=story,
            legal_name=legal,
            phone=f"0812000000{index:02d}",
            regency_code=regency,
            province_code=regency.split(".")[0],
            village=village,
            status=status.value,
            verified_at=now_utc() if status is ArtisanStatus.VERIFIED else None,
            verified_by_id=admin.id if status is ArtisanStatus.VERIFIED else None,
        )
        db.session.add(artisan)
        db.session.flush()
        db.session.add(
            TrainingRecord(
                artisan_id=artisan.id,
                programme=programme,
                batch=f"Angkatan {index}",
                training_date=date(2023, index, 10 + index),
                certificate_number=f"BNN/PM/{2023}/{regency.replace('.', '')}/{index:04d}",
                regency_code=regency,
                village=village,
            )
        )


def demo_user_count() -> int:
    """How many demo accounts exist (used by tests of idempotence)."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(User).where(User.email.like("%@demo.bnn.go.id"))
    )
