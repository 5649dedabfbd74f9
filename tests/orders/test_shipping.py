"""Shipping rates: the default table, the cost per started kilogram, admins editing rates."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.audit.models import AuditEntry
from marketplace.extensions import db
from marketplace.orders.models import ShippingRate
from marketplace.orders.shipping import Rate, default_rate, load_defaults, quote
from tests.factories import PASSWORD
from tests.orders.factories import in_app


@pytest.mark.parametrize(
    ("grams", "cost"), [(1, 10_000), (1000, 10_000), (1001, 16_000), (2500, 22_000), (0, 10_000)]
)
def test_cost_is_the_first_kilogram_plus_each_started_kilogram(grams, cost):
    assert Rate(10_000, 6_000).cost(grams) == cost


def test_default_tiers_same_province_same_islands_other_islands():
    assert default_rate("32", "32") == Rate(10_000, 6_000)
    assert default_rate("32", "35") == Rate(20_000, 12_000)  # Java
    assert default_rate("21", "11") == Rate(20_000, 12_000)  # Kepulauan Riau is Sumatra's group
    assert default_rate("32", "94") == Rate(38_000, 25_000)  # Java -> Papua


def test_load_defaults_fills_all_38_by_38_pairs_once_and_keeps_admin_edits(ctx):
    assert load_defaults() == 38 * 38
    db.session.execute(
        sa.update(ShippingRate)
        .where(
            ShippingRate.origin_province_code == "32",
            ShippingRate.destination_province_code == "51",
        )
        .values(first_kg_idr=12_345)
    )
    db.session.commit()
    assert load_defaults() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ShippingRate)) == 1444
    assert quote("51", {1: ("32", 500)}) == {1: 12_345}


def test_a_missing_pair_costs_what_the_default_table_says(ctx):
    assert quote("35", {1: ("32", 1500), 2: ("51", 200)}) == {1: 32_000, 2: 38_000}


def test_the_shipping_load_defaults_command_is_idempotent(runner):
    assert "1444 default rate(s) added" in runner.invoke(args=["shipping", "load-defaults"]).output
    assert "0 default rate(s) added" in runner.invoke(args=["shipping", "load-defaults"]).output


def test_admins_edit_rates_and_the_change_is_audited(client, app, make, auth):
    make.user(role="staff", email="admin@example.com", admin=True)
    auth.login("admin@example.com", PASSWORD)
    page = client.get("/dashboard/orders/shipping-rates?origin=32").get_data(as_text=True)
    assert 'id="first_51"' in page and "bawaan" in page
    response = client.post(
        "/dashboard/orders/shipping-rates?origin=32",
        data={"first_51": "25.000", "next_51": "15000"},
    )
    assert response.status_code == 303

    def check():
        assert quote("51", {1: ("32", 1500)}) == {1: 40_000}
        entry = db.session.scalar(sa.select(AuditEntry))
        assert entry.action == "shipping_rates_changed"

    in_app(app, check)


@pytest.mark.parametrize("value", ["-5", "abc", "1,5", "99999999999"])
def test_a_bad_rate_shows_its_row_and_saves_nothing(client, app, make, auth, value):
    make.user(role="staff", email="admin@example.com", admin=True)
    auth.login("admin@example.com", PASSWORD)
    response = client.post(
        "/dashboard/orders/shipping-rates?origin=32",
        data={"first_51": value, "next_51": "1000", "first_52": "1000", "next_52": "1000"},
    )
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    count = in_app(
        app, lambda: db.session.scalar(sa.select(sa.func.count()).select_from(ShippingRate))
    )
    assert count == 0


@pytest.mark.parametrize("who", [{"role": "staff"}, {"role": "buyer"}, {"role": "artisan"}])
def test_only_admins_see_the_rate_table(client, make, auth, who):
    make.user(email="x@example.com", **who)
    auth.login("x@example.com", PASSWORD)
    assert client.get("/dashboard/orders/shipping-rates").status_code == 404
    assert (
        client.post("/dashboard/orders/shipping-rates", data={"first_51": "1"}).status_code == 404
    )
