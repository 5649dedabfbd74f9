"""axe-core, run inside the page, as a test assertion."""

from __future__ import annotations

import pytest

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def assert_accessible(page) -> None:
    """Fail, listing each problem, when axe-core finds WCAG 2.1 A/AA violations on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    if results.violations_count:
        pytest.fail(f"{page.url}: {results.generate_report()}", pytrace=False)
