"""`flask --app wsgi <command>`: the commands promised in DESIGN.md section 8."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from marketplace.errors import DomainError

regions_cli = AppGroup("regions", help="Indonesia's provinces and regencies.")


@regions_cli.command("load")
def regions_load():
    """Load the 38 provinces and 514 regencies (idempotent)."""
    from marketplace.regions.services import load_regions

    result = load_regions()
    click.echo(
        f"regions: {result.provinces_added} provinces and {result.regencies_added} regencies "
        f"added, {result.renamed} renamed"
    )


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Create demo accounts and data (idempotent) and print the demo logins."""
    from marketplace.demo import DEMO_PASSWORD, seed_demo

    accounts = seed_demo()
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD})")
    for account in accounts:
        scope = f" scope={account.scope}" if account.scope else ""
        admin = " admin" if account.admin else ""
        click.echo(f"  {account.email:<28} {account.role}{scope}{admin}  {account.name}")


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice(["buyer", "artisan", "staff"]))
@click.option("--scope", default=None, help="national, a province code (32) or a regency (32.73)")
@click.option("--admin", is_flag=True, default=False)
@click.option("--name", default="")
def create_user_command(email, password, role, scope, admin, name):
    """Create an account of any role."""
    from marketplace.accounts.services import create_user

    try:
        user = create_user(
            email=email, password=password, role=role, scope=scope, admin=admin, name=name
        )
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"created user {user.id} {user.email} role={user.role} scope={user.staff_scope}")


@click.command("send-mail")
@with_appcontext
def send_mail_command():
    """Send the mail still waiting in the outbox."""
    from marketplace.mail.services import deliver_pending

    total = 0
    while sent := deliver_pending():
        total += sent
    click.echo(f"sent {total} message(s)")


def register_commands(app: Flask) -> None:
    """Attach the commands to the app's CLI."""
    app.cli.add_command(regions_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(send_mail_command)
    from marketplace.catalog.cli import commands as catalog_commands
    from marketplace.dashboard.cli import commands as dashboard_commands
    from marketplace.orders.cli import commands as orders_commands

    for command in (*catalog_commands, *orders_commands, *dashboard_commands):
        app.cli.add_command(command)
