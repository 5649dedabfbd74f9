"""Storefront pages."""

from __future__ import annotations

from flask import Blueprint, render_template

from marketplace.regions import services as regions

bp = Blueprint("catalog", __name__)


@bp.get("/")
def home():
    """The home page."""
    return render_template("catalog/home.html", provinces=regions.provinces())


@bp.get("/products")
def products():
    """The product list; filled in by the storefront work."""
    return render_template("catalog/products.html")
