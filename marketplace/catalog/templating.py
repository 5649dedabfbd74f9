"""Helpers the catalog templates call: photo URLs, absolute URLs and schema.org data."""

from __future__ import annotations

from flask import Flask, request, url_for
from flask_babel import format_decimal
from werkzeug.routing import BuildError

from marketplace.cart.services import MAX_QUANTITY
from marketplace.catalog.cache import STOCK_SHOWN_UP_TO
from marketplace.media.pipeline import photo_url, srcset
from marketplace.regions.services import region_name


def absolute(url: str) -> str:
    """An absolute URL for a site path (photos may already live on another host)."""
    if url.startswith(("http://", "https://")):
        return url
    return request.host_url.rstrip("/") + url


def quantity_max(stock: int) -> int:
    """The quantity field's max: the stock while pages show it, else the cart's own limit.

    A sale that leaves more than STOCK_SHOWN_UP_TO units does not evict the cached product page
    (catalog/cache.py), so the page must not hold the exact figure above it; the cart checks
    the quantity against the real stock when it is added ("Stok tinggal N.").
    """
    return stock if stock <= STOCK_SHOWN_UP_TO else MAX_QUANTITY


def product_jsonld(view, language: str) -> dict:
    """schema.org Product data of a product page, for a <script type="application/ld+json">.

    Rendered with |tojson, which escapes <, > and &, so a title cannot close the script element.
    """
    product = view.product
    in_stock = (
        "https://schema.org/InStock" if product.stock > 0 else "https://schema.org/OutOfStock"
    )
    url = url_for("catalog.product", slug=product.slug, _external=True)
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.title,
        "description": product.description[:5000],
        "sku": str(product.id),
        "url": url,
        "image": [absolute(photo_url(p.key, "large", "jpeg")) for p in product.photos],
        "brand": {"@type": "Brand", "name": product.artisan.shop_name},
        "offers": {
            "@type": "Offer",
            "url": url,
            "priceCurrency": "IDR",
            "price": str(product.price_idr),
            "availability": in_stock,
            "seller": {"@type": "Organization", "name": product.artisan.shop_name},
        },
    }
    if view.category is not None:
        data["category"] = view.category.name(language)
    if not data["image"]:
        del data["image"]
    return data


def cart_add_url() -> str:
    """Where the add-to-cart form posts: the cart's endpoint, or its promised path."""
    try:
        return url_for("cart.add")
    except BuildError:  # the cart blueprint without its add route (DESIGN.md promises /cart/add)
        return "/cart/add"


def register(app: Flask) -> None:
    """Make the helpers available to every template."""
    app.add_template_global(photo_url, "product_photo_url")
    app.add_template_global(srcset, "product_photo_srcset")
    app.add_template_global(region_name, "region_name")
    app.add_template_global(absolute, "absolute_url")
    app.add_template_global(product_jsonld, "product_jsonld")
    app.add_template_global(cart_add_url, "cart_add_url")
    app.add_template_global(STOCK_SHOWN_UP_TO, "stock_shown_up_to")
    app.add_template_global(quantity_max, "quantity_max")
    app.add_template_global(format_decimal, "format_decimal")
