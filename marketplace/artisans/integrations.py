"""The seller centre's calls into other domains: search index, ledger and shipments.

One place where the seller code reaches code owned by the storefront and checkout domains, so
a change of their contracts is one edit here.
"""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.catalog import search
from marketplace.extensions import db
from marketplace.orders import cancellations, shipments
from marketplace.orders.models import Order
from marketplace.payments import ledger
from marketplace.payments.models import Payment


def reindex_product(product_id: int) -> None:
    """Refresh one product's search row; call inside the atomic() block that changed it."""
    search.reindex_product(product_id)


def reindex_artisan(artisan_id: int) -> None:
    """Refresh the search rows of all an artisan's products (status or shop name changed)."""
    search.reindex_artisan(artisan_id)


def balance(artisan_id: int) -> ledger.Balance:
    """The artisan's earnings: pending (parcel not delivered or still in its hold), available to
    pay out, and any debt (a refund after a payout) the next sales settle first."""
    return ledger.balance_of(artisan_id)


def couriers() -> list[tuple[str, str]]:
    """(value, label) of the couriers an artisan can choose when marking a shipment shipped."""
    return [(value, str(label)) for value, label in shipments.COURIERS]


def courier_label(value: str) -> str:
    """How a stored courier value is shown."""
    return shipments.courier_label(value)


def mark_shipped(*, artisan_id: int, shipment_id: int, courier: str, tracking_number: str):
    """Mark the artisan's shipment shipped; the checkout domain's use case e-mails the buyer."""
    return shipments.mark_shipped(
        artisan_id=artisan_id,
        shipment_id=shipment_id,
        courier=courier,
        tracking_number=tracking_number,
    )


def order_numbers(*, payment_ids: list[int], order_ids: list[int]) -> tuple[dict, dict]:
    """({payment id: order number}, {order id: order number}), for links from the audit log."""
    by_payment = dict(
        db.session.execute(
            sa.select(Payment.id, Order.number)
            .join(Order, Order.id == Payment.order_id)
            .where(Payment.id.in_(payment_ids))
        ).all()
    )
    by_order = dict(
        db.session.execute(sa.select(Order.id, Order.number).where(Order.id.in_(order_ids))).all()
    )
    return by_payment, by_order


def cancel_shipment(*, artisan_id: int, shipment_id: int, reason: str, user_id: int):
    """The artisan cannot fulfil their shipment: the checkout domain cancels it, puts the stock
    back, reverses the sale and tells the buyer a refund is on its way."""
    return cancellations.cancel_by_artisan(
        artisan_id=artisan_id, shipment_id=shipment_id, reason=reason, user_id=user_id
    )
