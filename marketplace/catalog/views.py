"""Storefront pages: home, product list and search, product, artisan, sitemap and robots.

Views parse the request and render; the services decide what is visible; page_cache serves the
content every visitor sees alike.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from marketplace.catalog import services, templating
from marketplace.catalog.cache import SALE_RANKING_LAG
from marketplace.catalog.categories import all_categories
from marketplace.catalog.filters import SORTS, parse_filters
from marketplace.catalog.page_cache import cached_page, local_cache, read_version
from marketplace.regions import services as regions

bp = Blueprint("catalog", __name__)
bp.record_once(lambda state: templating.register(state.app))


@bp.get("/")
def home():
    """Featured products, categories, shopping by province, and why buying here matters."""
    # The best-seller order moves with every sale, which logs nothing (catalog/cache.py).
    return cached_page(
        "catalog/home.html", lambda: {"home": services.home_page()}, max_age=SALE_RANKING_LAG
    )


@bp.get("/products")
def products():
    """The product list with search, filters, sorting and pages; every state is a GET URL."""

    def build() -> dict:
        filters = parse_filters(request.args)
        return {
            "result": services.list_products(filters=filters),
            "filters": filters,
            "categories": all_categories(),
            "provinces": regions.provinces(),
            "regencies": regions.regencies_of(filters.province) if filters.province else [],
            "sorts": SORTS,
        }

    return cached_page("catalog/products.html", build)


@bp.get("/products/<slug>")
def product(slug: str):
    """A product page; 404 unless the product is active and its artisan verified."""
    return cached_page("catalog/product.html", lambda: {"view": services.product_page(slug=slug)})


@bp.get("/artisans/<slug>")
def artisan(slug: str):
    """An artisan's public shop: story, region and visible products; 404 unless verified."""
    page = parse_filters({"page": request.args.get("page", "1")}).page
    return cached_page(
        "catalog/artisan.html",
        lambda: {"view": services.artisan_page(slug=slug, page=page)},
    )


@bp.get("/sitemap.xml")
def sitemap():
    """Every public page for search engines, cached per catalog version."""
    version = read_version()
    cache = local_cache()
    key = f"sitemap:{request.host_url}"
    entry = cache.get(version, key) if cache is not None else None
    if entry is None:
        body = render_template("catalog/sitemap.xml", sitemap=services.sitemap())
        entry = {"xml": body}
        if cache is not None:
            cache.put(version, key, entry)
    return Response(entry["xml"], mimetype="application/xml")


@bp.get("/robots.txt")
def robots():
    """Crawl everything public; not the private areas; here is the sitemap."""
    return Response(render_template("catalog/robots.txt"), mimetype="text/plain")
