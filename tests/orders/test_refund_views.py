"""The pages of a cancelled parcel: the artisan's cancel button, the staff order page and refund
list, and the buyer's order page showing the cancelled parcel and where the refund stands."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.artisans.models import Artisan
from marketplace.audit.models import AuditEntry
from marketplace.extensions import db
from marketplace.orders.models import Order, Shipment
from marketplace.orders.tokens import access_token_for
from marketplace.payments.models import Refund
from marketplace.payments.payouts import today_local
from tests.factories import PASSWORD
from tests.orders.factories import in_app, make_paid_order, shop


def paid_order(app) -> dict:
    """A paid guest bank-transfer order from a Kota Bandung and a Gianyar (Bali) artisan."""

    def build():
        a1, (batik,) = shop(stock=5, price=150_000)
        a2, (basket,) = shop(regency="51.04", stock=5, price=90_000)
        order = make_paid_order({batik.id: 2, basket.id: 1})
        shipments = {
            s.artisan_id: s.id
            for s in db.session.scalars(sa.select(Shipment).where(Shipment.order_id == order.id))
        }
        email = db.session.scalar(
            sa.select(User.email)
            .join(Artisan, Artisan.user_id == User.id)
            .where(Artisan.id == a1.id)
        )
        return {
            "id": order.id,
            "number": order.number,
            "token": access_token_for(order.idempotency_key),
            "batik_shipment": shipments[a1.id],
            "basket_shipment": shipments[a2.id],
            "artisan_email": email,
        }

    return in_app(app, build)


def shipment_status(app, shipment_id: int) -> str:
    return in_app(app, lambda: db.session.get(Shipment, shipment_id).status)


def test_the_artisan_cancels_from_the_seller_centre_with_a_reason(client, app, auth, outbox):
    order = paid_order(app)
    auth.login(order["artisan_email"], PASSWORD)
    url = f"/seller/orders/{order['batik_shipment']}"
    assert "Batalkan pesanan ini" in client.get(url).get_data(as_text=True)

    empty = client.post(f"{url}/cancel", data={"reason": "  "})
    assert empty.status_code == 422
    assert "Tulis alasan pembatalan untuk pembeli." in empty.get_data(as_text=True)
    assert shipment_status(app, order["batik_shipment"]) == "processing"

    done = client.post(f"{url}/cancel", data={"reason": "Pewarna alami habis"})
    assert done.status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "Pesanan dibatalkan dan stok dikembalikan" in page
    assert "Dibatalkan, dana dikembalikan ke pembeli" in page
    assert "Batalkan pesanan ini" not in page and "Tandai sudah dikirim" not in page
    assert shipment_status(app, order["batik_shipment"]) == "cancelled"
    assert "Pewarna alami habis" in outbox[-1]["body"]


def test_an_artisan_cannot_cancel_another_artisans_parcel(client, app, auth):
    order = paid_order(app)
    auth.login(order["artisan_email"], PASSWORD)
    response = client.post(
        f"/seller/orders/{order['basket_shipment']}/cancel", data={"reason": "Bukan milik saya"}
    )
    assert response.status_code == 404
    assert shipment_status(app, order["basket_shipment"]) == "processing"


def test_staff_cancel_on_the_order_page_and_record_the_refund_transfer(client, app, make, auth):
    order = paid_order(app)
    make.user(role="staff", email="bali@example.com", scope="51")
    auth.login("bali@example.com", PASSWORD)
    page = client.get(f"/dashboard/orders/{order['number']}").get_data(as_text=True)
    assert f"/shipments/{order['basket_shipment']}/cancel" in page
    assert f"/shipments/{order['batik_shipment']}/cancel" not in page  # Bandung's, not Bali's
    assert "Batalkan seluruh pesanan" not in page
    outside = client.post(
        f"/dashboard/orders/{order['number']}/shipments/{order['batik_shipment']}/cancel",
        data={"reason": "Di luar wilayah"},
    )
    assert outside.status_code == 404
    assert shipment_status(app, order["batik_shipment"]) == "processing"

    client.post(
        f"/dashboard/orders/{order['number']}/shipments/{order['basket_shipment']}/cancel",
        data={"reason": "Perajin sakit"},
    )
    assert shipment_status(app, order["basket_shipment"]) == "cancelled"
    page = client.get(f"/dashboard/orders/{order['number']}").get_data(as_text=True)
    assert "perlu ditransfer" in page

    listed = client.get("/dashboard/payments/refunds").get_data(as_text=True)
    refund_id, amount = in_app(
        app, lambda: db.session.execute(sa.select(Refund.id, Refund.amount_idr)).one()
    )
    assert order["number"] in listed and f'id="refund-{refund_id}"' in listed
    wrong = client.post(
        f"/dashboard/payments/refunds/{refund_id}/paid",
        data={
            "amount": str(amount - 1),
            "paid_on": in_app(app, today_local).isoformat(),
            "bank_reference": "TRF-1",
        },
    )
    assert wrong.status_code == 422 and "Jumlah harus sama" in wrong.get_data(as_text=True)
    assert in_app(app, lambda: db.session.get(Refund, refund_id).status) == "owed"
    paid = client.post(
        f"/dashboard/payments/refunds/{refund_id}/paid",
        data={
            "amount": str(amount),
            "paid_on": in_app(app, today_local).isoformat(),
            "bank_reference": "TRF-7781",
        },
    )
    assert paid.status_code == 303
    assert in_app(app, lambda: db.session.get(Refund, refund_id).bank_reference) == "TRF-7781"
    assert "TRF-7781" in client.get("/dashboard/payments/refunds?state=paid").get_data(as_text=True)
    actions = in_app(app, lambda: db.session.scalars(sa.select(AuditEntry.action)).all())
    assert actions == ["shipment_cancelled_by_staff", "refund_paid"]


def test_staff_outside_the_scope_do_not_find_the_order_or_its_refund(client, app, make, auth):
    order = paid_order(app)
    make.user(role="staff", email="aceh@example.com", scope="11")
    auth.login("aceh@example.com", PASSWORD)
    assert client.get(f"/dashboard/orders/{order['number']}").status_code == 404
    assert (
        client.post(f"/dashboard/orders/{order['number']}/cancel", data={"reason": "x"}).status_code
        == 404
    )
    assert in_app(app, lambda: db.session.get(Order, order["id"]).status) == "paid"


def test_national_staff_cancel_the_whole_order(client, app, make, auth):
    order = paid_order(app)
    make.user(role="staff", email="pusat@example.com")
    auth.login("pusat@example.com", PASSWORD)
    page = client.get(f"/dashboard/orders/{order['number']}").get_data(as_text=True)
    assert "Batalkan seluruh pesanan" in page
    client.post(f"/dashboard/orders/{order['number']}/cancel", data={"reason": "Alamat fiktif"})
    assert in_app(app, lambda: db.session.get(Order, order["id"]).status) == "refunded"
    assert (
        in_app(app, lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Refund))) == 2
    )


def test_the_buyer_sees_the_cancelled_parcel_and_where_the_refund_stands(client, app, make, auth):
    order = paid_order(app)
    auth.login(order["artisan_email"], PASSWORD)
    client.post(
        f"/seller/orders/{order['batik_shipment']}/cancel", data={"reason": "Pewarna alami habis"}
    )
    auth.logout()
    url = f"/orders/{order['number']}?token={order['token']}"
    page = client.get(url).get_data(as_text=True)
    assert "Paket ini dibatalkan: Pewarna alami habis" in page
    assert "akan ditransfer kembali oleh BNN" in page

    refund_id = in_app(app, lambda: db.session.scalar(sa.select(Refund.id)))
    make.user(role="staff", email="jabar@example.com", scope="32")
    auth.login("jabar@example.com", PASSWORD)
    amount = in_app(app, lambda: db.session.get(Refund, refund_id).amount_idr)
    client.post(
        f"/dashboard/payments/refunds/{refund_id}/paid",
        data={
            "amount": str(amount),
            "paid_on": in_app(app, today_local).isoformat(),
            "bank_reference": "BCA 0099",
        },
    )
    auth.logout()
    page = client.get(url).get_data(as_text=True)
    assert "sudah ditransfer kembali oleh BNN" in page and "BCA 0099" in page
