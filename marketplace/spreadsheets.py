"""CSV and XLSX cells that a spreadsheet program opens as data, never as a formula.

Shop names, product titles and reasons are typed by users; a cell such as `=HYPERLINK(...)` would
run as a formula in Excel or LibreOffice when staff open an export. Every export writes its rows
through this module: text that starts like a formula is kept as text (CSV: a leading `'`; XLSX: an
explicit string cell), while ints and floats stay numbers (a negative number is a number).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl.worksheet.worksheet import Worksheet

# What makes Excel, LibreOffice or Google Sheets read a text cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    """True for text that a spreadsheet would evaluate."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: object) -> object:
    """A value for csv.writer: risky text gets a leading `'`, numbers and other text unchanged."""
    if value is None:
        return ""
    if looks_like_formula(value):
        return "'" + value
    return value


def to_csv(rows: Iterable[Iterable[object]]) -> bytes:
    """Rows as UTF-8 CSV with a byte-order mark (spreadsheet programs look for it), CRLF lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def append_row(sheet: Worksheet, values: Iterable[object]) -> None:
    """Append a row to a worksheet; every str becomes a string cell, even one starting with `=`.

    openpyxl turns a str starting with `=` into a formula cell on assignment; setting the data
    type back to "s" writes it as a plain (shared) string.
    """
    values = ["" if value is None else value for value in values]
    sheet.append(values)
    for cell, value in zip(sheet[sheet.max_row], values, strict=False):
        if isinstance(value, str):
            cell.value = value
            cell.data_type = "s"
