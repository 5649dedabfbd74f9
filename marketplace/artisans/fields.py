"""Form fields whose parsing errors speak Indonesian, and the regency picker's choices.

WTForms' own IntegerField and DateField answer "Not a valid integer value." in English (it has no
Indonesian catalogue); these subclasses use our Babel messages instead.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import HiddenInput

from marketplace.accounts.scope import covers
from marketplace.money import MoneyError, parse_idr
from marketplace.regions import services as regions


class WholeNumberField(IntegerField):
    """A whole number; `1.000` is read as a thousand, as Indonesians write it."""

    def process_formdata(self, valuelist):
        """Parse the typed text; anything else is an Indonesian error."""
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        text = valuelist[0].strip().replace(" ", "")
        try:
            self.data = parse_idr(text)
        except MoneyError as exc:
            raise ValueError(_l("Isi dengan angka bulat, misalnya 12.")) from exc


class HiddenNumberField(WholeNumberField):
    """A whole number carried in a hidden input (the stock the artisan saw)."""

    widget = HiddenInput()


class RupiahField(StringField):
    """An amount of Rupiah typed as `150000`, `150.000` or `Rp 150.000`; data is an int."""

    def process_formdata(self, valuelist):
        """Parse the amount; decimals and words are an Indonesian error."""
        self.data = None
        self.raw = valuelist[0] if valuelist else ""
        if not valuelist or not valuelist[0].strip():
            return
        try:
            self.data = parse_idr(valuelist[0])
        except MoneyError as exc:
            raise ValueError(_l("Tulis harga dalam Rupiah tanpa sen, misalnya 150.000.")) from exc

    def _value(self):
        """Show back what was typed, or the amount with thousands dots."""
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data:,}".replace(",", ".") if isinstance(self.data, int) else ""


class LocalDateField(DateField):
    """A date from `<input type=date>`, with an Indonesian error."""

    def process_formdata(self, valuelist):
        """Parse YYYY-MM-DD."""
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        try:
            self.data = date.fromisoformat(valuelist[0].strip())
        except ValueError as exc:
            raise ValueError(_l("Tanggal tidak valid.")) from exc


def regency_choices(scope: str | None = None) -> dict[str, list[tuple[str, str]]]:
    """Regencies grouped by province ({province: [(code, name)]}) for an <optgroup> <select>.

    With a staff scope, only the regencies inside it. Works without JavaScript.
    """
    grouped: dict[str, list[tuple[str, str]]] = {}
    for code, name in regions.provinces():
        options = [
            (rcode, rname)
            for rcode, rname in regions.regencies_of(code)
            if scope is None or covers(scope, rcode)
        ]
        if options:
            grouped[name] = options
    return grouped


class RegencyField(SelectField):
    """The regency picker: a <select> of regencies grouped by province."""

    def pre_validate(self, form):
        """An unknown code gets our message instead of WTForms' English one."""
        codes = {code for options in self.choices.values() for code, _name in options}
        if self.data not in codes:
            raise ValidationError(_l("Pilih kabupaten/kota dari daftar."))
