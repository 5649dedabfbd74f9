"""Account forms. Labels are Indonesian msgids, translated by Babel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField

from marketplace.validators import MaxLength, Required, SameAs, ValidEmail


class LoginForm(FlaskForm):
    """E-mail (or an artisan's phone number) and password."""

    email = StringField(
        _l("E-mail atau nomor HP"),
        validators=[Required(), MaxLength(254)],
        description=_l("Perajin yang didaftarkan petugas BNN tanpa e-mail: pakai nomor HP Anda."),
    )
    password = PasswordField(_l("Kata sandi"), validators=[Required(), MaxLength(1024)])
    remember = BooleanField(_l("Ingat saya di perangkat ini"))


class RegisterForm(FlaskForm):
    """A new buyer account."""

    name = StringField(_l("Nama"), validators=[Required(), MaxLength(120)])
    email = EmailField(
        _l("E-mail"),
        validators=[Required(), ValidEmail(), MaxLength(254)],
    )
    password = PasswordField(
        _l("Kata sandi"),
        validators=[Required()],
        description=_l("Minimal 8 karakter. Kalimat pendek yang mudah Anda ingat lebih aman."),
    )
    confirm = PasswordField(
        _l("Ulangi kata sandi"),
        validators=[Required(), SameAs("password")],
    )


class ChangePasswordForm(FlaskForm):
    """Current and new password."""

    current_password = PasswordField(_l("Kata sandi saat ini"), validators=[Required()])
    password = PasswordField(_l("Kata sandi baru"), validators=[Required()])
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[Required(), SameAs("password")],
    )


class ForgotPasswordForm(FlaskForm):
    """Where to send the reset link."""

    email = EmailField(_l("E-mail"), validators=[Required(), MaxLength(254)])


class ResetPasswordForm(FlaskForm):
    """The new password, from a reset link."""

    password = PasswordField(_l("Kata sandi baru"), validators=[Required()])
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[Required(), SameAs("password")],
    )


class ConfirmEmailForm(FlaskForm):
    """The confirm button of a mailed link; the password when not logged in as the account."""

    password = PasswordField(_l("Kata sandi"), validators=[MaxLength(1024)])
