"""Seller centre and staff forms. Each binds only its own fields: nothing else posted is read."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import EmailField, PasswordField, SelectField, StringField, TextAreaField

from marketplace.artisans.fields import (
    HiddenNumberField,
    LocalDateField,
    RegencyField,
    RupiahField,
    WholeNumberField,
    regency_choices,
)
from marketplace.validators import (
    MaxLength,
    NumberBetween,
    Optional,
    Required,
    SameAs,
    ValidEmail,
    choice_id,
)

# The shop name and story are public: the artisan's privacy (DESIGN.md section 4) starts with
# what they type here, so the help steers away from anything that identifies them or their past.
SHOP_NAME_HELP = _l(
    "Nama yang dilihat pembeli. Pilih nama merek yang netral, misalnya "
    '"Batik Sekar Arum" atau "Anyaman Pandan Lestari". Jangan memakai nama lengkap Anda '
    "atau nama desa Anda."
)
STORY_HELP = _l(
    "Ditampilkan di halaman toko. Ceritakan hanya yang ingin Anda bagikan, misalnya karya dan "
    "bahan Anda. Anda tidak perlu menceritakan masa lalu, rehabilitasi, nama lengkap, atau "
    "alamat Anda."
)


class ApplicationForm(FlaskForm):
    """The shop, how to reach the artisan, and their BNN training record."""

    shop_name = StringField(
        _l("Nama toko"),
        validators=[Required(), MaxLength(80)],
        description=SHOP_NAME_HELP,
    )
    legal_name = StringField(
        _l("Nama lengkap"),
        validators=[Required(), MaxLength(120)],
        description=_l("Sesuai sertifikat pelatihan. Tidak ditampilkan kepada pembeli."),
    )
    phone = StringField(
        _l("Nomor HP"),
        validators=[Required(), MaxLength(20)],
        description=_l("Contoh: 0812 3456 7890. Tidak ditampilkan kepada pembeli."),
    )
    regency_code = RegencyField(_l("Kabupaten/kota"), validators=[Required()])
    village = StringField(
        _l("Desa/kelurahan"),
        validators=[Required(), MaxLength(120)],
        description=_l("Tidak ditampilkan kepada pembeli."),
    )
    story = TextAreaField(
        _l("Cerita Anda (boleh dikosongkan)"),
        validators=[Optional(), MaxLength(2000)],
        description=STORY_HELP,
    )
    programme = StringField(
        _l("Nama pelatihan"),
        validators=[Required(), MaxLength(120)],
        description=_l("Contoh: Pelatihan Membatik."),
    )
    batch = StringField(_l("Angkatan"), validators=[Required(), MaxLength(40)])
    training_date = LocalDateField(_l("Tanggal pelatihan"), validators=[Required()])
    certificate_number = StringField(_l("Nomor sertifikat"), validators=[Required(), MaxLength(60)])

    def __init__(self, *args, scope: str | None = None, **kwargs):
        """Offer the regencies inside `scope` (staff), or all of them."""
        super().__init__(*args, **kwargs)
        self.regency_code.choices = regency_choices(scope)


class ApplicationWithAccountForm(ApplicationForm):
    """An application from a visitor without an account: the login is made with it."""

    email = EmailField(
        _l("E-mail"),
        validators=[Required(), ValidEmail(), MaxLength(254)],
        description=_l("Untuk masuk dan menerima kabar tentang pengajuan Anda."),
    )
    password = PasswordField(
        _l("Kata sandi"),
        validators=[Required()],
        description=_l("Minimal 8 karakter. Kalimat pendek yang mudah Anda ingat lebih aman."),
    )
    confirm = PasswordField(_l("Ulangi kata sandi"), validators=[Required(), SameAs("password")])


class StaffCreateForm(ApplicationForm):
    """Staff enrol an artisan; the e-mail is optional (many artisans have none)."""

    email = EmailField(
        _l("E-mail (boleh dikosongkan)"),
        validators=[Optional(), ValidEmail(), MaxLength(254)],
    )


class ProfileForm(FlaskForm):
    """What an artisan may change about their shop themselves."""

    shop_name = StringField(
        _l("Nama toko"), validators=[Required(), MaxLength(80)], description=SHOP_NAME_HELP
    )
    story = TextAreaField(
        _l("Cerita Anda (boleh dikosongkan)"),
        validators=[Optional(), MaxLength(2000)],
        description=STORY_HELP,
    )
    phone = StringField(_l("Nomor HP"), validators=[Required(), MaxLength(20)])


class WelcomeForm(FlaskForm):
    """The artisan's own password, chosen on the one-time link."""

    password = PasswordField(
        _l("Kata sandi baru"),
        validators=[Required()],
        description=_l("Minimal 8 karakter. Kalimat pendek yang mudah Anda ingat lebih aman."),
    )
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"), validators=[Required(), SameAs("password")]
    )


