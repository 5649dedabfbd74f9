"""`flask` commands of the orders domain; registered by marketplace/cli.py."""

from __future__ import annotations

commands: list = []
