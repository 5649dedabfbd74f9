"""`flask` commands of the catalog domain; registered by marketplace/cli.py."""

from __future__ import annotations

commands: list = []
