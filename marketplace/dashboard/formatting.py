"""Numbers on the dashboard pages, formatted once per cell in plain Python.

A national page has about a thousand numbers; Babel's locale-aware formatting costs tens of
microseconds each, so the page's language is looked up once and the few patterns we need (Rupiah,
whole numbers, a signed percentage with one decimal) are applied directly.
"""

from __future__ import annotations

from marketplace.dashboard.tables import COUNT, DAY, IDR, PERCENT
from marketplace.money import format_idr


class Formatter:
    """Formats values for one page in one language (`id`: 1.234,5; `en`: 1,234.5)."""

    def __init__(self, language: str):
        """Remember the language's separators."""
        self.language = language
        self.english = language.startswith("en")

    def number(self, value) -> str:
        """A whole number with thousands separators."""
        text = f"{int(value or 0):,}"
        return text if self.english else text.replace(",", ".")

    def idr(self, value) -> str:
        """Rupiah as the rest of the site shows them (money.format_idr)."""
        return format_idr(int(value or 0), self.language)

    def change(self, value) -> str:
        """`+12,5%`, `-3%`, or a dash when there is nothing to compare with."""
        if value is None:
            return "—"
        text = f"{abs(value):,.1f}".removesuffix(".0")
        if not self.english:
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        sign = "+" if value > 0 else "-" if value < 0 else ""
        return f"{sign}{text}%"

    @staticmethod
    def trend(value) -> str:
        """CSS class of a change: up, down or flat (the sign is in the text as well)."""
        if not value:
            return "flat"
        return "up" if value > 0 else "down"

    def value(self, value, kind: str) -> str:
        """Any value by its column kind."""
        if kind == IDR:
            return self.idr(value)
        if kind == COUNT:
            return self.number(value)
        if kind == PERCENT:
            return self.change(value) if value is not None else "—"
        if kind == DAY:
            return value.isoformat() if value else "—"
        return "" if value is None else str(value)

    def cell(self, row: dict, column) -> str:
        """The text of a table cell."""
        value = row.get(column.key)
        if column.kind == PERCENT and value is not None and column.key == "share":
            return self.change(value).lstrip("+")
        return self.value(value, column.kind)
