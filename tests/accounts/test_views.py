"""Register, log in and out, change and reset the password, through the pages."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.extensions import db
from tests.factories import PASSWORD


def register(client, email="rina@example.com", password="anyaman-pandan-99", confirm=None):
    """Post the registration form."""
    return client.post(
        "/account/register",
        data={
            "name": "Rina",
            "email": email,
            "password": password,
            "confirm": password if confirm is None else confirm,
        },
    )


def test_register_creates_an_unconfirmed_buyer_and_says_check_your_email(client, app, outbox):
    response = register(client)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Periksa e-mail Anda" in page
    assert client.get("/account/").status_code == 302  # not logged in before confirming
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "rina@example.com"))
        assert user.role == "buyer"
        assert user.password_hash.startswith("$argon2id$")
        assert user.email_confirmed_at is None
    assert [m["to"] for m in outbox] == ["rina@example.com"]
    assert "/account/confirm/" in outbox[0]["body"]


def test_register_with_taken_email_says_the_same_and_mails_the_owner(client, app, outbox):
    register(client)
    outbox.clear()
    response = register(client, email="RINA@example.com", password="lain-sekali-tapi-kuat")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Periksa e-mail Anda" in page and "sudah terdaftar" not in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    (mail,) = outbox
    assert mail["to"] == "rina@example.com"
    assert "mencoba membuat akun baru" in mail["body"]
    assert "/account/login" in mail["body"] and "/account/password/forgot" in mail["body"]
    assert "/account/confirm/" not in mail["body"]


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("pendek", None, "minimal 8 karakter"),
        ("password", None, "terlalu umum"),
        ("12345678", None, "terlalu umum"),
        ("bismillah", None, "terlalu umum"),
        ("x" * 129, None, "maksimal"),
        ("anyaman-pandan-99", "lain-sekali-99", "Isian tidak sama"),
    ],
)
def test_register_refuses_weak_or_mismatched_passwords(client, app, password, confirm, message):
    response = register(client, password=password, confirm=confirm)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_a_64_character_password_works(client, auth):
    long_password = "kain-" + "songket-palembang-" * 3 + "x" * 5
    long_password = long_password[:64]
    assert len(long_password) == 64
    assert register(client, password=long_password).status_code == 303
    assert auth.login("rina@example.com", long_password).status_code == 302


def test_login_answers_the_same_for_unknown_email_and_wrong_password(client, make):
    make.user(email="ada@example.com")
    wrong = client.post("/account/login", data={"email": "ada@example.com", "password": "salah123"})
    unknown = client.post(
        "/account/login", data={"email": "tidak@example.com", "password": "salah123"}
    )
    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        assert "E-mail/nomor HP atau kata sandi salah." in response.get_data(as_text=True)


def test_login_renews_the_session_cookie(client, make, auth):
    make.user(email="ada@example.com")
    client.get("/account/login")
    before = client.get_cookie("bnn_session")
    auth.login("ada@example.com", PASSWORD)
    after = client.get_cookie("bnn_session")
    assert before is None or after.value != before.value
    assert client.get("/account/").status_code == 200


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "https://evil.example/",
        "/\t/evil.example",
        "/ /evil.example",
    ],
)
def test_login_never_redirects_off_site(client, make, auth, target):
    make.user(email="ada@example.com")
    response = client.post(
        "/account/login",
        query_string={"next": target},
        data={"email": "ada@example.com", "password": PASSWORD},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/" or (location.startswith("/") and not location.startswith("//"))
    assert "evil" not in location


def test_login_follows_a_local_next(client, make):
    make.user(email="ada@example.com")
    response = client.post(
        "/account/login?next=/account/password",
        data={"email": "ada@example.com", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/account/password"


def test_logout_ends_every_session_including_a_copied_cookie(app, make):
    make.user(email="ada@example.com")
    first, second = app.test_client(), app.test_client()
    first.post("/account/login", data={"email": "ada@example.com", "password": PASSWORD})
    second.post("/account/login", data={"email": "ada@example.com", "password": PASSWORD})
    copied = app.test_client()
    copied.set_cookie("bnn_session", first.get_cookie("bnn_session").value)
    assert copied.get("/account/").status_code == 200
    assert first.post("/account/logout").status_code == 302
    for other in (first, second, copied):
        response = other.get("/account/")
        assert response.status_code == 302
        assert "/account/login" in response.headers["Location"]


def test_logout_is_post_only(client):
    assert client.get("/account/logout").status_code == 405


def test_change_password_keeps_this_session_and_ends_others(app, make):
    make.user(email="ada@example.com")
    mine, other = app.test_client(), app.test_client()
    for c in (mine, other):
        c.post("/account/login", data={"email": "ada@example.com", "password": PASSWORD})
    response = mine.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "ukiran-jati-2025",
            "confirm": "ukiran-jati-2025",
        },
    )
    assert response.status_code == 302
    assert mine.get("/account/").status_code == 200
    assert other.get("/account/").status_code == 302
    fresh = app.test_client()
    assert (
        fresh.post(
            "/account/login", data={"email": "ada@example.com", "password": "ukiran-jati-2025"}
        ).status_code
        == 302
    )


def test_change_password_with_wrong_current_password_changes_nothing(client, make, auth):
    make.user(email="ada@example.com")
    auth.login("ada@example.com", PASSWORD)
    response = client.post(
        "/account/password",
        data={
            "current_password": "salah-sekali",
            "password": "ukiran-jati-2025",
            "confirm": "ukiran-jati-2025",
        },
    )
    assert response.status_code == 422
    assert "Kata sandi saat ini salah." in response.get_data(as_text=True)
    auth.logout()
    assert auth.login("ada@example.com", PASSWORD).status_code == 302


def _reset_link(outbox) -> str:
    body = outbox[-1]["body"]
    return re.search(r"http://localhost(/account/password/reset/\S+)", body).group(1)


def test_password_reset_link_works_once(client, make, outbox):
    make.user(email="ada@example.com")
    client.post("/account/password/forgot", data={"email": "ADA@example.com"})
    assert len(outbox) == 1 and outbox[0]["to"] == "ada@example.com"
    link = _reset_link(outbox)
    assert client.get(link).status_code == 200
    data = {"password": "tenun-ikat-sumba", "confirm": "tenun-ikat-sumba"}
    assert client.post(link, data=data).status_code == 302
    assert client.post(link, data=data).status_code == 404
    assert (
        client.post(
            "/account/login", data={"email": "ada@example.com", "password": "tenun-ikat-sumba"}
        ).status_code
        == 302
    )


def test_password_reset_for_unknown_email_says_the_same_and_sends_nothing(client, make, outbox):
    make.user(email="ada@example.com")
    known = client.post("/account/password/forgot", data={"email": "ada@example.com"})
    unknown = client.post("/account/password/forgot", data={"email": "siapa@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert len(outbox) == 1


def test_expired_password_reset_link_is_refused(client, app, make, outbox):
    from marketplace.accounts.models import PasswordResetToken
    from marketplace.db import atomic, now_utc

    make.user(email="ada@example.com")
    client.post("/account/password/forgot", data={"email": "ada@example.com"})
    link = _reset_link(outbox)
    with app.app_context(), atomic():
        db.session.execute(sa.update(PasswordResetToken).values(expires_at=now_utc()))
    response = client.post(
        link, data={"password": "tenun-ikat-sumba", "confirm": "tenun-ikat-sumba"}
    )
    assert response.status_code == 404
    assert "tidak berlaku" in response.get_data(as_text=True)


def test_login_is_rate_limited_per_account(client, make):
    make.user(email="ada@example.com")
    for _ in range(5):
        client.post("/account/login", data={"email": "ada@example.com", "password": "salah-123"})
    blocked = client.post("/account/login", data={"email": "ada@example.com", "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Terlalu banyak percobaan" in blocked.get_data(as_text=True)
    other = client.post("/account/login", data={"email": "lain@example.com", "password": "x"})
    assert other.status_code == 401


def test_successful_logins_do_not_count_towards_the_limit(client, make, auth):
    make.user(email="ada@example.com")
    for _ in range(7):
        assert auth.login("ada@example.com", PASSWORD).status_code == 302
        auth.logout()


def test_forms_without_csrf_token_are_refused(app, make):
    app.config["WTF_CSRF_ENABLED"] = True
    make.user(email="ada@example.com")
    response = app.test_client().post(
        "/account/login", data={"email": "ada@example.com", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "Formulir kedaluwarsa" in response.get_data(as_text=True)


def test_an_artisan_enrolled_without_email_logs_in_with_their_phone_in_any_spelling(
    client, app, make
):
    from marketplace.artisans.models import Artisan

    artisan = make.artisan()
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == artisan.user_id).values(email=None))
        db.session.execute(
            sa.update(Artisan).where(Artisan.id == artisan.id).values(phone="081234567890")
        )
        db.session.commit()
    for spelling in ("0812-3456-7890", "+62 812 3456 7890"):
        response = client.post("/account/login", data={"email": spelling, "password": PASSWORD})
        assert response.status_code == 302 and response.headers["Location"] == "/seller/"
        client.post("/account/logout")
    wrong = client.post("/account/login", data={"email": "081234567890", "password": "salah123"})
    assert wrong.status_code == 401


def test_a_phone_shared_by_two_artisans_logs_in_neither(client, app, make):
    from marketplace.artisans.models import Artisan

    first, second = make.artisan(), make.artisan()
    with app.app_context():
        db.session.execute(
            sa.update(Artisan)
            .where(Artisan.id.in_([first.id, second.id]))
            .values(phone="081234567890")
        )
        db.session.commit()
    response = client.post("/account/login", data={"email": "081234567890", "password": PASSWORD})
    assert response.status_code == 401


def test_every_spelling_of_a_phone_counts_against_one_login_limit(app):
    from marketplace.accounts.services import login_key

    with app.app_context():
        assert login_key("0812-3456-7890") == login_key("+62 812 3456 7890") == "081234567890"
        assert login_key(" Ada@Example.com ") == "ada@example.com"
