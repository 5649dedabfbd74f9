"""Staff scope: national sees all, a province its regencies, a regency itself."""

import pytest
import sqlalchemy as sa

from marketplace.accounts.scope import covers, covers_region, is_valid_scope, scope_filter


@pytest.mark.parametrize(
    ("scope", "regency", "expected"),
    [
        ("national", "32.73", True),
        ("32", "32.73", True),
        ("32", "33.20", False),
        ("3", "32.73", False),
        ("32.73", "32.73", True),
        ("32.73", "32.04", False),
        (None, "32.73", False),
        ("32", None, False),
    ],
)
def test_covers(scope, regency, expected):
    assert covers(scope, regency) is expected


def test_a_province_scope_does_not_cover_a_province_with_the_same_prefix():
    assert not covers("3", "32.73")
    assert not covers_region("32", "33")
    assert covers_region("32", "32")
    assert not covers_region("32.73", "32")
    assert covers_region("national", "32")


@pytest.mark.parametrize("scope", ["national", "32", "32.73"])
def test_valid_scopes(scope):
    assert is_valid_scope(scope)


@pytest.mark.parametrize("scope", ["", "3", "32.7", "32-73", "nasional", "32.73.01"])
def test_invalid_scopes(scope):
    assert not is_valid_scope(scope)


def test_scope_filter_selects_the_same_rows_as_covers(ctx):
    from marketplace.extensions import db
    from marketplace.regions.models import Regency

    for scope in ["national", "32", "32.73", "51"]:
        rows = db.session.scalars(
            sa.select(Regency.code).where(scope_filter(scope, Regency.code))
        ).all()
        expected = [
            code for code in db.session.scalars(sa.select(Regency.code)) if covers(scope, code)
        ]
        assert sorted(rows) == sorted(expected)
