"""Shipping addresses: Indonesian phone numbers, postal codes and regions, checked in one place.

The checkout form and place_order() both use these, so a service called without the form still
refuses a bad address before writing anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from flask_babel import gettext as _

from marketplace.errors import ValidationError
from marketplace.regions import services as regions
from marketplace.validators import is_ascii_digits

_PHONE_NOISE = re.compile(r"[\s\-.()/]")
_POSTAL = re.compile(r"^[1-9]\d{4}$", re.ASCII)


@dataclass(frozen=True)
class ShippingAddress:
    """Where a shipment goes; phone normalised to +62..., regency inside the province."""

    name: str
    phone: str
    street: str
    regency_code: str
    province_code: str
    postal_code: str
    village: str = ""


def normalize_phone(raw: str | None) -> str:
    """`0812-3456-7890`, `+62 812 3456 7890`, `62812...` and `(022) 1234567` -> `+62...`.

    Indonesian numbers have 8 to 12 digits after the country code (mobiles start with 8,
    landlines with an area code); anything else is refused with a message.
    """
    text = _PHONE_NOISE.sub("", (raw or "").strip())
    if text.startswith("+62"):
        national = text[3:]
    elif text.startswith("62"):
        national = text[2:]
    elif text.startswith("0"):
        national = text[1:]
    else:
        national = text
    if not is_ascii_digits(national) or not 8 <= len(national) <= 12 or national[0] == "0":
        raise ValidationError(
            _("Nomor telepon tidak valid. Contoh: 0812 3456 7890 atau +62 812 3456 7890."),
            field="phone",
        )
    return "+62" + national


def normalize_postal_code(raw: str | None) -> str:
    """Five digits, not starting with 0 (Indonesian postal codes run 10000 to 99999)."""
    text = (raw or "").strip()
    if not _POSTAL.match(text):
        raise ValidationError(_("Kode pos harus 5 angka, misalnya 40115."), field="postal_code")
    return text


def clean_address(address: ShippingAddress) -> ShippingAddress:
    """The address with normalised phone and trimmed text; ValidationError(field=...) otherwise."""
    name, street, village = address.name.strip(), address.street.strip(), address.village.strip()
    if not name or len(name) > 120:
        raise ValidationError(_("Isi nama penerima (maksimal 120 karakter)."), field="name")
    if len(street) < 5 or len(street) > 300:
        raise ValidationError(
            _("Isi alamat lengkap: jalan, nomor rumah, RT/RW (5 sampai 300 karakter)."),
            field="street",
        )
    if len(village) > 120:
        raise ValidationError(_("Maksimal %(max)d karakter.", max=120), field="village")
    if not regions.is_province(address.province_code):
        raise ValidationError(_("Pilih provinsi."), field="province_code")
    if not regions.is_regency(address.regency_code) or not address.regency_code.startswith(
        address.province_code + "."
    ):
        raise ValidationError(
            _("Pilih kabupaten/kota yang ada di provinsi itu."), field="regency_code"
        )
    return replace(
        address,
        name=name,
        street=street,
        village=village,
        phone=normalize_phone(address.phone),
        postal_code=normalize_postal_code(address.postal_code),
    )
