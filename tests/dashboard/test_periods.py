"""Report periods: presets, the previous period, custom dates, and reading them from the cubes."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from marketplace.dashboard.periods import (
    Period,
    buckets,
    parse_period,
    preset_period,
    report_day,
    unit_after,
)
from marketplace.errors import ValidationError

ON = date(2026, 3, 15)


@pytest.mark.parametrize(
    ("preset", "start", "end"),
    [
        ("this_month", date(2026, 3, 1), ON),
        ("last_month", date(2026, 2, 1), date(2026, 2, 28)),
        ("last_30_days", date(2026, 2, 14), ON),
        ("last_12_months", date(2025, 4, 1), ON),
        ("this_year", date(2026, 1, 1), ON),
    ],
)
def test_presets_cover_the_expected_days(preset, start, end):
    period = preset_period(preset, ON)
    assert (period.start, period.end, period.preset) == (start, end, preset)


def test_previous_period_has_the_same_length_and_ends_the_day_before():
    january = Period(date(2026, 1, 1), date(2026, 1, 31))
    assert january.previous() == Period(date(2025, 12, 1), date(2025, 12, 31), "previous")
    month_to_date = preset_period("this_month", ON)
    previous = month_to_date.previous()
    assert (previous.start, previous.end) == (date(2026, 2, 14), date(2026, 2, 28))
    assert previous.days == month_to_date.days == 15


def test_report_days_are_cut_at_midnight_in_jakarta(ctx):
    assert report_day(datetime(2026, 1, 31, 16, 30, tzinfo=UTC)) == date(2026, 1, 31)
    assert report_day(datetime(2026, 1, 31, 17, 30, tzinfo=UTC)) == date(2026, 2, 1)


def test_report_days_follow_the_configured_time_zone(ctx):
    ctx.config["REPORT_TIMEZONE"] = "Asia/Jayapura"
    assert report_day(datetime(2026, 1, 31, 15, 30, tzinfo=UTC)) == date(2026, 2, 1)


def test_custom_dates_are_read_from_the_query(ctx):
    period = parse_period({"period": "custom", "from": "2026-01-05", "to": "2026-02-03"}, ON)
    assert (period.start, period.end, period.days) == (date(2026, 1, 5), date(2026, 2, 3), 30)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"period": "custom", "from": "2026-02-30", "to": "2026-03-01"}, "TTTT-BB-HH"),
        ({"period": "custom", "from": "", "to": "2026-03-01"}, "TTTT-BB-HH"),
        ({"period": "custom", "from": "2026-03-02", "to": "2026-03-01"}, "sebelum"),
        ({"period": "custom", "from": "2020-01-01", "to": "2026-03-01"}, "tiga tahun"),
        ({"period": "kemarin"}, "tidak dikenal"),
    ],
)
def test_bad_periods_are_refused_with_a_message(ctx, args, message):
    with pytest.raises(ValidationError, match=message):
        parse_period(args, ON)


def _days_read(period: Period, on: date) -> list[date]:
    """Every day the bucket ranges of a period stand for, up to today (nothing is sold later)."""
    days = []
    for grain, first, last in buckets(period, on):
        unit = first
        while unit <= last:
            day, end = unit, unit_after(unit, grain)
            while day < end:
                if day <= on:
                    days.append(day)
                day += timedelta(days=1)
            unit = end
    return sorted(days)


def test_buckets_cover_every_day_of_any_period_exactly_once(ctx):
    rng = random.Random(5)
    for _ in range(400):
        on = date(2026, 1, 1) + timedelta(days=rng.randrange(365))
        start = on - timedelta(days=rng.randrange(800))
        end = min(
            start + timedelta(days=rng.randrange(500)), on + timedelta(days=rng.randrange(40))
        )
        period = Period(start, end)
        expected = [start + timedelta(days=i) for i in range(period.days)]
        assert _days_read(period, on) == [d for d in expected if d <= on], period


def test_last_twelve_months_read_as_a_handful_of_buckets(ctx):
    period = preset_period("last_12_months", date(2026, 11, 28))
    assert buckets(period, date(2026, 11, 28)) == [
        ("M", date(2025, 12, 1), date(2025, 12, 1)),
        ("Y", date(2026, 1, 1), date(2026, 1, 1)),
    ]
