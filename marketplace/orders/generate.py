"""Scale data: `generate_orders(count=N, seed=S)` builds N PAID orders in bulk, for benchmarks.

Each order has 1 to 4 lines from active products of verified artisans (most orders from one
artisan, some from several), a buyer from one of many provinces, a shipment per artisan with the
default shipping rate, a succeeded payment, its two status events and one ledger 'sale' per
shipment, created and paid over the last 18 months. Lines copy the sale data as checkout does.

Speed: ids are precomputed and rows go in batches through the driver itself (sqlite3
executemany, PostgreSQL COPY), all in one transaction: a million order lines in well under a
minute on SQLite. It never touches product stock: this is data for measuring, not a shop's history.
Deterministic for a given seed and starting database.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from marketplace.artisans.models import Artisan, ArtisanStatus
from marketplace.catalog.models import Product, ProductStatus
from marketplace.db import atomic, now_utc
from marketplace.extensions import db
from marketplace.orders.shipping import default_rate
from marketplace.regions import services as regions

BATCH_ORDERS = 20_000
PAY_DELAY = timedelta(minutes=180)  # the longest a generated order waits for its payment
MONTHS = 18
# Where buyers live, roughly by population: Java's provinces weigh more.
HEAVY = {"31": 4, "32": 6, "33": 5, "35": 5, "36": 3, "12": 2, "16": 2, "73": 2, "51": 2}

COLUMNS = {
    "users": ("id", "email", "name", "password_hash", "role", "staff_scope", "is_admin",
              "is_active_account", "locale", "session_version", "created_at", "updated_at"),
    "orders": ("id", "number", "buyer_id", "idempotency_key", "status", "locale", "payment_method",
               "subtotal_idr", "shipping_idr", "total_idr", "ship_name", "ship_phone",
               "ship_street", "ship_village", "ship_regency_code", "ship_province_code",
               "ship_postal_code", "created_at", "expires_at", "paid_at"),
    "shipments": ("id", "order_id", "artisan_id", "status", "subtotal_idr", "shipping_idr",
                  "weight_grams", "courier", "tracking_number"),
    "order_lines": ("id", "order_id", "shipment_id", "product_id", "artisan_id", "category_id",
                    "title", "artisan_shop_name", "artisan_regency_code", "artisan_province_code",
                    "unit_price_idr", "quantity", "line_total_idr"),
    "payments": ("id", "order_id", "provider", "status", "amount_idr", "currency", "checkout_url",
                 "created_at", "decided_at", "note", "flagged", "flag_reason"),
    "order_events": ("id", "order_id", "at", "from_status", "to_status", "note"),
    "ledger_entries": ("id", "artisan_id", "kind", "amount_idr", "order_id", "shipment_id",
                       "created_at", "note"),
}  # fmt: skip


def generate_orders(*, count: int, seed: int) -> int:
    """Insert `count` paid orders (see the module docstring); returns how many were made."""
    if count <= 0:
        return 0
    rng = random.Random(seed)
    with atomic():
        products = _products()
        if not products:
            return 0
        writer = _Writer()
        ids = {table: _next_id(table) for table in COLUMNS}
        buyers = _buyers(rng, writer, ids, max(1, min(50_000, count // 4)))
        by_artisan: dict[int, list[tuple]] = {}
        for product in products:
            by_artisan.setdefault(product[1], []).append(product)
        artisans = sorted(by_artisan)
        # naive UTC: cheap to write. Orders are paid up to PAY_DELAY after they are made and no
        # payment may lie in the future (the dashboard reads the current month as complete).
        end = now_utc().replace(microsecond=0, tzinfo=None) - PAY_DELAY
        span = int(timedelta(days=round(MONTHS * 30.44)).total_seconds())
        # Oldest first, so ids grow with time as in a real shop, and the time indexes are
        # appended to instead of being updated all over (a big difference on SQLite).
        offsets = sorted((int(span * rng.random() ** 1.3) for _ in range(count)), reverse=True)
        made = 0
        while made < count:
            batch = offsets[made : made + BATCH_ORDERS]
            rows = {table: [] for table in COLUMNS if table != "users"}
            for offset in batch:
                _one_order(rng, rows, ids, end - timedelta(seconds=offset), rng.choice(buyers),
                           by_artisan, artisans, products, writer.ts)  # fmt: skip
            for table, table_rows in rows.items():
                writer.insert(table, table_rows)
            made += len(batch)
        writer.fix_sequences()
        writer.close()
    _rebuild_summary()
    return made


def _products() -> list[tuple]:
    """(id, artisan_id, category_id, title, price, weight, shop, regency, province), by id."""
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(
                Product.id,
                Product.artisan_id,
                Product.category_id,
                Product.title,
                Product.price_idr,
                Product.weight_grams,
                Artisan.shop_name,
                Artisan.regency_code,
                Artisan.province_code,
            )
            .join(Artisan, Artisan.id == Product.artisan_id)
            .where(
                Product.status == ProductStatus.ACTIVE.value,
                Artisan.status == ArtisanStatus.VERIFIED.value,
            )
            .order_by(Product.id)
        )
    ]


def _next_id(table: str) -> int:
    """The first id free in a table (ids are assigned here, not by the database)."""
    return (db.session.scalar(sa.text(f"SELECT max(id) FROM {table}")) or 0) + 1  # noqa: S608


def _buyers(rng, writer, ids, count: int) -> list[tuple[int, str, str, str]]:
    """Buyer accounts (no password: they cannot log in) spread over every province."""
    provinces = [code for code, _name in regions.provinces()]
    weights = [HEAVY.get(code, 1) for code in provinces]
    regencies = {code: [r for r, _n in regions.regencies_of(code)] for code in provinces}
    now = writer.ts(now_utc())
    rows, buyers = [], []
    for _ in range(count):
        user_id = ids["users"]
        ids["users"] += 1
        province = rng.choices(provinces, weights)[0]
        regency = rng.choice(regencies[province])
        name = f"Pembeli {user_id}"
        rows.append((user_id, f"pembeli.gen{user_id}@example.com", name, None, "buyer", None,
                     False, True, "id", 1, now, now))  # fmt: skip
        buyers.append((user_id, name, regency, province))
    writer.insert("users", rows)
    return buyers


def _one_order(rng, rows, ids, created, buyer, by_artisan, artisans, products, ts: Callable):
    """Append one paid order's rows (order, shipments, lines, payment, events, ledger)."""
    buyer_id, name, regency, province = buyer
    order_id = ids["orders"]
    ids["orders"] += 1
    wanted = rng.choice((1, 1, 1, 2, 2, 3, 4))
    if rng.random() < 0.7:
        pool = by_artisan[rng.choice(artisans)]
        chosen = rng.sample(pool, min(wanted, len(pool)))
    else:
        chosen = list({p[0]: p for p in (rng.choice(products) for _ in range(wanted))}.values())
    paid = created + timedelta(minutes=rng.randint(3, PAY_DELAY.seconds // 60))
    groups: dict[int, list[tuple]] = {}
    for product in sorted(chosen):
        groups.setdefault(product[1], []).append(product)
    subtotal = shipping = 0
    for artisan_id, lines in groups.items():
        shipment_id = ids["shipments"]
        ids["shipments"] += 1
        goods = weight = 0
        for product in lines:
            pid, _aid, category, title, price, grams, shop, a_regency, a_province = product
            quantity = rng.choice((1, 1, 1, 2, 3))
            rows["order_lines"].append((ids["order_lines"], order_id, shipment_id, pid, artisan_id,
                                        category, title, shop, a_regency, a_province, price,
                                        quantity, price * quantity))  # fmt: skip
            ids["order_lines"] += 1
            goods += price * quantity
            weight += grams * quantity
        fee = default_rate(lines[0][8], province).cost(weight)
        rows["shipments"].append((shipment_id, order_id, artisan_id, "processing", goods, fee,
                                  weight, "", ""))  # fmt: skip
        rows["ledger_entries"].append((ids["ledger_entries"], artisan_id, "sale", goods + fee,
                                       order_id, shipment_id, ts(paid), ""))  # fmt: skip
        ids["ledger_entries"] += 1
        subtotal += goods
        shipping += fee
    total = subtotal + shipping
    rows["orders"].append((
        order_id, f"GEN-{created:%y%m%d}-{order_id}", buyer_id, f"generated-{order_id}", "paid",
        "id", "manual_transfer", subtotal, shipping, total, name, "+6281200000000",
        f"Jl. Contoh No. {order_id % 200 + 1}", "", regency, province, "40115", ts(created),
        ts(created + timedelta(minutes=60)), ts(paid),
    ))  # fmt: skip
    rows["payments"].append((ids["payments"], order_id, "manual_transfer", "succeeded", total,
                             "IDR", "", ts(created), ts(paid), "", False, ""))  # fmt: skip
    ids["payments"] += 1
    for at, old, new in ((created, "", "pending_payment"), (paid, "pending_payment", "paid")):
        rows["order_events"].append((ids["order_events"], order_id, ts(at), old, new, ""))
        ids["order_events"] += 1


class _Writer:
    """Bulk inserts through the driver of the current transaction's connection."""

    def __init__(self):
        """Take the raw connection of the session's transaction (on SQLite, with a big page
        cache for the load: index updates then stay in memory)."""
        connection = db.session.connection()
        self.dialect = connection.dialect.name
        self.raw = connection.connection.driver_connection
        if self.dialect == "sqlite":
            self.cache_size = self.raw.execute("PRAGMA cache_size").fetchone()[0]
            self.raw.execute("PRAGMA cache_size = -524288")  # 512 MiB, for this load only

    def close(self) -> None:
        """Give the connection its usual page cache back."""
        if self.dialect == "sqlite":
            self.raw.execute(f"PRAGMA cache_size = {int(self.cache_size)}")

    def ts(self, value: datetime):
        """A UTC time as the UTCDateTime columns store it (naive UTC; SQLite: its text form)."""
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        if self.dialect == "sqlite":
            return value.isoformat(" ", "microseconds")
        return value

    def insert(self, table: str, rows: Iterable[tuple]) -> None:
        """executemany on SQLite, COPY on PostgreSQL."""
        columns = COLUMNS[table]
        cursor = self.raw.cursor()
        try:
            if self.dialect == "sqlite":
                marks = ", ".join("?" * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                    rows,
                )
            else:
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        finally:
            cursor.close()

    def fix_sequences(self) -> None:
        """PostgreSQL: move each id sequence past the ids assigned here."""
        if self.dialect != "postgresql":
            return
        for table in COLUMNS:
            db.session.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
            )


def _rebuild_summary() -> None:
    """Let the dashboard recount its summary from the order lines, if it can."""
    from marketplace.dashboard import summary

    rebuild = getattr(summary, "rebuild_summary", None)
    if rebuild is not None:
        rebuild()
