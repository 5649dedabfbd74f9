"""`flask` commands of the dashboard domain; registered by marketplace/cli.py."""

from __future__ import annotations

commands: list = []
