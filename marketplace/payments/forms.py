"""Staff forms about money. Each binds only its own fields: nothing else posted is read."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

from marketplace.artisans.fields import LocalDateField, RupiahField
from marketplace.validators import MaxLength, Required


class RefundPaidForm(FlaskForm):
    """The transfer BNN made back to a buyer."""

    amount = RupiahField(_l("Jumlah ditransfer (Rupiah)"), validators=[Required()])
    paid_on = LocalDateField(_l("Tanggal transfer"), validators=[Required()])
    bank_reference = StringField(_l("Nomor referensi bank"), validators=[Required(), MaxLength(80)])
