"""CSV and XLSX files of a dashboard table: the same rows as the page, numbers kept as numbers.

Each file starts with what it is: the table, the region and the viewer's scope in words, the
period and the time of export (in REPORT_TIMEZONE); then the header and the rows. Rupiah are whole
numbers. Cells go through marketplace.spreadsheets, so no shop name or title becomes a formula.
"""

from __future__ import annotations

import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from marketplace import spreadsheets
from marketplace.accounts.scope import scope_level
from marketplace.dashboard.periods import report_zone
from marketplace.dashboard.reports import Report
from marketplace.dashboard.tables import COUNT, DAY, IDR, PERCENT, Table
from marketplace.db import now_utc
from marketplace.regions.services import region_name

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def scope_in_words(scope: str) -> str:
    """A staff scope as people say it: `Nasional`, `Provinsi Jawa Barat`, `Kota Bandung`."""
    level = scope_level(scope)
    if level == "national":
        return _("Nasional")
    if level == "province":
        return _("Provinsi %(name)s", name=region_name(scope))
    return region_name(scope)


def _region_in_words(report: Report) -> str:
    """The report's region: Indonesia, a province, a regency (its name says which) or a shop."""
    region = report.region
    if region.level == "province":
        return _("Provinsi %(name)s", name=region.name)
    return region.name


def _meta(report: Report, table: Table, scope: str, site: str) -> list[list]:
    """The lines that say what the file holds."""
    where = _region_in_words(report)
    exported = now_utc().astimezone(report_zone()).replace(microsecond=0)
    return [
        [site, str(table.title)],
        [_("Wilayah"), where],
        [_("Cakupan akses"), scope_in_words(scope)],
        [_("Periode"), report.period.start.isoformat(), report.period.end.isoformat()],
        [_("Periode pembanding"), report.period.previous().start.isoformat(),
         report.period.previous().end.isoformat()],
        [_("Diekspor"), exported.isoformat()],
    ]  # fmt: skip


def _value(row: dict, column) -> object:
    """A cell: ints for money and counts, a float for percentages, ISO text for days."""
    value = row.get(column.key)
    if value is None:
        return ""
    if column.kind in (IDR, COUNT):
        return int(value)
    if column.kind == PERCENT:
        return float(value)
    if column.kind == DAY:
        return value.isoformat()
    return str(value)


def _cells(table: Table) -> tuple[list[str], list[list]]:
    """Header and data rows; figures tables keep money and counts apart by row."""
    header = [str(c.label) for c in table.columns]
    return header, [[_value(row, c) for c in table.columns] for row in table.rows]


def filename(report: Report, table: Table, fmt: str) -> str:
    """`penjualan-regions-32-2026-01-01-2026-01-31.csv`."""
    region = report.region
    code = f"perajin-{region.artisan_id}" if region.level == "artisan" else region.code
    code = code.replace(".", "-")
    return f"penjualan-{table.key}-{code}-{report.period.start}-{report.period.end}.{fmt}"


def to_csv(report: Report, table: Table, scope: str, site: str) -> bytes:
    """The table as UTF-8 CSV (with a byte-order mark, which spreadsheet programs look for)."""
    header, rows = _cells(table)
    return spreadsheets.to_csv([*_meta(report, table, scope, site), [], header, *rows])


def to_xlsx(report: Report, table: Table, scope: str, site: str) -> bytes:
    """The table as an Excel workbook: numeric cells with thousands separators."""
    book = Workbook()
    sheet = book.active
    sheet.title = table.key[:31]
    for line in _meta(report, table, scope, site):
        spreadsheets.append_row(sheet, line)
    sheet.append([])
    header, rows = _cells(table)
    spreadsheets.append_row(sheet, header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    formats = {IDR: "#,##0", COUNT: "#,##0", PERCENT: "0.0"}
    for row in rows:
        spreadsheets.append_row(sheet, row)
        for cell, column in zip(sheet[sheet.max_row], table.columns, strict=True):
            if column.kind in formats and cell.value != "":
                cell.number_format = formats[column.kind]
    for index, column in enumerate(table.columns, start=1):
        width = max([len(str(column.label))] + [len(str(r[index - 1])) for r in rows]) + 2
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(
            width, 50
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(report: Report, key: str, fmt: str, scope: str, site: str) -> tuple[bytes, str, str]:
    """(content, mimetype, filename) of a report's table in a format; KeyError if no such table."""
    table = report.tables[key]
    maker = to_csv if fmt == "csv" else to_xlsx
    return maker(report, table, scope, site), FORMATS[fmt], filename(report, table, fmt)
