"""Shipments: the artisan ships (courier, tracking), the buyer confirms, the order completes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.orders.models import Order, Shipment
from marketplace.orders.services import refund_order
from marketplace.orders.shipments import COURIERS, mark_delivered, mark_shipped
from tests.factories import make_user
from tests.orders.factories import make_paid_order, order_for, shop


def two_shop_order(**kwargs):
    """A paid order with a shipment from Bandung and one from Gianyar."""
    a1, (batik,) = shop()
    a2, (anyaman,) = shop(regency="51.04")
    order = make_paid_order({batik.id: 1, anyaman.id: 1}, **kwargs)
    shipments = {
        s.artisan_id: s
        for s in db.session.scalars(sa.select(Shipment).where(Shipment.order_id == order.id))
    }
    return order, (a1, a2), (shipments[a1.id], shipments[a2.id])


def test_couriers_are_the_promised_list():
    assert [value for value, _label in COURIERS] == [
        "JNE",
        "J&T",
        "SiCepat",
        "Pos Indonesia",
        "AnterAja",
        "other",
    ]


def test_the_artisan_ships_and_the_buyer_gets_courier_and_tracking(ctx, outbox):
    _order, (a1, _a2), (s1, _s2) = two_shop_order()
    outbox.clear()
    shipment = mark_shipped(
        artisan_id=a1.id, shipment_id=s1.id, courier="JNE", tracking_number=" JNE 0123  4567 "
    )
    assert (shipment.status, shipment.courier, shipment.tracking_number) == (
        "shipped",
        "JNE",
        "JNE 0123 4567",
    )
    assert outbox[0]["to"] == "tamu@example.com"
    assert "JNE 0123 4567" in outbox[0]["body"]
    with pytest.raises(Conflict):
        mark_shipped(artisan_id=a1.id, shipment_id=s1.id, courier="JNE", tracking_number="X123")


def test_another_artisans_shipment_is_not_found(ctx):
    _order, (_a1, a2), (s1, _s2) = two_shop_order()
    with pytest.raises(NotFound):
        mark_shipped(artisan_id=a2.id, shipment_id=s1.id, courier="JNE", tracking_number="ABC123")
    with pytest.raises(NotFound):
        mark_shipped(artisan_id=a2.id, shipment_id=99999, courier="JNE", tracking_number="ABC123")
    assert db.session.get(Shipment, s1.id).status == "processing"


@pytest.mark.parametrize(
    ("courier", "tracking"), [("DHL-ku", "ABC123"), ("JNE", ""), ("JNE", "a"), ("JNE", "<b>x</b>")]
)
def test_a_bad_courier_or_tracking_number_is_refused(ctx, courier, tracking):
    _order, (a1, _a2), (s1, _s2) = two_shop_order()
    with pytest.raises(ValidationError):
        mark_shipped(artisan_id=a1.id, shipment_id=s1.id, courier=courier, tracking_number=tracking)


def test_an_unpaid_or_refunded_order_cannot_be_shipped(ctx):
    artisan, (product,) = shop()
    unpaid = order_for({product.id: 1}).order
    shipment = db.session.scalar(sa.select(Shipment).where(Shipment.order_id == unpaid.id))
    with pytest.raises(Conflict):
        mark_shipped(
            artisan_id=artisan.id, shipment_id=shipment.id, courier="JNE", tracking_number="ABC123"
        )
    paid = make_paid_order({product.id: 1})
    refund_order(paid.id)
    shipment = db.session.scalar(sa.select(Shipment).where(Shipment.order_id == paid.id))
    with pytest.raises(Conflict):
        mark_shipped(
            artisan_id=artisan.id, shipment_id=shipment.id, courier="JNE", tracking_number="ABC123"
        )


def test_the_last_delivered_shipment_completes_the_order(ctx):
    buyer = make_user()
    order, (a1, a2), (s1, s2) = two_shop_order(buyer_id=buyer.id)
    mark_shipped(artisan_id=a1.id, shipment_id=s1.id, courier="JNE", tracking_number="JNE1")
    mark_shipped(artisan_id=a2.id, shipment_id=s2.id, courier="J&T", tracking_number="JT22")
    mark_delivered(shipment_id=s1.id, buyer_id=buyer.id)
    assert db.session.get(Order, order.id, populate_existing=True).status == "paid"
    with pytest.raises(Conflict):
        mark_delivered(shipment_id=s1.id, buyer_id=buyer.id)
    mark_delivered(shipment_id=s2.id, buyer_id=buyer.id)
    done = db.session.get(Order, order.id, populate_existing=True)
    assert done.status == "completed" and done.completed_at is not None


def test_only_the_buyer_or_staff_in_scope_may_confirm_delivery(ctx):
    buyer = make_user()
    _order, (a1, _a2), (s1, _s2) = two_shop_order(buyer_id=buyer.id)
    mark_shipped(artisan_id=a1.id, shipment_id=s1.id, courier="JNE", tracking_number="JNE1")
    for stranger in (
        {"buyer_id": make_user().id},
        {"staff": make_user(role="staff", scope="51")},  # Bali staff; s1 is from Bandung
        {"access_token": "not-the-token"},
    ):
        with pytest.raises(NotFound):
            mark_delivered(shipment_id=s1.id, **stranger)
    bandung_staff = make_user(role="staff", scope="32.73")
    assert mark_delivered(shipment_id=s1.id, staff=bandung_staff).status == "delivered"


def test_a_shipment_not_yet_sent_cannot_be_delivered(ctx):
    buyer = make_user()
    _order, _artisans, (s1, _s2) = two_shop_order(buyer_id=buyer.id)
    with pytest.raises(Conflict):
        mark_delivered(shipment_id=s1.id, buyer_id=buyer.id)
