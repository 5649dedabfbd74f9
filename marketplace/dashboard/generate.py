"""Bulk sales for the dashboard benchmark: artisans, products, orders, shipments and lines, fast.

Made for bench/dashboard.py (1,000,000 order lines, 500 artisans over the 38 provinces, 18 months)
while the checkout's own generator is not there. Rows go in with executemany inserts in batches,
ids are assigned here so that lines can point at their orders without reading anything back, and
the sales summary is rebuilt once at the end. Deterministic for a seed and an end time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.artisans.models import Artisan
from marketplace.catalog.models import Category, Product
from marketplace.db import atomic
from marketplace.extensions import db
from marketplace.orders.models import Order, OrderLine, Shipment
from marketplace.regions import services as regions

BATCH = 20_000
# Where buyers live: the big Javanese provinces weigh most, every province buys something.
BUYER_WEIGHTS = {"31": 12, "32": 16, "33": 10, "35": 12, "36": 6, "34": 3, "12": 4, "51": 3}
STATES = (("completed", 60), ("paid", 25), ("refunded", 3), ("expired", 7), ("cancelled", 5))


@dataclass(frozen=True)
class BenchData:
    """What generate_sales made."""

    artisans: int
    products: int
    orders: int
    lines: int
    sales_lines: int


def _next_id(model) -> int:
    """The first free id of a table (ids are assigned here, not by the database)."""
    return (db.session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1


def _insert(model, rows: list[dict]) -> None:
    """executemany in batches; column defaults (timestamps, flags) are filled by SQLAlchemy."""
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(model.__table__), rows[start : start + BATCH])


def _categories(rng: random.Random) -> list[int]:
    """The ids of the existing categories, or of ten made here when there are none."""
    ids = list(db.session.scalars(sa.select(Category.id)))
    if ids:
        return ids
    first = _next_id(Category)
    rows = [
        {"id": first + i, "slug": f"bench-kategori-{i}", "name_id": f"Kategori {i}",
         "name_en": f"Category {i}", "position": i}
        for i in range(10)
    ]  # fmt: skip
    _insert(Category, rows)
    return [r["id"] for r in rows]


def _artisans(rng, count: int, seed: int, start: datetime) -> list[dict]:
    """Verified artisans spread over every province in turn, in a random regency of each."""
    provinces = [code for code, _ in regions.provinces()]
    user_id, artisan_id = _next_id(User), _next_id(Artisan)
    users, artisans = [], []
    for n in range(count):
        regency = rng.choice([c for c, _ in regions.regencies_of(provinces[n % len(provinces)])])
        users.append(
            {
                "id": user_id + n,
                "email": f"bench-{seed}-{n}@generated.example.com",
                "password_hash": "!",
                "role": "artisan",
                "name": f"Perajin {n}",
            }
        )
        artisans.append({
            "id": artisan_id + n, "user_id": user_id + n, "slug": f"bench-{seed}-{n}",
            "shop_name": f"Kriya Uji {seed}-{n}", "legal_name": f"Perajin {n}",
            "regency_code": regency, "province_code": regency.split(".")[0], "status": "verified",
            "verified_at": start + timedelta(days=rng.randrange(0, 540)),
        })  # fmt: skip
    _insert(User, users)
    _insert(Artisan, artisans)
    return artisans


def _products(rng, artisans: list[dict], per_artisan: int, categories: list[int], seed: int):
    """A few products per artisan, each in one of the artisan's two favourite categories."""
    product_id = _next_id(Product)
    rows = []
    for artisan in artisans:
        favourites = rng.sample(categories, min(2, len(categories)))
        for _ in range(per_artisan):
            n = product_id + len(rows)
            rows.append({
                "id": n, "artisan_id": artisan["id"], "category_id": rng.choice(favourites),
                "slug": f"bench-{seed}-produk-{n}", "title": f"Kerajinan uji {n}",
                "price_idr": rng.randrange(20, 800) * 1000, "stock": 100, "status": "active",
            })  # fmt: skip
    _insert(Product, rows)
    return rows


