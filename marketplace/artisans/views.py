"""The seller centre (/seller) for artisans: applying, the home page, the shop profile.

Products live in product_views.py and orders/earnings in order_views.py, on this same blueprint.
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.accounts.views import start_session
from marketplace.artisans import applications, integrations, seller_queries
from marketplace.artisans.access import seller_page
from marketplace.artisans.forms import (
    ApplicationForm,
    ApplicationWithAccountForm,
    ProfileForm,
    WelcomeForm,
)
from marketplace.artisans.models import ArtisanStatus
from marketplace.artisans.view_helpers import details_from, show_error
from marketplace.errors import DomainError
from marketplace.extensions import db, limiter
from marketplace.media.pipeline import photo_url, srcset
from marketplace.regions.services import region_name

bp = Blueprint("seller", __name__, url_prefix="/seller")


@bp.context_processor
def seller_helpers() -> dict:
    """Helpers for seller templates: region names and photo URLs."""
    return {
        "region_name": region_name,
        "photo_url": photo_url,
        "srcset": srcset,
        "courier_label": integrations.courier_label,
    }


def _application_values(artisan) -> SimpleNamespace:
    """A rejected application's current values, to fill the form for a correction."""
    training = applications.training_of(artisan.id)
    return SimpleNamespace(
        shop_name=artisan.shop_name,
        legal_name=artisan.legal_name,
        phone=artisan.phone,
        regency_code=artisan.regency_code,
        village=artisan.village,
        story=artisan.story,
        programme=training.programme if training else "",
        batch=training.batch if training else "",
        training_date=training.training_date if training else None,
        certificate_number=training.certificate_number if training else "",
    )


@bp.route("/apply", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def apply():
    """Apply to sell (a new account, or a buyer's), or correct a rejected application."""
    rejected = None
    if current_user.is_authenticated:
        if current_user.is_staff:
            abort(404)
        if current_user.is_artisan:
            rejected = applications.artisan_of_user(current_user.id)
            if rejected is None or rejected.status != ArtisanStatus.REJECTED:
                return redirect(url_for("seller.application"))
    if current_user.is_authenticated:
        form = ApplicationForm(obj=_application_values(rejected) if rejected else None)
    else:
        form = ApplicationWithAccountForm()
    if form.validate_on_submit():
        try:
            if rejected is not None:
                applications.resubmit(user_id=current_user.id, details=details_from(form))
            elif current_user.is_authenticated:
                applications.apply(details=details_from(form), user_id=current_user.id)
            else:
                artisan = applications.apply(
                    details=details_from(form),
                    email=form.email.data,
                    password=form.password.data,
                    locale=session.get("lang", "id"),
                )
                start_session(db.session.get(User, artisan.user_id))
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Terima kasih! Pengajuan Anda sudah kami terima."), "success")
            return redirect(url_for("seller.application"))
    status = 200 if request.method == "GET" else 422
    return render_template("seller/apply.html", form=form, rejected=rejected), status


@bp.get("/application")
@seller_page(verified=False)
def application():
    """Where the artisan's application stands, and what happens next."""
    artisan = g.artisan
    return render_template(
        "seller/application.html",
        artisan=artisan,
        training=applications.training_of(artisan.id),
    )


@bp.route("/welcome/<token>", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"])
def welcome(token: str):
    """The one-time link staff handed over: the artisan chooses a password and is logged in."""
    if not accounts.reset_token_is_usable(token):
        return render_template("seller/welcome_invalid.html"), 404
    form = WelcomeForm()
    if form.validate_on_submit():
        try:
            user = accounts.reset_password(token=token, new_password=form.password.data)
        except DomainError as error:
            show_error(form, error, "password")
        else:
            if user.is_artisan:
                start_session(user, remember=True)
                flash(_("Kata sandi tersimpan. Selamat datang di toko Anda!"), "success")
                return redirect(url_for("seller.home"))
            flash(_("Kata sandi sudah diatur ulang. Silakan masuk."), "success")
            return redirect(url_for("accounts.login"))
    status = 200 if request.method == "GET" else 422
    return render_template("seller/welcome.html", form=form), status


@bp.get("/")
@seller_page()
def home():
    """The artisan's overview: sales this month and last, what to ship, what runs low."""
    artisan = g.artisan
    last_start, this_start, next_start = seller_queries.month_starts()
    return render_template(
        "seller/home.html",
        artisan=artisan,
        this_month=seller_queries.sales_between(artisan.id, this_start, next_start),
        last_month=seller_queries.sales_between(artisan.id, last_start, this_start),
        best=seller_queries.best_products(artisan.id),
        waiting=seller_queries.waiting_to_ship(artisan.id),
        low_stock=seller_queries.low_stock(artisan.id),
        balance=integrations.balance(artisan.id),
    )


@bp.route("/profile", methods=["GET", "POST"])
@seller_page()
def profile():
    """The shop name, story and phone number."""
    artisan = g.artisan
    form = ProfileForm(obj=artisan)
    if form.validate_on_submit():
        try:
            applications.update_profile(
                artisan_id=artisan.id,
                shop_name=form.shop_name.data,
                story=form.story.data or "",
                phone=form.phone.data,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Profil toko tersimpan."), "success")
            return redirect(url_for("seller.home"))
    status = 200 if request.method == "GET" else 422
    return render_template("seller/profile.html", form=form, artisan=artisan), status


from marketplace.artisans import order_views, product_views  # noqa: E402, F401  (routes on bp)