class ReasonForm(FlaskForm):
    """A staff decision's reason (required for rejecting and suspending; the service checks)."""

    reason = TextAreaField(
        _l("Alasan"),
        validators=[Optional(), MaxLength(1000)],
        description=_l("Wajib diisi untuk menolak atau menangguhkan; perajin akan membacanya."),
    )


class EmptyForm(FlaskForm):
    """Only the CSRF token: for buttons that post."""


class ProductForm(FlaskForm):
    """A product's own fields. Artisan, status and sold counts are not fields: never bound."""

    title = StringField(_l("Nama produk"), validators=[Required(), MaxLength(120)])
    category_id = SelectField(_l("Kategori"), coerce=choice_id, validators=[Required()])
    description = TextAreaField(
        _l("Keterangan"),
        validators=[Optional(), MaxLength(5000)],
        description=_l("Bahan, ukuran, cara merawat, dan cerita di balik karya ini."),
    )
    price = RupiahField(
        _l("Harga (Rupiah)"),
        validators=[Required()],
        description=_l("Contoh: 150.000"),
    )
    stock = WholeNumberField(
        _l("Stok"),
        validators=[Required(), NumberBetween(0, 100_000)],
        description=_l("Berapa buah yang siap dikirim."),
    )
    weight_grams = WholeNumberField(
        _l("Berat setelah dikemas (gram)"),
        validators=[Required(), NumberBetween(1, 50_000)],
        description=_l("Dipakai untuk menghitung ongkos kirim. 1 kg = 1.000 gram."),
    )
    stock_seen = HiddenNumberField(validators=[Optional()])

    def __init__(self, *args, categories: list[tuple[int, str]] = (), **kwargs):
        """Offer the given (id, name) categories."""
        super().__init__(*args, **kwargs)
        self.category_id.choices = [(0, _l("— Pilih kategori —")), *categories]


class PhotoUploadForm(FlaskForm):
    """One or more photos from the phone's camera or gallery."""

    photos = MultipleFileField(_l("Pilih foto"))
    alt_text = StringField(
        _l("Keterangan foto (boleh dikosongkan)"),
        validators=[Optional(), MaxLength(200)],
        description=_l("Apa yang terlihat di foto, untuk pembeli yang tidak bisa melihat."),
    )


class AltTextForm(FlaskForm):
    """The description of one photo."""

    alt_text = StringField(_l("Keterangan foto"), validators=[Optional(), MaxLength(200)])


class ShipForm(FlaskForm):
    """Courier and tracking number of a parcel handed over."""

    courier = SelectField(_l("Kurir"), validators=[Required()])
    tracking_number = StringField(_l("Nomor resi"), validators=[Required(), MaxLength(60)])

    def __init__(self, *args, couriers: list[tuple[str, str]] = (), **kwargs):
        """Offer the (value, label) couriers the shipments module knows."""
        super().__init__(*args, **kwargs)
        self.courier.choices = list(couriers)


class CancelShipmentForm(FlaskForm):
    """Why the artisan cannot send a paid parcel; the buyer reads it."""

    reason = TextAreaField(
        _l("Alasan pembatalan"),
        validators=[Required(), MaxLength(500)],
        description=_l(
            'Pembeli membaca alasan ini, misalnya "Bahan habis dan tidak bisa dibuat lagi".'
        ),
    )


class PayoutForm(FlaskForm):
    """A transfer BNN made to an artisan."""

    amount = RupiahField(_l("Jumlah (Rupiah)"), validators=[Required()])
    paid_on = LocalDateField(_l("Tanggal transfer"), validators=[Required()])
    bank_reference = StringField(_l("Nomor referensi bank"), validators=[Required(), MaxLength(80)])
