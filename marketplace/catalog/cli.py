"""`flask` commands of the catalog domain; registered by marketplace/cli.py."""

from __future__ import annotations

import importlib.util
import time

import click
from flask.cli import AppGroup, with_appcontext

catalog_cli = AppGroup("catalog", help="Categories and the product search index.")


@catalog_cli.command("load-categories")
def load_categories_command():
    """Create the craft categories that are missing (idempotent; production needs them too)."""
    from marketplace.catalog.categories import CATEGORIES, load_categories

    added = load_categories()
    click.echo(f"categories: {added} added, {len(CATEGORIES)} known")


@catalog_cli.command("reindex")
def reindex_command():
    """Rebuild the product search index and the list index from the current data."""
    from marketplace.catalog.search import rebuild_index
    from marketplace.db import atomic

    with atomic():
        count = rebuild_index()
    click.echo(f"search index: {count} visible products indexed")


@click.command("generate-data")
@with_appcontext
@click.option("--artisans", type=click.IntRange(0, 100_000), default=50, show_default=True)
@click.option("--products", type=click.IntRange(0, 2_000_000), default=1000, show_default=True)
@click.option("--orders", type=click.IntRange(0, 10_000_000), default=0, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
def generate_data_command(artisans, products, orders, seed):
    """Bulk data for benchmarks: verified artisans in all 38 provinces, products, orders."""
    from marketplace.catalog.generate import generate_data
    from marketplace.errors import DomainError

    started = time.perf_counter()
    try:
        result = generate_data(artisans=artisans, products=products, seed=seed)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(
        f"generated {result.artisans} artisans in {result.provinces} provinces and "
        f"{result.products} products ({result.indexed} searchable) "
        f"in {time.perf_counter() - started:.1f}s"
    )
    if orders:
        if importlib.util.find_spec("marketplace.orders.generate") is None:
            click.echo(
                "orders: not supported yet (marketplace.orders.generate is missing); skipped"
            )
        else:
            from marketplace.orders.generate import generate_orders

            started = time.perf_counter()
            made = generate_orders(count=orders, seed=seed)
            click.echo(f"generated {made} orders in {time.perf_counter() - started:.1f}s")


commands: list = [catalog_cli, generate_data_command]
