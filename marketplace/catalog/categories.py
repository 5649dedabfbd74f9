"""The craft categories the shop starts with, and the idempotent loader used in production.

`flask --app wsgi catalog load-categories` and the demo seed both call load_categories(): a fresh
production database needs the same categories as a developer's laptop.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import g, has_request_context

from marketplace.catalog.cache import bump_catalog_version
from marketplace.catalog.models import Category
from marketplace.db import atomic
from marketplace.extensions import db

# slug, Indonesian name, English name; the order is the order buyers see.
CATEGORIES: list[tuple[str, str, str]] = [
    ("batik", "Batik", "Batik"),
    ("tenun", "Tenun", "Woven textiles"),
    ("anyaman", "Anyaman", "Basketry"),
    ("kerajinan-kayu", "Kerajinan kayu", "Woodcraft"),
    ("keramik", "Keramik dan gerabah", "Ceramics and pottery"),
    ("aksesoris", "Aksesoris", "Accessories"),
    ("tas-dompet", "Tas dan dompet", "Bags and wallets"),
    ("dekorasi-rumah", "Dekorasi rumah", "Home decor"),
    ("makanan-olahan", "Makanan olahan", "Packaged food"),
    ("minuman", "Kopi dan minuman", "Coffee and drinks"),
]


@dataclass(frozen=True)
class CategoryInfo:
    """What pages need of a category: plain values, safe to cache across requests."""

    id: int
    slug: str
    name_id: str
    name_en: str

    def name(self, locale: str) -> str:
        """The name in the page's language."""
        return self.name_en if str(locale).startswith("en") else self.name_id


def load_categories() -> int:
    """Insert the categories that are missing and fix changed names; returns how many were added.

    Existing categories are never deleted or renumbered: products and order lines refer to them.
    """
    added = renamed = 0
    with atomic():
        existing = {c.slug: c for c in db.session.scalars(sa.select(Category))}
        for position, (slug, name_id, name_en) in enumerate(CATEGORIES, start=1):
            category = existing.get(slug)
            if category is None:
                db.session.add(
                    Category(slug=slug, name_id=name_id, name_en=name_en, position=position)
                )
                added += 1
            elif (category.name_id, category.name_en) != (name_id, name_en):
                category.name_id, category.name_en = name_id, name_en
                renamed += 1
        if renamed:
            # Category names are searchable in both languages: refresh the index with them.
            from marketplace.catalog.search import rebuild_index

            db.session.flush()
            rebuild_index()
        if added or renamed:
            # Category names show on every list page.
            bump_catalog_version()
    return added


def all_categories() -> list[CategoryInfo]:
    """Every category in display order (one small query, once per request)."""
    # A list page asks twice (reading the category filter, then for the form); categories only
    # change by `flask catalog load-categories`, never during a request.
    memo = g.get("_catalog_categories") if has_request_context() else None
    if memo is None:
        rows = db.session.execute(
            sa.select(Category.id, Category.slug, Category.name_id, Category.name_en).order_by(
                Category.position, Category.id
            )
        )
        memo = [CategoryInfo(*row) for row in rows]
        if has_request_context():
            g._catalog_categories = memo
    return list(memo)


def category_by_slug(slug: str | None) -> CategoryInfo | None:
    """The category with this slug, or None for an empty or unknown one."""
    if not slug:
        return None
    return next((c for c in all_categories() if c.slug == slug), None)
