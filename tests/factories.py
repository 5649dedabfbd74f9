"""Test data, made through the same models the app uses. Call inside an app context."""

from __future__ import annotations

import itertools
from datetime import date

from marketplace.accounts import passwords
from marketplace.accounts.models import User
from marketplace.artisans.models import Artisan, ArtisanStatus, TrainingRecord
from marketplace.db import atomic
from marketplace.extensions import db

PASSWORD = "kain-tenun-biru-77"
_seq = itertools.count(1)


def make_user(
    *,
    role: str = "buyer",
    email: str | None = None,
    password: str = PASSWORD,
    scope: str | None = None,
    admin: bool = False,
    name: str = "",
) -> User:
    """A committed user; staff default to national scope."""
    n = next(_seq)
    if role == "staff" and scope is None:
        scope = "national"
    with atomic():
        user = User(
            email=email or f"user{n}@example.com",
            password_hash=passwords.hash_password(password),
            role=role,
            staff_scope=scope,
            is_admin=admin,
            name=name or f"User {n}",
        )
        db.session.add(user)
    return user


def make_artisan(
    *,
    regency: str = "32.73",
    status: str = ArtisanStatus.VERIFIED.value,
    shop_name: str | None = None,
    email: str | None = None,
    story: str = "Cerita perajin.",
) -> Artisan:
    """A committed artisan account with its training record."""
    n = next(_seq)
    user = make_user(role="artisan", email=email or f"artisan{n}@example.com")
    with atomic():
        artisan = Artisan(
            user_id=user.id,
            slug=f"toko-{n}",
            shop_name=shop_name or f"Toko Perajin {n}",
            story=story,
            legal_name=f"Nama Asli {n}",
            phone=f"08123456{n:04d}",
            regency_code=regency,
            province_code=regency.split(".")[0],
            village=f"Desa {n}",
            status=status,
        )
        db.session.add(artisan)
        db.session.flush()
        db.session.add(
            TrainingRecord(
                artisan_id=artisan.id,
                programme="Pelatihan Membatik",
                batch="Angkatan 1",
                training_date=date(2024, 3, 1),
                certificate_number=f"BNN/{n:05d}",
                regency_code=regency,
                village=f"Desa {n}",
            )
        )
    return artisan


def make_category(*, slug: str | None = None, name_id: str = "", name_en: str = ""):
    """A committed category."""
    from marketplace.catalog.models import Category

    n = next(_seq)
    with atomic():
        category = Category(
            slug=slug or f"kategori-{n}",
            name_id=name_id or f"Kategori {n}",
            name_en=name_en or f"Category {n}",
            position=n,
        )
        db.session.add(category)
    return category


def make_product(
    *,
    artisan_id: int | None = None,
    category_id: int | None = None,
    title: str | None = None,
    description: str = "Dibuat dengan tangan.",
    price_idr: int = 150_000,
    stock: int = 10,
    weight_grams: int = 500,
    status: str = "active",
):
    """A committed product, in the list and search indexes if buyers may see it; makes a verified
    artisan and a category when none are given."""
    from marketplace.catalog import search
    from marketplace.catalog.models import Product
    from marketplace.db import now_utc

    n = next(_seq)
    if artisan_id is None:
        artisan_id = make_artisan().id
    if category_id is None:
        category_id = make_category().id
    with atomic():
        product = Product(
            artisan_id=artisan_id,
            category_id=category_id,
            slug=f"produk-{n}",
            title=title or f"Produk {n}",
            description=description,
            price_idr=price_idr,
            stock=stock,
            weight_grams=weight_grams,
            status=status,
            published_at=now_utc() if status == "active" else None,
        )
        db.session.add(product)
        db.session.flush()
        # As the shop's writers do: the lists and the search read their indexes.
        search.reindex_product(product.id)
    return product