def generate_sales(
    *, lines: int, artisans: int = 500, months: int = 18, seed: int = 1,
    products_per_artisan: int = 5, end: datetime | None = None, rebuild: bool = True,
) -> BenchData:  # fmt: skip
    """Make about `lines` order lines over the `months` before `end`, in one transaction.

    Most orders buy from one artisan, some from two; a few are refunded, expired or cancelled
    (their lines stay, and are not sales). The summary is rebuilt after unless rebuild=False.
    """
    from marketplace.dashboard.summary import rebuild_summary

    rng = random.Random(seed)
    end = (end or datetime.now(UTC)).replace(microsecond=0)
    start = end - timedelta(days=round(months * 30.44))
    span = int((end - start).total_seconds())
    buyers = [c for c, _ in regions.provinces()]
    buyer_regencies = {c: [r for r, _ in regions.regencies_of(c)] for c in buyers}
    weights = [BUYER_WEIGHTS.get(c, 1) for c in buyers]
    states, state_weights = zip(*STATES, strict=True)
    with atomic():
        categories = _categories(rng)
        artisan_rows = _artisans(rng, artisans, seed, start - timedelta(days=180))
        products = _products(rng, artisan_rows, products_per_artisan, categories, seed)
        by_artisan = {}
        for product in products:
            by_artisan.setdefault(product["artisan_id"], []).append(product)
        places = {
            a["id"]: (a["regency_code"], a["province_code"], a["shop_name"]) for a in artisan_rows
        }
        order_id, shipment_id, line_id = _next_id(Order), _next_id(Shipment), _next_id(OrderLine)
        first_order = order_id
        orders, shipments, order_lines = [], [], []
        made = sales = 0
        while made < lines:
            status = rng.choices(states, state_weights)[0]
            created = start + timedelta(seconds=rng.randrange(span))
            paid = min(created + timedelta(minutes=rng.randrange(1, 50)), end)  # never future
            is_sale = status in ("completed", "paid", "refunded")
            buyer = rng.choices(buyers, weights)[0]
            subtotal = 0
            sellers = rng.sample(artisan_rows, 1 if rng.random() < 0.8 else 2)
            for seller in sellers:
                regency, province, shop = places[seller["id"]]
                ship_total = 0
                for product in rng.sample(by_artisan[seller["id"]], rng.choice((1, 1, 2, 3))):
                    quantity = rng.choice((1, 1, 1, 2, 3))
                    total = product["price_idr"] * quantity
                    order_lines.append({
                        "id": line_id, "order_id": order_id, "shipment_id": shipment_id,
                        "product_id": product["id"], "artisan_id": seller["id"],
                        "category_id": product["category_id"], "title": product["title"],
                        "artisan_shop_name": shop, "artisan_regency_code": regency,
                        "artisan_province_code": province, "unit_price_idr": product["price_idr"],
                        "quantity": quantity, "line_total_idr": total,
                    })  # fmt: skip
                    line_id += 1
                    made += 1
                    sales += status in ("completed", "paid")
                    ship_total += total
                shipments.append({
                    "id": shipment_id, "order_id": order_id, "artisan_id": seller["id"],
                    "status": "delivered" if status == "completed" else "processing",
                    "subtotal_idr": ship_total, "shipping_idr": 15000, "weight_grams": 800,
                })  # fmt: skip
                shipment_id += 1
                subtotal += ship_total
            shipping = 15000 * len(sellers)
            orders.append({
                "id": order_id, "number": f"B{seed}-{order_id:09d}",
                "idempotency_key": f"bench-{seed}-{order_id}", "status": status,
                "guest_email": f"pembeli{order_id}@example.com", "subtotal_idr": subtotal,
                "shipping_idr": shipping, "total_idr": subtotal + shipping, "ship_name": "Pembeli",
                "ship_phone": "081200000000", "ship_street": "Jl. Uji 1",
                "ship_regency_code": rng.choice(buyer_regencies[buyer]),
                "ship_province_code": buyer, "ship_postal_code": "10110", "created_at": created,
                "expires_at": created + timedelta(hours=1),
                "paid_at": paid if is_sale else None,
                "completed_at": paid + timedelta(days=5) if status == "completed" else None,
                "refunded_at": paid + timedelta(days=2) if status == "refunded" else None,
                "expired_at": created + timedelta(hours=1) if status == "expired" else None,
                "cancelled_at": created + timedelta(minutes=30) if status == "cancelled" else None,
            })  # fmt: skip
            order_id += 1
            if len(order_lines) >= BATCH:
                _flush(orders, shipments, order_lines)
        _flush(orders, shipments, order_lines)
        _fix_sequences()
    if rebuild:
        rebuild_summary()
    return BenchData(len(artisan_rows), len(products), order_id - first_order, made, sales)


def _flush(orders: list, shipments: list, order_lines: list) -> None:
    """Write the pending rows in foreign-key order and empty the lists."""
    _insert(Order, orders)
    _insert(Shipment, shipments)
    _insert(OrderLine, order_lines)
    orders.clear()
    shipments.clear()
    order_lines.clear()


def _fix_sequences() -> None:
    """PostgreSQL: move each id sequence past the ids assigned here."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in (User, Artisan, Category, Product, Order, Shipment, OrderLine):
        table = model.__table__
        highest = sa.select(sa.func.coalesce(sa.func.max(table.c.id), 1)).scalar_subquery()
        sequence = sa.func.pg_get_serial_sequence(table.name, "id")
        db.session.execute(sa.select(sa.func.setval(sequence, highest)))
