"""The table of bench/run.py and its goals (issue 3 for cache hits, issue 12 for misses)."""

from __future__ import annotations

from dataclasses import dataclass

from pyload import Result

HIT_SHARE = 0.40  # issue 3: a cached page >= 40% of the floor's requests/s ...
HIT_P99_MS = 50.0  # ... and p99 under 50 ms
MISS_P99_MS = 100.0  # issue 12: p99 under 100 ms with the cache missing,
MISS_OF_REFERENCE = {"list": 1.0, "product": 1.0, "search": 0.5}  # and this share of reference


@dataclass
class Row:
    """One measured page (median round) beside its floor."""

    database: str
    kind: str  # list, product, search, reference
    mode: str  # "hit", "miss" or "-" (the reference)
    name: str
    size: int
    page: Result
    floor: Result
    hit_rate: float | None = None  # whole-page cache hits / lookups during the measured run

    @property
    def share(self) -> float:
        """The page's requests/s as a share of its floor's."""
        return self.page.rps / self.floor.rps if self.floor.rps else 0.0


def goal(row: Row, reference: Row | None) -> str:
    """ok / NOT YET against the goal of the row's kind, or '' when none applies."""
    if row.page.errors:
        return f"NOT YET ({row.page.errors} errors)"
    if row.mode == "hit":
        met = row.share >= HIT_SHARE and row.page.p99_ms < HIT_P99_MS
    elif row.mode == "miss" and reference is not None:
        wanted = MISS_OF_REFERENCE[row.kind] * reference.page.rps
        met = row.page.rps >= wanted and row.page.p99_ms < MISS_P99_MS
    else:
        return ""
    return "ok" if met else "NOT YET"


def print_table(rows: list[Row], title: str) -> None:
    """The table, then what the goal column means."""
    print()
    print(title)
    header = (
        f"{'database':<10} {'kind':<8} {'cache':<5} {'page':<24} {'bytes':>6} {'rps':>6} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'floor rps':>9} {'share':>5} {'of ref':>6} "
        f"{'hits':>5}  goal"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        reference = next(
            (r for r in rows if r.database == row.database and r.kind == "reference"), None
        )
        of_reference = f"{row.page.rps / reference.page.rps:.2f}" if reference else "-"
        hits = f"{row.hit_rate:.0%}" if row.hit_rate is not None else "-"
        print(
            f"{row.database:<10} {row.kind:<8} {row.mode:<5} {row.name[:24]:<24} {row.size:>6} "
            f"{row.page.rps:>6.0f} {row.page.p50_ms:>7.1f} {row.page.p99_ms:>7.1f} "
            f"{row.floor.rps:>9.0f} {row.share:>5.0%} {of_reference:>6} {hits:>5}  "
            f"{goal(row, reference)}"
        )
    print(
        f"goal, cache hit (issue 3): >= {HIT_SHARE:.0%} of the floor, p99 < {HIT_P99_MS:g} ms; "
        f"cache miss (issue 12): list and product >= the reference's rps, search >= half of it, "
        f"p99 < {MISS_P99_MS:g} ms. hits: share of whole-page cache lookups that hit."
    )
