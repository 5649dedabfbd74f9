"""Behind the proxy, on the real host: client addresses, mailed links, odd request values, login.

Each test goes through the real pages (both databases): what the visitor, the mail recipient or
the operator would notice.
"""

from __future__ import annotations

import re
import secrets

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from marketplace import create_app, trust_proxies
from marketplace.accounts import passwords
from marketplace.catalog.models import Product
from marketplace.extensions import db
from tests.factories import PASSWORD
from tests.orders.factories import address_form, shop_ids

SITE = "https://toko.bnn.go.id"
PROXY = "10.0.0.2"  # the TLS proxy in front of gunicorn, as REMOTE_ADDR


def behind_proxies(app, hops: int = 1):
    """The app as production runs it with TRUSTED_PROXIES=hops."""
    app.config["TRUSTED_PROXIES"] = hops
    trust_proxies(app)
    return app


def post_from(client, url, data, forwarded_for=None, remote=PROXY):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post(url, data=data, headers=headers, environ_base={"REMOTE_ADDR": remote})


# -- 1. The client's real address -------------------------------------------------------------


LIMITED_FORMS = [
    # (url, allowed posts per address, form); each post names another account, so only the
    # per-address limit can stop them.
    ("/account/login", 3, lambda n: {"email": f"tamu{n}@example.com", "password": "salah-123"}),
    ("/account/password/forgot", 5, lambda n: {"email": f"tamu{n}@example.com"}),
    ("/account/register", 10, lambda n: {"email": f"tamu{n}@example.com", "password": "x"}),
    ("/seller/apply", 10, lambda n: {"shop_name": f"Toko {n}", "email": f"tamu{n}@example.com"}),
]


@pytest.mark.parametrize(("url", "allowed", "form"), LIMITED_FORMS)
def test_two_visitors_behind_one_proxy_each_get_their_own_limit(app, url, allowed, form):
    behind_proxies(app)
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per 15 minutes"
    client = app.test_client()
    for n in range(allowed):
        assert post_from(client, url, form(n), "203.0.113.5").status_code != 429
    assert post_from(client, url, form(99), "203.0.113.5").status_code == 429
    # Another visitor through the same proxy is not blocked by the first one's attempts.
    assert post_from(client, url, form(100), "203.0.113.6").status_code != 429


def test_a_direct_client_rotating_x_forwarded_for_stays_limited(app):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per 15 minutes"
    client = app.test_client()  # TRUSTED_PROXIES=0: nobody's X-Forwarded-For is believed
    codes = [
        post_from(
            client,
            "/account/login",
            {"email": f"tamu{n}@example.com", "password": "salah-123"},
            f"198.51.100.{n}",
            remote="203.0.113.9",
        ).status_code
        for n in range(5)
    ]
    assert codes == [401, 401, 401, 429, 429]


def test_forged_hops_in_front_of_the_trusted_proxy_are_not_believed(app):
    behind_proxies(app, hops=1)
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per 15 minutes"
    client = app.test_client()
    codes = []
    for n in range(5):
        # The client writes its own X-Forwarded-For; the proxy appends the real address.
        forged = f"198.51.100.{n}, 203.0.113.9"
        form = {"email": f"tamu{n}@example.com", "password": "salah-123"}
        codes.append(post_from(client, "/account/login", form, forged).status_code)
    assert codes == [401, 401, 401, 429, 429]


# -- 2. Links in e-mails and the Host header --------------------------------------------------


def test_a_reset_asked_for_with_a_foreign_host_mails_a_link_to_the_real_site(
    app, client, make, outbox
):
    app.config["SITE_URL"] = SITE
    make.user(email="ada@example.com")
    client.post(
        "/account/password/forgot",
        data={"email": "ada@example.com"},
        headers={"Host": "evil.example"},
    )
    (mail,) = outbox
    assert re.search(r"https://toko\.bnn\.go\.id/account/password/reset/\S+", mail["body"])
    assert "evil.example" not in mail["body"]


@pytest.mark.parametrize("taken", [False, True], ids=["new address", "taken address"])
def test_registration_mails_link_to_the_real_site_whatever_host_the_form_named(
    app, client, make, outbox, taken
):
    app.config["SITE_URL"] = SITE
    if taken:
        make.user(email="ada@example.com")
    client.post(
        "/account/register",
        data={
            "name": "Ada",
            "email": "ada@example.com",
            "password": "kata-sandi-yang-panjang-sekali",
            "confirm": "kata-sandi-yang-panjang-sekali",
        },
        headers={"Host": "evil.example"},
    )
    (mail,) = outbox
    assert re.search(r"https://toko\.bnn\.go\.id/account/\S+", mail["body"])
    assert "evil.example" not in mail["body"]


