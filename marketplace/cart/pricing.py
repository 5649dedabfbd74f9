"""Reading a cart's products and prices from the database: per artisan and overall.

The same reading serves the cart page, the checkout page and place_order(), so what the buyer
sees is what the order copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from marketplace.artisans.models import Artisan, ArtisanStatus
from marketplace.catalog.models import Product, ProductStatus
from marketplace.extensions import db


@dataclass(frozen=True)
class ProductInfo:
    """What a cart or an order line needs of a product and its artisan, read in one query."""

    id: int
    slug: str
    title: str
    price_idr: int
    stock: int
    weight_grams: int
    category_id: int
    artisan_id: int
    shop_name: str
    artisan_regency_code: str
    artisan_province_code: str
    sellable: bool


# Built once, run with new ids: on the cart and checkout path SQLAlchemy spends longer building
# and keying a statement than PostgreSQL spends running it.
_PRODUCTS_BY_ID = (
    sa.select(
        Product.id,
        Product.slug,
        Product.title,
        Product.price_idr,
        Product.stock,
        Product.weight_grams,
        Product.category_id,
        Product.artisan_id,
        Artisan.shop_name,
        Artisan.regency_code,
        Artisan.province_code,
        (Product.status == ProductStatus.ACTIVE.value)
        & (Artisan.status == ArtisanStatus.VERIFIED.value),
    )
    .join(Artisan, Artisan.id == Product.artisan_id)
    .where(Product.id.in_(sa.bindparam("ids", expanding=True)))
)


def load_products(product_ids) -> dict[int, ProductInfo]:
    """Products by id (missing ids are simply absent), with whether buyers may buy them now."""
    ids = sorted({int(pid) for pid in product_ids})
    if not ids:
        return {}
    rows = db.session.execute(_PRODUCTS_BY_ID, {"ids": ids}).all()
    return {row[0]: ProductInfo(*row[:11], sellable=bool(row[11])) for row in rows}


def sellable_products(product_ids) -> dict[int, ProductInfo]:
    """Only the products buyers may buy now (active, artisan verified)."""
    return {pid: p for pid, p in load_products(product_ids).items() if p.sellable}


@dataclass
class CartLine:
    """One product in the cart, priced now."""

    product: ProductInfo | None
    product_id: int
    quantity: int
    problem: str = ""

    @property
    def line_total_idr(self) -> int:
        """Unit price times quantity (0 for a product that is gone)."""
        return self.product.price_idr * self.quantity if self.product else 0


@dataclass
class CartGroup:
    """The products of one artisan: one shipment at checkout."""

    artisan_id: int
    shop_name: str
    province_code: str
    regency_code: str
    lines: list[CartLine] = field(default_factory=list)
    shipping_idr: int | None = None

    @property
    def subtotal_idr(self) -> int:
        """Goods of this artisan."""
        return sum(line.line_total_idr for line in self.lines if not line.problem)

    @property
    def weight_grams(self) -> int:
        """Weight of the parcel."""
        return sum(
            line.product.weight_grams * line.quantity for line in self.lines if not line.problem
        )


@dataclass
class PricedCart:
    """A cart priced from the database, grouped by artisan."""

    groups: list[CartGroup]
    gone: list[CartLine]

    @property
    def lines(self) -> list[CartLine]:
        """Every line, gone ones last."""
        return [line for group in self.groups for line in group.lines] + self.gone

    @property
    def subtotal_idr(self) -> int:
        """Goods of every artisan."""
        return sum(group.subtotal_idr for group in self.groups)

    @property
    def shipping_idr(self) -> int | None:
        """Shipping of every shipment, once quoted."""
        if any(group.shipping_idr is None for group in self.groups):
            return None
        return sum(group.shipping_idr for group in self.groups)

    @property
    def total_idr(self) -> int | None:
        """Goods plus shipping, once quoted."""
        shipping = self.shipping_idr
        return None if shipping is None else self.subtotal_idr + shipping

    @property
    def item_count(self) -> int:
        """Units in the cart."""
        return sum(line.quantity for line in self.lines)

    @property
    def has_problems(self) -> bool:
        """True when some line cannot be ordered as it is."""
        return any(line.problem for line in self.lines)

    @property
    def is_empty(self) -> bool:
        """True for a cart without lines."""
        return not self.groups and not self.gone


def price_cart(items: dict[int, int]) -> PricedCart:
    """Price a cart ({product_id: quantity}) from the database, grouped by artisan.

    Lines whose product is gone or no longer for sale, or whose quantity exceeds the stock, carry
    a message saying so; they stop checkout until the buyer fixes them.
    """
    products = load_products(items)
    groups: dict[int, CartGroup] = {}
    gone: list[CartLine] = []
    for pid in sorted(items):
        product = products.get(pid)
        quantity = items[pid]
        if product is None or not product.sellable:
            gone.append(CartLine(product, pid, quantity, _("Produk ini sudah tidak tersedia.")))
            continue
        problem = ""
        if product.stock <= 0:
            problem = _("Stok habis.")
        elif quantity > product.stock:
            problem = _("Stok tinggal %(n)d.", n=product.stock)
        group = groups.get(product.artisan_id)
        if group is None:
            group = groups[product.artisan_id] = CartGroup(
                product.artisan_id,
                product.shop_name,
                product.artisan_province_code,
                product.artisan_regency_code,
            )
        group.lines.append(CartLine(product, pid, quantity, problem))
    ordered = sorted(groups.values(), key=lambda g: (g.shop_name.lower(), g.artisan_id))
    return PricedCart(ordered, gone)
