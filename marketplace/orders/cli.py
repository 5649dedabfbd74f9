"""`flask` commands of the orders domain; registered by marketplace/cli.py."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

shipping_cli = AppGroup("shipping", help="Shipping rates between provinces.")


@shipping_cli.command("load-defaults")
def shipping_load_defaults():
    """Fill in the default rate of every province pair that has none (idempotent)."""
    from marketplace.orders.shipping import load_defaults

    added = load_defaults()
    click.echo(f"shipping: {added} default rate(s) added")


@click.command("release-expired")
@with_appcontext
def release_expired_command():
    """Expire unpaid orders past their time and give their stock back (each exactly once)."""
    from marketplace.orders.services import release_expired

    count = release_expired()
    click.echo(f"expired {count} order(s)")


@click.command("complete-shipments")
@with_appcontext
def complete_shipments_command():
    """Mark delivered the parcels shipped AUTO_COMPLETE_DAYS ago without news (safe to repeat)."""
    from marketplace.orders.shipments import complete_overdue

    count = complete_overdue()
    click.echo(f"delivered {count} shipment(s)")


commands: list = [shipping_cli, release_expired_command, complete_shipments_command]
