"""Account pages: register, log in and out, change and reset the password."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from marketplace.accounts import confirmation, services
from marketplace.accounts.forms import (
    ChangePasswordForm,
    ConfirmEmailForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from marketplace.errors import ValidationError
from marketplace.extensions import limiter
from marketplace.urls import safe_next, site_url_for

bp = Blueprint("accounts", __name__, url_prefix="/account")

LOGIN_HOOKS: list = []  # callables(user, session_snapshot) run after login, e.g. the cart merge


def _login_address_limit() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


def _login_account_limit() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def _account_key() -> str:
    return "login:" + services.login_key(request.form.get("email", ""))


def _failed(response) -> bool:
    """Only failed attempts count towards the limits."""
    return response.status_code != 302


def home_for(user) -> str:
    """Where a user lands after login: staff on the dashboard, artisans in the seller centre."""
    if user.is_staff:
        return url_for("dashboard.overview")
    if user.is_artisan:
        return url_for("seller.home")
    return url_for("catalog.home")


def start_session(user, remember: bool = False) -> None:
    """Log the user in on a fresh session (no fixation), keeping the language and guest cart."""
    kept = {key: session[key] for key in ("lang", "cart") if key in session}
    session.clear()
    session.update({k: v for k, v in kept.items() if k == "lang"})
    login_user(user, remember=remember)
    for hook in LOGIN_HOOKS:
        hook(user, kept)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_address_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_account_limit, methods=["POST"], key_func=_account_key, deduct_when=_failed)
def login():
    """Log in with e-mail and password; one message for every failure."""
    target = safe_next(request.args.get("next"), "")
    if current_user.is_authenticated:
        return redirect(target or home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(email=form.email.data, password=form.password.data)
        if user is not None:
            start_session(user, remember=form.remember.data)
            return redirect(target or home_for(user))
        form.password.errors.append(_("E-mail/nomor HP atau kata sandi salah."))
    status = 200 if request.method == "GET" else 401
    return render_template("accounts/login.html", form=form, next=target), status


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register():
    """Register a buyer; the page never says whether the address already had an account.

    Either way the visitor is sent to "check your e-mail": a new account gets its confirmation
    link, the owner of a taken address a note with links to log in or reset the password.
    """
    if current_user.is_authenticated:
        return redirect(url_for("catalog.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            services.register_buyer(
                email=form.email.data,
                password=form.password.data,
                name=form.name.data.strip(),
                locale=session.get("lang", "id"),
                confirm_url_for=_confirm_url,
                login_url=site_url_for("accounts.login"),
                reset_url=site_url_for("accounts.forgot_password"),
            )
        except ValidationError as error:
            getattr(form, error.details.get("field", "password")).errors.append(error.message)
        else:
            return redirect(url_for("accounts.register_sent"), 303)
    status = 200 if request.method == "GET" else 422
    return render_template("accounts/register.html", form=form), status


@bp.get("/register/sent")
def register_sent():
    """ "Check your e-mail": the same page for a new and a taken address."""
    return render_template("accounts/register_sent.html")


def _confirm_url(token: str) -> str:
    return site_url_for("accounts.confirm_email", token=token)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"])
def confirm_email(token: str):
    """Confirm the account's e-mail from the mailed link: a button (and the password when the
    visitor is not logged in as that account), never a GET that confirms by itself."""
    user = confirmation.user_for_token(token)
    if user is None:
        return render_template("accounts/confirm_invalid.html"), 404
    mine = current_user.is_authenticated and current_user.id == user.id
    if user.email_confirmed:
        flash(_("E-mail Anda sudah dikonfirmasi."), "info")
        return redirect(url_for("accounts.account" if mine else "accounts.login"))
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        try:
            user = confirmation.confirm_email(
                token=token,
                viewer_id=current_user.id if current_user.is_authenticated else None,
                password=form.password.data or "",
            )
        except ValidationError as error:
            form.password.errors.append(error.message)
        else:
            if not mine:
                start_session(user)
            flash(
                _(
                    "E-mail Anda sudah dikonfirmasi. Pesanan yang Anda buat tanpa akun dengan "
                    "e-mail ini kini ada di Pesanan saya."
                ),
                "success",
            )
            return redirect(url_for("accounts.account"), 303)
    status = 200 if request.method == "GET" else 422
    return (
        render_template("accounts/confirm_email.html", form=form, email=user.email, mine=mine),
        status,
    )


@bp.post("/confirm/resend")
@login_required
@limiter.limit("5 per hour")
def resend_confirmation():
    """Mail the confirmation link again to the logged-in account's own address."""
    if confirmation.send_confirmation(user_id=current_user.id, confirm_url_for=_confirm_url):
        flash(
            _("Kami sudah mengirim tautan konfirmasi ke %(email)s.", email=current_user.email),
            "info",
        )
    else:
        flash(_("E-mail Anda sudah dikonfirmasi."), "info")
    return redirect(url_for("accounts.account"), 303)


@bp.post("/logout")
@login_required
def logout():
    """Log out everywhere: every copy of this user's login cookie stops working."""
    services.end_all_sessions(user_id=current_user.id)
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Anda sudah keluar."), "info")
    return redirect(url_for("catalog.home"))


@bp.get("/")
@login_required
def account():
    """The account overview."""
    return render_template("accounts/account.html")


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password; other sessions end, this one is renewed."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = services.change_password(
                user_id=current_user.id,
                current_password=form.current_password.data,
                new_password=form.password.data,
            )
        except ValidationError as error:
            getattr(form, error.details.get("field", "password")).errors.append(error.message)
        else:
            start_session(user)
            flash(_("Kata sandi Anda sudah diganti."), "success")
            return redirect(url_for("accounts.account"))
    status = 200 if request.method == "GET" else 422
    return render_template("accounts/change_password.html", form=form), status


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per 15 minutes", methods=["POST"])
def forgot_password():
    """Send a reset link; the answer is the same whether or not the e-mail has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(
            email=form.email.data,
            reset_url_for=lambda token: site_url_for("accounts.reset_password", token=token),
            max_age_seconds=current_app.config["PASSWORD_RESET_MAX_AGE"],
        )
        flash(
            _(
                "Jika e-mail itu terdaftar, kami sudah mengirim tautan untuk mengatur ulang "
                "kata sandi."
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"])
def reset_password(token: str):
    """Set a new password from an e-mailed link, once."""
    if not services.reset_token_is_usable(token):
        return render_template("accounts/reset_invalid.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token=token, new_password=form.password.data)
        except ValidationError as error:
            form.password.errors.append(error.message)
        else:
            if current_user.is_authenticated:
                logout_user()
            flash(_("Kata sandi sudah diatur ulang. Silakan masuk."), "success")
            return redirect(url_for("accounts.login"))
    status = 200 if request.method == "GET" else 422
    return render_template("accounts/reset_password.html", form=form), status
