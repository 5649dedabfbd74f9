"""The flask commands promised in DESIGN.md section 8."""

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.artisans.models import Artisan
from marketplace.extensions import db
from marketplace.orders.models import Order


def test_create_user_command_makes_a_regency_staff_member(runner, app):
    result = runner.invoke(
        args=["create-user", "--email", "bnnk@example.com", "--password", "kota-bandung-3273",
              "--role", "staff", "--scope", "32.73"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "bnnk@example.com"))
        assert user.staff_scope == "32.73" and not user.is_admin


def test_create_user_command_reports_a_bad_scope(runner):
    result = runner.invoke(
        args=["create-user", "--email", "x@example.com", "--password", "kota-bandung-3273",
              "--role", "staff", "--scope", "77"]
    )  # fmt: skip
    assert result.exit_code != 0
    assert "77" in result.output


def test_seed_demo_is_idempotent_and_prints_accounts(runner, app):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "admin@demo.bnn.go.id" in first.output and "pembeli@demo.bnn.go.id" in first.output
    with app.app_context():
        users = db.session.scalar(sa.select(sa.func.count()).select_from(User))
        artisans = db.session.execute(sa.select(Artisan.status)).scalars().all()
        orders = db.session.execute(sa.select(Order.status)).scalars().all()
    assert set(orders) >= {"pending_payment", "paid", "completed", "cancelled", "expired"}
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == users
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == len(orders)
        assert sorted(artisans).count("verified") >= 3 and "pending" in artisans
        staff_scopes = db.session.scalars(
            sa.select(User.staff_scope).where(User.role == "staff")
        ).all()
        assert {"national", "32"} <= set(staff_scopes)


def test_send_mail_command_drains_the_outbox(runner, app):
    from marketplace.db import atomic
    from marketplace.mail.models import OutboxMessage

    with app.app_context(), atomic():
        db.session.add(OutboxMessage(recipient="a@example.com", subject="Hai", body="Isi"))
    result = runner.invoke(args=["send-mail"])
    assert "sent 1 message" in result.output
    assert app.extensions["mail_sent"][0]["to"] == "a@example.com"