def test_a_guests_order_mail_links_to_the_real_site_whatever_host_the_checkout_named(
    app, client, outbox
):
    app.config["SITE_URL"] = SITE
    _artisan, (product,) = shop_ids(app)
    evil = "http://evil.example"  # the whole visit names this host, so its cookies are kept
    client.post("/cart/add", data={"product_id": product, "quantity": "1"}, base_url=evil)
    page = client.get("/checkout", base_url=evil).get_data(as_text=True)
    key = re.search(r'name="idempotency_key" type="hidden" value="([^"]*)"', page).group(1)
    response = client.post(
        "/checkout",
        data=address_form(email="tamu@example.com", idempotency_key=key),
        base_url=evil,
    )
    assert response.status_code == 303
    bodies = " ".join(mail["body"] for mail in outbox if mail["to"] == "tamu@example.com")
    assert re.search(r"https://toko\.bnn\.go\.id/orders/BNN-[\w-]+\?token=\w+", bodies)
    assert "evil.example" not in bodies


def test_links_keep_the_scheme_host_and_path_prefix_of_site_url(ctx):
    from marketplace.urls import site_url_for

    ctx.config["SITE_URL"] = "https://bnn.go.id/toko/"
    assert site_url_for("accounts.login") == "https://bnn.go.id/toko/account/login"
    assert site_url_for("orders.detail", number="BNN-1", token="ab") == (
        "https://bnn.go.id/toko/orders/BNN-1?token=ab"
    )


def production_app(**changes):
    settings = {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "SITE_URL": SITE,
        "BANK_TRANSFER_BANK_NAME": "Bank Mandiri",
        "BANK_TRANSFER_ACCOUNT_NUMBER": "123-00-0000000-1",
        "BANK_TRANSFER_ACCOUNT_HOLDER": "BNN RI",
    }
    return create_app("production", {**settings, **changes})


def test_production_answers_400_with_a_page_to_a_foreign_host_and_200_to_its_own():
    client = production_app(ALLOWED_HOSTS="www.toko.bnn.go.id").test_client()
    refused = client.get("/account/login", base_url="https://evil.example")
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Alamat situs ini tidak kami kenal" in page and "evil.example" not in page
    assert client.get("/healthz", base_url="https://evil.example").status_code == 400
    assert client.get("/healthz", base_url=SITE).status_code == 200
    assert client.get("/healthz", base_url="https://www.toko.bnn.go.id").status_code == 200


# -- 4. NUL bytes, repeated fields, digits of other scripts -----------------------------------


@pytest.fixture
def seller_category(make, auth):
    """A verified artisan, logged in, and a category for their products."""
    make.artisan(email="sari@example.com")
    auth.login("sari@example.com", PASSWORD)
    return make.category()


def product_form(category_id: int, **changes) -> dict:
    form = {"title": "Tas Anyaman Pandan", "category_id": str(category_id),
            "description": "Dianyam tangan.", "price": "150.000", "stock": "5",
            "weight_grams": "400"}  # fmt: skip
    form.update(changes)
    return form


def product_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Product))


@pytest.mark.parametrize(
    ("method", "url", "data", "status"),
    [
        ("get", "/products?q=batik%00", None, 400),
        ("get", "/products?min_price=1%00&sort=newest", None, 400),
        ("get", "/products/tas%00anyaman", None, 404),
        ("get", "/artisans/batik%00sari", None, 404),
        ("post", "/cart/add", {"product_id": "1\x00", "quantity": "1"}, 400),
        ("post", "/account/login", {"email": "ada\x00@example.com", "password": "x"}, 400),
        ("post", "/account/password/forgot", {"email": "ada@example.com\x00"}, 400),
    ],
)
def test_a_nul_anywhere_is_an_error_page_never_a_500(client, method, url, data, status):
    response = getattr(client, method)(url, data=data)
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert "Permintaan tidak valid" in page or "Halaman tidak ditemukan" in page


def test_a_nul_in_the_seller_product_form_is_refused_and_saves_nothing(
    client, app, seller_category
):
    response = client.post(
        "/seller/products/new", data=product_form(seller_category.id, title="Tas\x00Anyaman")
    )
    assert response.status_code == 400
    assert product_count(app) == 0


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/products?page=1&page=2", None),
        ("get", "/products?min_price=100&min_price=900000", None),
        ("post", "/account/login", {"email": ["ada@example.com", "budi@example.com"]}),
    ],
)
def test_a_field_sent_twice_is_refused_with_a_message(client, method, url, data):
    response = getattr(client, method)(url, data=data)
    assert response.status_code == 400
    assert "dikirim lebih dari sekali" in response.get_data(as_text=True)


