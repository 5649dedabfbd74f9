"""`generate-data`: a large, realistic, deterministic data set for benchmarks, built fast.

Artisans (with their users and training records) are spread over all 38 provinces in turn, then
products are drawn among them; everything goes in with executemany inserts in one transaction and
the search index is rebuilt once at the end. The same --seed on the same database gives the same
data: every random choice comes from one random.Random(seed), and times count back from a fixed
moment rather than from now.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from slugify import slugify

from marketplace.accounts import passwords
from marketplace.accounts.models import User
from marketplace.artisans.models import Artisan, TrainingRecord
from marketplace.catalog import search
from marketplace.catalog.cache import bump_catalog_version
from marketplace.catalog.categories import all_categories, load_categories
from marketplace.catalog.generate_words import (
    CATALOGUE,
    FIRST_NAMES,
    LAST_NAMES,
    PROGRAMMES,
    SHOP_PREFIXES,
    SHOP_WORDS,
    description_for,
    story_for,
)
from marketplace.catalog.models import Product
from marketplace.db import atomic
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import db
from marketplace.regions import services as regions

# Generated times count back from here, so a seed always yields the same rows.
ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
GENERATED_PASSWORD = "perajin-data-uji-coba"  # noqa: S105 - synthetic accounts for load tests
BATCH = 2000


@dataclass(frozen=True)
class Generated:
    """What generate_data made."""

    artisans: int
    provinces: int
    products: int
    indexed: int


def email_for(seed: int, n: int) -> str:
    """The e-mail of generated artisan n of a seed."""
    return f"perajin-{seed}-{n}@generated.example.com"


def generate_data(*, artisans: int, products: int, seed: int) -> Generated:
    """Make `artisans` verified artisans and `products` products; rebuild the search index.

    Raises ValidationError without regions or with products but no artisans, and Conflict when
    this seed was already used on this database (its e-mails would collide).
    """
    provinces = [code for code, _name in regions.provinces()]
    if not provinces:
        raise ValidationError(_("Muat data wilayah dulu: flask regions load."))
    if products and not artisans:
        raise ValidationError(_("Produk membutuhkan setidaknya satu perajin."))
    load_categories()
    if db.session.scalar(sa.select(User.id).where(User.email == email_for(seed, 1))):
        raise Conflict(_("Data untuk seed %(seed)d sudah dibuat di basis data ini.", seed=seed))
    rng = random.Random(seed)
    categories = [(c.id, c.slug) for c in all_categories()]
    with atomic():
        artisan_rows = make_artisans(rng, artisans, seed, provinces)
        made = make_products(rng, products, seed, artisan_rows, categories)
        bump_catalog_version()
        indexed = search.rebuild_index()
        analyze()
    used = {row["province_code"] for row in artisan_rows}
    return Generated(len(artisan_rows), len(used), made, indexed)


# What generate-data fills: the planner needs to know their size to pick index lookups over scans.
ANALYZED_TABLES = (
    "users",
    "artisans",
    "training_records",
    "products",
    "product_search",
    "list_entries",
    "list_blocks_newest",
    "list_blocks_price",
)


def analyze() -> None:
    """Refresh the planner's statistics of the tables a bulk load filled (PostgreSQL's
    autovacuum would in a while; SQLite never does by itself)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text(f"ANALYZE {', '.join(ANALYZED_TABLES)}"))
    else:
        for table in ANALYZED_TABLES:
            if table != "product_search":  # the FTS5 table plans by its own module
                db.session.execute(sa.text(f"ANALYZE {table}"))


