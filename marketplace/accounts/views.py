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

from marketplace.accounts import services
from marketplace.accounts.forms import (
    ChangePasswordForm,
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
    """Create a buyer account and log it in."""
    if current_user.is_authenticated:
        return redirect(url_for("catalog.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_buyer(
                email=form.email.data,
                password=form.password.data,
                name=form.name.data.strip(),
                locale=session.get("lang", "id"),
            )
        except ValidationError as error:
            getattr(form, error.details.get("field", "email")).errors.append(error.message)
        else:
            start_session(user)
            flash(_("Selamat datang! Akun Anda sudah dibuat."), "success")
            return redirect(safe_next(request.args.get("next"), url_for("catalog.home")))
    status = 200 if request.method == "GET" else 422
    return render_template("accounts/register.html", form=form), status


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