def test_a_quantity_sent_twice_is_refused_and_the_cart_stays_empty(client, app):
    _artisan, (product,) = shop_ids(app, stock=10)
    response = client.post("/cart/add", data={"product_id": product, "quantity": ["1", "-5"]})
    assert response.status_code == 400
    assert "quantity dikirim lebih dari sekali" in response.get_data(as_text=True)
    assert "masih kosong" in client.get("/cart").get_data(as_text=True)


def test_a_price_sent_twice_in_the_seller_form_is_refused(client, app, seller_category):
    response = client.post(
        "/seller/products/new", data=product_form(seller_category.id, price=["150.000", "1"])
    )
    assert response.status_code == 400
    assert "price dikirim lebih dari sekali" in response.get_data(as_text=True)
    assert product_count(app) == 0


@pytest.mark.parametrize("quantity", ["٣", "３", "1٣"])
def test_a_quantity_in_digits_of_another_script_is_refused(client, app, quantity):
    _artisan, (product,) = shop_ids(app, stock=10)
    response = client.post("/cart/add", data={"product_id": product, "quantity": quantity})
    assert response.status_code == 422
    assert "Jumlah harus berupa angka" in response.get_data(as_text=True)
    assert "masih kosong" in client.get("/cart").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"stock": "٣"}, "Isi dengan angka bulat"),
        ({"stock": "５"}, "Isi dengan angka bulat"),
        ({"price": "١٥٠٠٠٠"}, "Tulis harga dalam Rupiah tanpa sen"),
        ({"price": "１５０.０００"}, "Tulis harga dalam Rupiah tanpa sen"),
    ],
)
def test_seller_numbers_in_digits_of_another_script_are_refused(
    client, app, seller_category, changes, message
):
    response = client.post("/seller/products/new", data=product_form(seller_category.id, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert product_count(app) == 0


def test_a_category_id_in_digits_of_another_script_is_not_that_category(
    client, app, seller_category
):
    arabic = str(seller_category.id).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = client.post("/seller/products/new", data={**product_form(0), "category_id": arabic})
    assert response.status_code == 422
    assert "Pilih kategori dari daftar." in response.get_data(as_text=True)
    assert product_count(app) == 0


def test_a_product_id_in_digits_of_another_script_is_not_a_product(client, app):
    _artisan, (product,) = shop_ids(app, stock=10)
    arabic = str(product).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = client.post("/cart/add", data={"product_id": arabic, "quantity": "1"})
    assert response.status_code == 422
    assert "masih kosong" in client.get("/cart").get_data(as_text=True)


def test_a_catalog_price_filter_in_other_digits_is_not_read_as_a_number(client, make):
    make.product(title="Gelang Manik Murah", price_idr=50_000)
    page = client.get("/products?min_price=١٠٠٠٠٠").get_data(as_text=True)
    assert "Gelang Manik Murah" in page  # not filtered out as if min_price were 100000


# -- 5. Login costs the same for a known and an unknown account -------------------------------


def test_an_unknown_email_is_verified_against_one_dummy_hash_made_once(
    app, client, make, monkeypatch
):
    make.user(email="ada@example.com")
    calls = {"hash": 0, "verify": 0}
    real_hash, real_verify = PasswordHasher.hash, PasswordHasher.verify

    def counting_hash(self, *args, **kwargs):
        calls["hash"] += 1
        return real_hash(self, *args, **kwargs)

    def counting_verify(self, *args, **kwargs):
        calls["verify"] += 1
        return real_verify(self, *args, **kwargs)

    monkeypatch.setattr(PasswordHasher, "hash", counting_hash)
    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    monkeypatch.setattr(passwords, "_DUMMY_HASHES", {})  # as in a freshly started process

    for n in range(3):
        response = client.post(
            "/account/login", data={"email": f"tidak-ada{n}@example.com", "password": "x" * 9}
        )
        assert response.status_code == 401
    assert calls == {"hash": 1, "verify": 3}  # one dummy hash, then one verification a login

    known = client.post("/account/login", data={"email": "ada@example.com", "password": "x" * 9})
    assert known.status_code == 401
    assert calls == {"hash": 1, "verify": 4}  # a known account costs the same single verify