def make_artisans(rng: random.Random, count: int, seed: int, provinces: list[str]) -> list[dict]:
    """Insert users, verified artisans and training records; returns the artisan rows with ids."""
    if not count:
        return []
    password_hash = passwords.hash_password(GENERATED_PASSWORD)  # one hash: argon2 is slow
    people, shops = [], []
    for n in range(1, count + 1):
        province = provinces[(n - 1) % len(provinces)]
        regency = rng.choice(regions.regencies_of(province))[0]
        legal = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        shop = (
            f"{rng.choice(SHOP_PREFIXES)} {rng.choice(SHOP_WORDS)} {regions.region_name(regency)}"
        )
        shop = shop.replace("Kabupaten ", "").replace("Kota ", "")[:80]
        craft = rng.randrange(len(CATALOGUE))
        joined = ANCHOR - timedelta(days=rng.randrange(30, 900))
        people.append(
            {
                "email": email_for(seed, n),
                "name": legal,
                "password_hash": password_hash,
                "role": "artisan",
                "staff_scope": None,
                "is_admin": False,
                "is_active_account": True,
                "locale": "id",
                "session_version": 1,
                "last_login_at": None,
                "created_at": joined,
                "updated_at": joined,
            }
        )
        shops.append((n, province, regency, legal, shop, craft, joined))
    user_ids = db.session.scalars(
        sa.insert(User.__table__).returning(User.id, sort_by_parameter_order=True), people
    ).all()
    rows = []
    for user_id, (n, province, regency, legal, shop, craft, joined) in zip(
        user_ids, shops, strict=True
    ):
        rows.append(
            {
                "user_id": user_id,
                "slug": f"{slugify(shop, max_length=60)}-{seed}-{n}",
                "shop_name": shop,
                "story": story_for(rng, craft),
                "legal_name": legal,
                "phone": f"08{rng.randrange(10**9, 10**10)}",
                "regency_code": regency,
                "province_code": province,
                "village": f"Desa {rng.choice(SHOP_WORDS)}",
                "status": "verified",
                "status_reason": "",
                "verified_at": joined + timedelta(days=7),
                "verified_by_id": None,
                "created_at": joined,
                "updated_at": joined,
                "craft": craft,
            }
        )
    columns = [r.copy() for r in rows]
    for r in columns:
        del r["craft"]
    ids = db.session.scalars(
        sa.insert(Artisan.__table__).returning(Artisan.id, sort_by_parameter_order=True), columns
    ).all()
    training = []
    for artisan_id, row in zip(ids, rows, strict=True):
        row["id"] = artisan_id
        training.append(
            {
                "artisan_id": artisan_id,
                "programme": PROGRAMMES[row["craft"] % len(PROGRAMMES)],
                "batch": f"Angkatan {rng.randrange(1, 12)}",
                "training_date": date(2022 + rng.randrange(4), rng.randrange(1, 13), 15),
                "certificate_number": f"BNN/PM/{row['province_code']}/{artisan_id:06d}",
                "regency_code": row["regency_code"],
                "village": row["village"],
            }
        )
    db.session.execute(sa.insert(TrainingRecord.__table__), training)
    return rows


def make_products(
    rng: random.Random, count: int, seed: int, artisans: list[dict], categories: list
) -> int:
    """Insert count products among the artisans, mostly in each artisan's own craft."""
    slug_to_id = dict((slug, cid) for cid, slug in categories)
    batch: list[dict] = []
    for n in range(1, count + 1):
        artisan = artisans[min(int(rng.paretovariate(1.2)) - 1, len(artisans) - 1)]
        artisan = artisan if rng.random() < 0.3 else rng.choice(artisans)
        craft = artisan["craft"] if rng.random() < 0.75 else rng.randrange(len(CATALOGUE))
        slug, nouns, styles, (low, high), (light, heavy) = CATALOGUE[craft]
        title = f"{rng.choice(nouns)} {rng.choice(styles)}"[:120]
        roll = rng.random()
        status = "active" if roll < 0.9 else ("draft" if roll < 0.96 else "archived")
        created = ANCHOR - timedelta(minutes=rng.randrange(60, 365 * 24 * 60))
        stock = 0 if rng.random() < 0.08 else rng.randrange(1, 60)
        batch.append(
            {
                "artisan_id": artisan["id"],
                "category_id": slug_to_id[slug],
                "slug": f"{slugify(title, max_length=90)}-{seed}-{n}",
                "title": title,
                "description": description_for(rng, craft, title),
                "price_idr": rng.randrange(low // 1000, high // 1000 + 1) * 1000,
                "stock": stock,
                "sold_count": rng.randrange(0, 250),
                "weight_grams": rng.randrange(light // 10, heavy // 10 + 1) * 10,
                "status": status,
                "published_at": None if status == "draft" else created + timedelta(hours=2),
                "created_at": created,
                "updated_at": created + timedelta(hours=2),
            }
        )
        if len(batch) == BATCH:
            db.session.execute(sa.insert(Product.__table__), batch)
            batch = []
    if batch:
        db.session.execute(sa.insert(Product.__table__), batch)
    return count
