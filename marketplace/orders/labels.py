"""The words for a shipment's state, as the buyer, the artisan and staff read it.

A shipment row stays `processing` until it is sent, whatever happens to its order; so what it
means depends on the order: unpaid, it waits for payment; expired or cancelled, it will never be
packed. Saying "being packed" before the money arrived would tell the buyer something untrue.
"""

from __future__ import annotations

from flask_babel import gettext as _


def shipment_status_label(status: str, order_status: str = "paid", for_seller: bool = False) -> str:
    """The words for a shipment in `status` of an order in `order_status`."""
    if status == "cancelled":  # a parcel cancelled after payment: its money goes back
        return _("Dibatalkan, dana dikembalikan ke pembeli") if for_seller else _("Dibatalkan")
    if order_status == "pending_payment":
        return _("Menunggu pembayaran")
    if order_status in ("expired", "cancelled"):
        return _("Dibatalkan")
    if order_status == "refunded":
        return _("Dana dikembalikan ke pembeli") if for_seller else _("Dana dikembalikan")
    if for_seller:
        labels = {
            "processing": _("Perlu dikirim"),
            "shipped": _("Dalam pengiriman"),
            "delivered": _("Sudah diterima"),
        }
    else:
        labels = {
            "processing": _("Sedang dikemas"),
            "shipped": _("Dikirim"),
            "delivered": _("Diterima"),
        }
    return labels.get(status, status)
