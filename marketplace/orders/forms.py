"""Checkout and shipping-rate forms. Labels are Indonesian msgids, translated by Babel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import ValidationError as FormError

from marketplace.errors import ValidationError
from marketplace.orders.address import ShippingAddress, normalize_phone, normalize_postal_code
from marketplace.regions import services as regions
from marketplace.validators import MaxLength, Optional, Required, ValidEmail


def _domain_check(check):
    """A WTForms validator from one of orders/address.py's normalisers (same message)."""

    def validator(form, field):
        """Raise the normaliser's message as a form error."""
        try:
            check(field.data)
        except ValidationError as error:
            raise FormError(error.message) from error

    return validator


_CACHE: dict = {}


def regency_choices() -> dict[str, list[tuple[str, str]]]:
    """Regencies grouped by province name: rendered as <optgroup>s, usable without JavaScript.

    Built once per region table (regions.region_names() is cached per app and replaced when
    `regions load` runs), since every checkout page needs all 514 of them.
    """
    names = regions.region_names()
    cached = _CACHE.get("choices")
    if cached is None or cached[0] is not names:
        provinces = {code: name for code, name in names.items() if "." not in code}
        groups: dict[str, list[tuple[str, str]]] = {name: [] for name in provinces.values()}
        for code, name in names.items():
            if "." in code and code[:2] in provinces:
                groups[provinces[code[:2]]].append((code, name))
        html = "".join(
            f'<optgroup label="{escape(province)}">'
            + "".join(f'<option value="{escape(c)}">{escape(n)}</option>' for c, n in regencies)
            + "</optgroup>"
            for province, regencies in groups.items()
        )
        options = "".join(
            f'<option value="{escape(c)}">{escape(n)}</option>' for c, n in provinces.items()
        )
        cached = _CACHE["choices"] = (names, groups, html, options)
    return cached[1]


def _mark(html: str, selected: str | None) -> Markup:
    """Mark one known option as selected in cached option HTML."""
    if selected and regions.region_name(selected) != selected:  # a known code: safe to splice
        html = html.replace(f'value="{selected}">', f'value="{selected}" selected>', 1)
    return Markup(html)  # noqa: S704  (every name was escaped when the HTML was built)


def regency_optgroups(selected: str | None) -> Markup:
    """The <optgroup>s of every regency as HTML, with `selected` marked (rendered once)."""
    regency_choices()
    return _mark(_CACHE["choices"][2], selected)


def province_options(selected: str | None) -> Markup:
    """The <option>s of every province as HTML, with `selected` marked (rendered once)."""
    regency_choices()
    return _mark(_CACHE["choices"][3], selected)


class CheckoutForm(FlaskForm):
    """Shipping address, the guest's e-mail, the payment method and the idempotency token."""

    name = StringField(_l("Nama penerima"), validators=[Required(), MaxLength(120)])
    phone = TelField(
        _l("Nomor HP"),
        validators=[Required(), MaxLength(24), _domain_check(normalize_phone)],
        description=_l("Contoh: 0812 3456 7890. Kurir menghubungi nomor ini."),
    )
    email = EmailField(
        _l("E-mail"),
        validators=[Required(), ValidEmail(), MaxLength(254)],
        description=_l("Tautan pesanan dan cara membayar kami kirim ke sini."),
    )
    street = TextAreaField(
        _l("Alamat"),
        validators=[Required(), MaxLength(300)],
        description=_l("Nama jalan, nomor rumah, RT/RW, patokan."),
    )
    village = StringField(
        _l("Kelurahan/desa (boleh kosong)"), validators=[Optional(), MaxLength(120)]
    )
    province_code = SelectField(_l("Provinsi"), validators=[Required()], validate_choice=False)
    # Rendered by hand in the template (a placeholder option, then one <optgroup> per province).
    regency_code = SelectField(_l("Kabupaten/kota"), validators=[Required()], validate_choice=False)
    postal_code = StringField(
        _l("Kode pos"), validators=[Required(), _domain_check(normalize_postal_code)]
    )
    save_address = BooleanField(_l("Simpan alamat ini untuk belanja berikutnya"), default=True)
    payment_method = RadioField(_l("Cara membayar"), validate_choice=False)
    idempotency_key = HiddenField()

    def __init__(self, *args, guest: bool, payment_choices: list[tuple[str, str]], **kwargs):
        """Guests give an e-mail; buyers with an account may save the address instead."""
        super().__init__(*args, **kwargs)
        if guest:
            del self.save_address
        else:
            del self.email
        # Both selects are rendered by hand from cached HTML (see regency_optgroups).
        self.province_code.choices = []
        self.regency_code.choices = regency_choices()
        self.payment_method.choices = payment_choices
        if self.payment_method.data is None and payment_choices:
            self.payment_method.data = payment_choices[0][0]

    def validate_province_code(self, field):
        """A province of the region data."""
        if not regions.is_province(field.data):
            raise FormError(_l("Pilih provinsi."))

    def validate_regency_code(self, field):
        """A regency of the region data, inside the chosen province."""
        province = self.province_code.data or ""
        if not regions.is_regency(field.data) or not field.data.startswith(province + "."):
            raise FormError(_l("Pilih kabupaten/kota yang ada di provinsi itu."))

    def validate_payment_method(self, field):
        """One of the offered methods."""
        if field.data not in {value for value, _label in self.payment_method.choices}:
            raise FormError(_l("Pilih cara membayar."))

    def address(self) -> ShippingAddress:
        """The address as the checkout service takes it."""
        return ShippingAddress(
            name=self.name.data or "",
            phone=self.phone.data or "",
            street=self.street.data or "",
            village=self.village.data or "",
            regency_code=self.regency_code.data or "",
            province_code=self.province_code.data or "",
            postal_code=(self.postal_code.data or "").strip(),
        )


def _stripped(value):
    """Spaces pasted around a number or an address are not part of it."""
    return value.strip() if isinstance(value, str) else value


class TrackOrderForm(FlaskForm):
    """Order number and the e-mail it was placed with: the link is mailed, never shown."""

    number = StringField(
        _l("Nomor pesanan"),
        validators=[Required(), MaxLength(24)],
        filters=[_stripped],
        description=_l("Contoh: BNN-261201-K7XQ2M (ada di e-mail pesanan Anda)."),
    )
    email = EmailField(
        _l("E-mail saat memesan"),
        validators=[Required(), ValidEmail(), MaxLength(254)],
        filters=[_stripped],
    )
