"""`flask` commands of the dashboard domain; registered by marketplace/cli.py."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext


@click.command("rebuild-summary")
@with_appcontext
def rebuild_summary_command():
    """Rebuild the dashboard's sales summary from the order lines (safe to run any time)."""
    from marketplace.dashboard.summary import rebuild_summary

    started = time.perf_counter()
    counts = rebuild_summary()
    for name, count in counts.items():
        click.echo(f"  {name:<24} {count:>10} rows")
    click.echo(f"sales summary rebuilt in {time.perf_counter() - started:.1f} s")


commands: list = [rebuild_summary_command]
