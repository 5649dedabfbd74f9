"""Taking stock for an order: one conditional update per line, and what is left when short.

The update is the whole guard against overselling (DESIGN.md section 5): it takes the units only
while the product has them, is active and its artisan verified; lines go in product-id order so
two orders never wait for each other in opposite orders.
"""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.artisans.models import Artisan, ArtisanStatus
from marketplace.cart.pricing import PricedCart
from marketplace.catalog.models import Product, ProductStatus
from marketplace.extensions import db

_products = Product.__table__
# Built once (see cart.pricing): it runs for every line of every order.
_TAKE_STOCK = (
    sa.update(_products)
    .where(
        _products.c.id == sa.bindparam("product_id"),
        _products.c.stock >= sa.bindparam("quantity"),
        _products.c.status == ProductStatus.ACTIVE.value,
        sa.select(Artisan.id)
        .where(
            Artisan.id == _products.c.artisan_id,
            Artisan.status == ArtisanStatus.VERIFIED.value,
        )
        .exists(),
    )
    .values(
        stock=_products.c.stock - sa.bindparam("quantity"),
        sold_count=_products.c.sold_count + sa.bindparam("quantity"),
    )
    .returning(_products.c.stock)
)


def take_stock(lines: list[tuple[int, int]]) -> tuple[list[int], list[tuple[int, int, int]]]:
    """One conditional update per line, in product-id order.

    Returns the ids that were short, and (product id, units taken, stock left) of the lines
    that were taken (what catalog.cache.bump_after_sale needs).
    """
    short, taken = [], []
    for product_id, quantity in sorted(lines):
        left = db.session.execute(
            _TAKE_STOCK, {"product_id": product_id, "quantity": quantity}
        ).scalar()
        if left is None:
            short.append(product_id)
        else:
            taken.append((product_id, quantity, left))
    return short, taken


def shortages(short: list[int], priced: PricedCart) -> list[dict]:
    """What is left of the short products, read inside the failing transaction."""
    rows = dict(
        db.session.execute(sa.select(Product.id, Product.stock).where(Product.id.in_(short))).all()
    )
    by_id = {line.product_id: line for line in priced.lines}
    return [
        {
            "product_id": pid,
            "title": by_id[pid].product.title,
            "requested": by_id[pid].quantity,
            "available": rows.get(pid, 0),
        }
        for pid in short
    ]
