"""The tables a dashboard page shows and exports: one structure, so page and file cannot differ."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

# Column kinds: how a value is shown and exported (numbers stay numbers in the files).
TEXT, IDR, COUNT, PERCENT, DAY = "text", "idr", "count", "percent", "day"


@dataclass(frozen=True)
class Column:
    """One column: its key in the rows, its heading and its kind."""

    key: str
    label: object
    kind: str = TEXT

    @property
    def numeric(self) -> bool:
        """Right-aligned, exported as a number."""
        return self.kind in (IDR, COUNT, PERCENT)


@dataclass
class Table:
    """A titled table of rows (dicts), exportable under `key` as CSV and XLSX.

    `link` says what a row links to: "region" (row["code"]) or "artisan" (row["artisan_id"]).
    `total_rows` is set when the page shows fewer rows than the export holds.
    """

    key: str
    title: object
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    link: str | None = None
    sortable: bool = False
    total_rows: int | None = None


def gmv_columns(first: Column, *, orders: bool = True, change: bool = True) -> list[Column]:
    """The usual sales columns after a name column."""
    columns = [first, Column("gmv_idr", _l("Penjualan (Rp)"), IDR)]
    if change:
        columns.append(Column("gmv_change", _l("Perubahan (%)"), PERCENT))
    if orders:
        columns.append(Column("orders", _l("Pesanan"), COUNT))
    columns.append(Column("items", _l("Barang terjual"), COUNT))
    if orders:
        columns.append(Column("aov_idr", _l("Rata-rata per pesanan (Rp)"), IDR))
    return columns


SORT_KEYS = ("name", "gmv_idr", "gmv_change", "orders", "items", "aov_idr", "active", "verified",
             "new")  # fmt: skip


def sort_rows(rows: list[dict], key: str, direction: str) -> list[dict]:
    """Rows sorted by a column; missing values (no change to show) always last; ties by name."""
    if key not in SORT_KEYS:
        key = "gmv_idr"
    descending = direction != "asc"
    if key == "name":
        return sorted(rows, key=lambda r: str(r["name"]).lower(), reverse=descending)
    present = [r for r in rows if r.get(key) is not None]
    missing = [r for r in rows if r.get(key) is None]
    present.sort(key=lambda r: str(r["name"]).lower())
    present.sort(key=lambda r: r[key], reverse=descending)
    return present + sorted(missing, key=lambda r: str(r["name"]).lower())
