"""Seller home, orders and earnings pages, and 404 for everything that is another artisan's."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.artisans.models import Artisan, ArtisanStatus
from marketplace.artisans.services import decide
from marketplace.catalog.models import ProductPhoto
from marketplace.db import atomic
from marketplace.extensions import db
from marketplace.orders.models import Shipment
from marketplace.payments import ledger
from marketplace.payments.payouts import record_payout
from tests.artisans.factories import make_order, make_sale_credit, shipment_of
from tests.factories import PASSWORD


@pytest.fixture
def seller(make, auth):
    """A verified artisan, logged in."""
    artisan = make.artisan(email="sari@example.com", shop_name="Batik Sari")
    auth.login("sari@example.com", PASSWORD)
    return artisan


@pytest.fixture
def shared_order(app, make, seller):
    """A paid order with a line of the seller's and a line of another artisan's."""
    mine = make.product(artisan_id=seller.id, title="Batik Parang", price_idr=200_000, stock=5)
    other = make.artisan(shop_name="Tenun Lain")
    theirs = make.product(artisan_id=other.id, title="Kain Tenun Lain", stock=5)
    with app.app_context():
        order = make_order(
            lines=[(mine.id, 2), (theirs.id, 1)], buyer_email="rahasia.pembeli@example.com"
        )
        mine_shipment = shipment_of(order.id, seller.id).id
        their_shipment = shipment_of(order.id, other.id).id
        number = order.number
    return {"number": number, "mine": mine_shipment, "theirs": their_shipment, "other": other}


def test_the_orders_page_shows_my_items_and_address_but_not_the_buyers_email(client, shared_order):
    for url in ("/seller/orders", f"/seller/orders/{shared_order['mine']}"):
        page = client.get(url).get_data(as_text=True)
        assert shared_order["number"] in page and "Batik Parang" in page
        assert "Kain Tenun Lain" not in page and "rahasia.pembeli@example.com" not in page
    detail = client.get(f"/seller/orders/{shared_order['mine']}").get_data(as_text=True)
    assert "Jl. Merdeka No. 10" in detail and "081298765432" in detail and "40115" in detail
    assert "Tandai sudah dikirim" in detail


def test_marking_a_shipment_shipped_tells_the_buyer(client, app, shared_order, outbox):
    response = client.post(
        f"/seller/orders/{shared_order['mine']}",
        data={"courier": "JNE", "tracking_number": "JNE1234567890"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Pesanan ditandai sudah dikirim." in page and "JNE1234567890" in page
    with app.app_context():
        shipment = db.session.get(Shipment, shared_order["mine"])
        assert (shipment.status, shipment.courier) == ("shipped", "JNE")
        assert db.session.get(Shipment, shared_order["theirs"]).status == "processing"
    assert outbox[-1]["to"] == "rahasia.pembeli@example.com"
    assert "JNE1234567890" in outbox[-1]["body"]
    assert "Dalam pengiriman" in client.get("/seller/orders?state=shipped").get_data(as_text=True)


def test_marking_shipped_without_a_tracking_number_says_so(client, app, shared_order):
    response = client.post(
        f"/seller/orders/{shared_order['mine']}", data={"courier": "JNE", "tracking_number": ""}
    )
    assert response.status_code == 422 and "Wajib diisi." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Shipment, shared_order["mine"]).status == "processing"


def test_the_earnings_page_shows_balance_sales_and_payouts(client, app, make, seller):
    staff = make.user(role="staff", scope="32.73")
    with app.app_context():
        make_sale_credit(artisan_id=seller.id, amount_idr=250_000)
        record_payout(
            staff=db.session.get(User, staff.id),
            artisan_id=seller.id,
            amount_idr=100_000,
            paid_on=date(2026, 1, 5),
            bank_reference="BRI-778899",
        )
        db.session.remove()
    page = client.get("/seller/earnings").get_data(as_text=True)
    assert "Siap dibayarkan: Rp150.000" in page and "Tertahan: Rp0" in page
    assert "Rp250.000" in page and "-Rp100.000" in page
    assert "BRI-778899" in page and "Penjualan, pesanan BNN-TEST-" in page


def test_the_home_page_shows_what_to_ship_sales_and_low_stock(client, make, shared_order, seller):
    make.product(artisan_id=seller.id, title="Selendang Hampir Habis", stock=1)
    page = client.get("/seller/").get_data(as_text=True)
    assert "Pesanan menunggu dikirim: 1" in page
    assert "Rp400.000" in page  # this month: 2 x Rp200.000
    assert "Selendang Hampir Habis" in page and "tinggal 1" in page
    assert "Batik Parang" in page  # best seller


@pytest.fixture
def others(app, make, seller, shared_order):
    """Ids belonging to another artisan: product, photo, and their shipment of a shared order."""
    other = shared_order["other"]
    product = make.product(artisan_id=other.id, status="draft")
    with app.app_context():
        photo = ProductPhoto(
            product_id=product.id, key="ab" * 16, width=10, height=10, alt_text="", position=0
        )
        db.session.add(photo)
        db.session.commit()
        photo_id = photo.id
    return {"product": product.id, "photo": photo_id, "shipment": shared_order["theirs"]}


CROSS_ARTISAN = [
    ("get", "/seller/products/{product}"),
    ("post", "/seller/products/{product}"),
    ("post", "/seller/products/{product}/publish"),
    ("post", "/seller/products/{product}/archive"),
    ("post", "/seller/products/{product}/restore"),
    ("post", "/seller/products/{product}/photos"),
    ("post", "/seller/products/{product}/photos/{photo}/move"),
    ("post", "/seller/products/{product}/photos/{photo}/alt"),
    ("post", "/seller/products/{product}/photos/{photo}/delete"),
    ("get", "/seller/orders/{shipment}"),
    ("post", "/seller/orders/{shipment}"),
    ("get", "/seller/products/999999"),
    ("get", "/seller/orders/999999"),
]


@pytest.mark.parametrize(("method", "url"), CROSS_ARTISAN)
def test_another_artisans_ids_are_not_found(client, app, others, method, url):
    data = {
        "title": "Diambil alih",
        "category_id": "1",
        "price": "1",
        "stock": "0",
        "weight_grams": "1",
        "stock_seen": "0",
        "direction": "first",
        "alt_text": "x",
        "courier": "JNE",
        "tracking_number": "JNE000111",
    }
    response = getattr(client, method)(url.format(**others), data=data)
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(ProductPhoto, others["photo"]) is not None
        assert db.session.get(Shipment, others["shipment"]).status == "processing"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ProductPhoto)) == 1


def test_a_suspended_artisan_is_logged_out_and_then_sees_only_the_reason(
    client, app, make, seller, auth
):
    staff = make.user(role="staff", scope="32")
    with app.app_context():
        decide(
            staff=db.session.get(User, staff.id),
            artisan_id=seller.id,
            new_status=ArtisanStatus.SUSPENDED,
            reason="Menjual barang pabrikan.",
        )
        db.session.remove()
    assert "/account/login" in client.get("/seller/products").location
    auth.login("sari@example.com", PASSWORD)
    assert client.get("/seller/products").location.endswith("/seller/application")
    assert "Menjual barang pabrikan." in client.get("/seller/application").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Artisan, seller.id).status == "suspended"


def test_earnings_and_home_show_pending_available_and_a_debt_in_words(client, app, make, seller):
    staff = make.user(role="staff", scope="32.73")
    with app.app_context():
        refunded = make_sale_credit(artisan_id=seller.id, amount_idr=100_000)
        record_payout(
            staff=db.session.get(User, staff.id),
            artisan_id=seller.id,
            amount_idr=100_000,
            paid_on=date(2026, 1, 5),
            bank_reference="BRI-1",
        )
        with atomic():
            ledger.record_reversal(refunded.id, note="refund after payout")
        make_sale_credit(artisan_id=seller.id, amount_idr=60_000, delivered_days_ago=None)
        db.session.remove()
    for url in ("/seller/earnings", "/seller/"):
        page = client.get(url).get_data(as_text=True)
        assert "Utang ke BNN: Rp100.000" in page
        assert "Tertahan: Rp60.000" in page and "Siap dibayarkan: Rp0" in page
        assert "-Rp40.000" not in page
    english = client.get("/seller/earnings?lang=en")
    assert "Owes BNN: IDR 100,000" in english.get_data(as_text=True)
