"""What each audit action is called on staff pages and in the audit CSV, in both languages.

Every `action` a use case records must have a label here (a test reads the code for them); an
action without one is still shown in a readable form, never as an empty cell.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "artisan.create": _l("Daftarkan perajin"),
    "artisan.verify": _l("Verifikasi perajin"),
    "artisan.reject": _l("Tolak pengajuan"),
    "artisan.suspend": _l("Tangguhkan perajin"),
    "artisan.reinstate": _l("Aktifkan kembali perajin"),
    "artisan.login_link": _l("Buat tautan masuk"),
    "payout.record": _l("Catat pembayaran"),
    "transfer_confirmed": _l("Konfirmasi transfer bank"),
    "transfer_rejected": _l("Tolak transfer bank"),
    "stripe_refund": _l("Kembalikan dana kartu lewat Stripe"),
    "shipping_rates_changed": _l("Ubah tarif ongkos kirim"),
    "mail.retry": _l("Kirim ulang e-mail yang gagal"),
    "shipment_cancelled_by_artisan": _l("Paket dibatalkan perajin"),
    "shipment_cancelled_by_staff": _l("Paket dibatalkan staf"),
    "refund_paid": _l("Catat transfer pengembalian dana"),
}


def action_label(action: str) -> str:
    """The action in words; an unknown one as its own words (`order.cancel` -> `Order cancel`)."""
    label = ACTION_LABELS.get(action)
    if label is not None:
        return str(label)
    words = action.replace(".", " ").replace("_", " ").split()
    return " ".join(words).capitalize() if words else "—"


def action_choices() -> list[tuple[str, str]]:
    """(action, label) of every known action, by label, for the filter."""
    return sorted(((key, str(label)) for key, label in ACTION_LABELS.items()), key=lambda c: c[1])
