"""Report periods: presets and custom dates cut in REPORT_TIMEZONE; how cubes are read for them.

A period is a range of whole report days, both ends included. Its "previous period" is the range
of the same number of days that ends the day before it starts (so "this month" on the 28th is
compared with the 28 days before the 1st).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l

from marketplace.db import now_utc
from marketplace.errors import ValidationError

PRESETS = {
    "this_month": _l("Bulan ini"),
    "last_month": _l("Bulan lalu"),
    "last_30_days": _l("30 hari terakhir"),
    "last_12_months": _l("12 bulan terakhir"),
    "this_year": _l("Tahun ini"),
    "custom": _l("Tanggal pilihan"),
}
DEFAULT_PRESET = "last_30_days"
MAX_DAYS = 3 * 366  # a custom range longer than three years is almost surely a typo


def report_zone() -> ZoneInfo:
    """The time zone report days are cut in (REPORT_TIMEZONE, default Asia/Jakarta)."""
    return ZoneInfo(current_app.config.get("REPORT_TIMEZONE") or "Asia/Jakarta")


def report_day(moment: datetime) -> date:
    """The report day of an aware UTC time."""
    return moment.astimezone(report_zone()).date()


def today() -> date:
    """Today in the report time zone."""
    return report_day(now_utc())


def day_start_utc(day: date) -> datetime:
    """The UTC instant a report day starts."""
    return datetime.combine(day, time.min, tzinfo=report_zone()).astimezone(UTC)


def month_start(day: date) -> date:
    """The first day of the day's month."""
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after the day's month."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` away from the day's month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Report days start..end (both included) and the preset that made them."""

    start: date
    end: date
    preset: str = "custom"

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end, "previous")

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as UTC instants, for columns such as verified_at."""
        return day_start_utc(self.start), day_start_utc(self.end + timedelta(days=1))

    def label(self) -> str:
        """`2026-01-01 – 2026-01-31`."""
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def preset_period(preset: str, on: date) -> Period:
    """The period of a preset as seen on day `on`."""
    if preset == "this_month":
        return Period(month_start(on), on, preset)
    if preset == "last_month":
        first = add_months(on, -1)
        return Period(first, month_start(on) - timedelta(days=1), preset)
    if preset == "last_30_days":
        return Period(on - timedelta(days=29), on, preset)
    if preset == "last_12_months":
        return Period(add_months(on, -11), on, preset)
    if preset == "this_year":
        return Period(date(on.year, 1, 1), on, preset)
    raise ValidationError(str(_l("Periode tidak dikenal.")))


def parse_period(args, on: date | None = None) -> Period:
    """The period asked for by query arguments `period`, `from`, `to` (dates as YYYY-MM-DD).

    Raises ValidationError with a message for the person when the dates are wrong.
    """
    on = on or today()
    preset = args.get("period") or DEFAULT_PRESET
    if preset not in PRESETS:
        raise ValidationError(str(_l("Periode tidak dikenal.")))
    if preset != "custom":
        return preset_period(preset, on)
    try:
        start = date.fromisoformat(args.get("from", ""))
        end = date.fromisoformat(args.get("to", ""))
    except ValueError as error:
        raise ValidationError(
            str(_l("Tanggal harus berformat TTTT-BB-HH, misalnya 2026-01-31."))
        ) from error
    if start > end:
        raise ValidationError(str(_l("Tanggal awal harus sebelum tanggal akhir.")))
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError(str(_l("Periode paling panjang tiga tahun.")))
    return Period(start, end, "custom")


def unit_start(day: date, grain: str) -> date:
    """The first day of the day's month (M), quarter (Q) or year (Y); the day itself for D."""
    if grain == "M":
        return day.replace(day=1)
    if grain == "Q":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if grain == "Y":
        return date(day.year, 1, 1)
    return day


def unit_after(start: date, grain: str) -> date:
    """The first day of the unit after the one starting on `start`."""
    if grain == "D":
        return start + timedelta(days=1)
    return add_months(start, {"M": 1, "Q": 3, "Y": 12}[grain])


def buckets(
    period: Period, on: date | None = None, grains: tuple[str, ...] = ("Y", "Q", "M")
) -> list[tuple[str, date, date]]:
    """Split a period into runs of whole years, quarters and months, and the days left over.

    Returns (grain, first bucket, last bucket) ranges that together cover the period exactly
    once. A unit that the period covers only up to today counts as whole: no sale is dated after
    today, so its row holds exactly the days that are in the period.
    """
    on = on or today()
    return _split(period.start, period.end, on, grains)


def _split(start: date, end: date, on: date, grains: tuple[str, ...]) -> list:
    """buckets() for start..end with the coarsest grain first."""
    if start > end:
        return []
    if not grains:
        return [("D", start, end)]
    grain, finer = grains[0], grains[1:]
    first = unit_start(start, grain)
    if first < start:
        first = unit_after(first, grain)
    last = unit_start(end, grain)
    if end < on and unit_after(last, grain) - timedelta(days=1) != end:
        last = _unit_before(last, grain)
    if first > last:
        return _split(start, end, on, finer)
    after = unit_after(last, grain)
    return [
        *_split(start, first - timedelta(days=1), on, finer),
        (grain, first, last),
        *_split(after, end, on, finer),
    ]


def _unit_before(start: date, grain: str) -> date:
    """The first day of the unit before the one starting on `start`."""
    return add_months(start, -{"M": 1, "Q": 3, "Y": 12}[grain])
