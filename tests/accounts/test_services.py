"""Account use cases called directly."""

import pytest

from marketplace.accounts import services
from marketplace.errors import ValidationError
from tests.factories import PASSWORD, make_user


def test_authenticate_is_case_insensitive_on_email(ctx):
    make_user(email="ada@example.com")
    assert services.authenticate(email="  ADA@Example.com ", password=PASSWORD) is not None


def test_deactivated_account_cannot_log_in(ctx):
    from marketplace.db import atomic

    user = make_user(email="ada@example.com")
    with atomic():
        user.is_active_account = False
    assert services.authenticate(email="ada@example.com", password=PASSWORD) is None


def test_create_user_makes_staff_with_a_real_region(ctx):
    user = services.create_user(
        email="bnnp@example.com", password="pemberdayaan-32", role="staff", scope="32", admin=True
    )
    assert (user.role, user.staff_scope, user.is_admin) == ("staff", "32", True)


@pytest.mark.parametrize(
    ("role", "scope", "admin"),
    [
        ("staff", "99", False),
        ("staff", "32.99", False),
        ("buyer", "32", False),
        ("buyer", None, True),
        ("chef", None, False),
    ],
)
def test_create_user_refuses_bad_roles_and_scopes(ctx, role, scope, admin):
    with pytest.raises(ValidationError):
        services.create_user(
            email="x@example.com", password="pemberdayaan-32", role=role, scope=scope, admin=admin
        )


def test_hash_is_upgraded_when_settings_get_stronger(ctx, app):
    user = make_user(email="ada@example.com")
    old_hash = user.password_hash
    app.config["ARGON2_TIME_COST"] = 2
    services.authenticate(email="ada@example.com", password=PASSWORD)
    from marketplace.extensions import db

    db.session.refresh(user)
    assert user.password_hash != old_hash and "t=2" in user.password_hash
