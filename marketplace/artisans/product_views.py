"""Seller centre pages for products and their photos (/seller/products)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from marketplace.artisans import product_photos
from marketplace.artisans.access import seller_page
from marketplace.artisans.forms import AltTextForm, EmptyForm, PhotoUploadForm, ProductForm
from marketplace.artisans.view_helpers import show_error
from marketplace.artisans.views import bp
from marketplace.catalog import listings
from marketplace.catalog.models import Category
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import current_language

STATUS_TABS = ("active", "draft", "archived")
MOVES = {"first": -999, "up": -1, "down": 1}


def categories() -> list[tuple[int, str]]:
    """(id, name in the page's language) of every category, in display order."""
    rows = db.session.scalars(sa.select(Category).order_by(Category.position, Category.id))
    return [(category.id, category.name(current_language())) for category in rows]


def product_fields(form: ProductForm) -> dict:
    """The editable values of the product form (and nothing the form does not have)."""
    return {
        "title": form.title.data,
        "category_id": form.category_id.data,
        "description": form.description.data or "",
        "price_idr": form.price.data,
        "weight_grams": form.weight_grams.data,
    }


@bp.get("/products")
@seller_page()
def products():
    """The artisan's products, by status tab."""
    status = request.args.get("status", "active")
    if status not in STATUS_TABS:
        status = "active"
    counts = listings.status_counts(artisan_id=g.artisan.id)
    return render_template(
        "seller/products.html",
        products=listings.products_of(artisan_id=g.artisan.id, status=status),
        status=status,
        counts=counts,
    )


@bp.route("/products/new", methods=["GET", "POST"])
@seller_page()
def new_product():
    """Create a product as a draft, then add photos on its page."""
    form = ProductForm(categories=categories())
    if form.validate_on_submit():
        try:
            product = listings.create_product(
                artisan_id=g.artisan.id, stock=form.stock.data, **product_fields(form)
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Produk tersimpan sebagai draf. Sekarang tambahkan foto."), "success")
            return redirect(url_for("seller.edit_product", product_id=product.id) + "#foto")
    status = 200 if request.method == "GET" else 422
    return render_template("seller/product_new.html", form=form), status


def render_edit(product, form=None, upload_form=None, status: int = 200):
    """The product page of the seller centre: details form, photos, and the status buttons."""
    if form is None:
        form = ProductForm(obj=product, categories=categories())
        form.price.data = product.price_idr
        form.stock_seen.data = product.stock
    return (
        render_template(
            "seller/product_edit.html",
            product=product,
            form=form,
            upload_form=upload_form or PhotoUploadForm(),
            max_photos=product_photos.max_photos(),
        ),
        status,
    )


@bp.route("/products/<int:product_id>", methods=["GET", "POST"])
@seller_page()
def edit_product(product_id: int):
    """Edit a product; the stock changes by what the artisan changed (see update_product)."""
    product = listings.owned_product(artisan_id=g.artisan.id, product_id=product_id, photos=True)
    if request.method == "GET":
        return render_edit(product)
    form = ProductForm(categories=categories())
    if form.validate_on_submit():
        if form.stock_seen.data is None:
            form.stock.errors = [_("Halaman ini sudah lama. Muat ulang lalu coba lagi.")]
            return render_edit(product, form, status=422)
        try:
            saved = listings.update_product(
                artisan_id=g.artisan.id,
                product_id=product.id,
                stock_seen=form.stock_seen.data,
                stock_new=form.stock.data,
                **product_fields(form),
            )
        except DomainError as error:
            show_error(form, error)
            if "stock" in error.details:
                # The next save starts from the stock the artisan has now been shown.
                form.stock_seen.raw_data = [str(error.details["stock"])]
            return render_edit(product, form, status=error.status_code)
        if saved.stock != form.stock.data:
            flash(
                _(
                    "Tersimpan. Ada pesanan masuk sementara Anda mengubah: stok sekarang %(n)d.",
                    n=saved.stock,
                ),
                "info",
            )
        else:
            flash(_("Perubahan tersimpan."), "success")
        return redirect(url_for("seller.edit_product", product_id=product.id))
    return render_edit(product, form, status=422)


def _status_action(use_case, product_id: int, message: str):
    """Run publish/archive/restore and come back to the product with what happened."""
    if EmptyForm().validate_on_submit():
        try:
            use_case(artisan_id=g.artisan.id, product_id=product_id)
        except DomainError as error:
            if error.status_code == 404:
                raise
            flash(error.message, "error")
        else:
            flash(message, "success")
    return redirect(url_for("seller.edit_product", product_id=product_id))


@bp.post("/products/<int:product_id>/publish")
@seller_page()
def publish_product(product_id: int):
    """Show the product in the shop."""
    return _status_action(
        listings.publish, product_id, _("Produk sudah tampil di toko. Pembeli bisa membelinya.")
    )


@bp.post("/products/<int:product_id>/archive")
@seller_page()
def archive_product(product_id: int):
    """Take the product off the shop."""
    return _status_action(
        listings.archive, product_id, _("Produk diarsipkan dan tidak tampil lagi di toko.")
    )


@bp.post("/products/<int:product_id>/restore")
@seller_page()
def restore_product(product_id: int):
    """Bring an archived product back as a draft."""
    return _status_action(
        listings.restore,
        product_id,
        _("Produk dikembalikan sebagai draf. Terbitkan lagi agar tampil di toko."),
    )


@bp.post("/products/<int:product_id>/photos")
@seller_page()
def upload_photos(product_id: int):
    """Add one or more photos; each goes through the media pipeline, hostile files are refused."""
    product = listings.owned_product(artisan_id=g.artisan.id, product_id=product_id, photos=True)
    upload_form = PhotoUploadForm()
    if not upload_form.validate_on_submit():
        return render_edit(product, upload_form=upload_form, status=422)
    files = [f for f in request.files.getlist("photos") if f and f.filename]
    if not files:
        upload_form.photos.errors = [_("Pilih foto dulu.")]
        return render_edit(product, upload_form=upload_form, status=422)
    added, errors, status = 0, [], 422
    for upload in files:
        try:
            product_photos.add_photo(
                artisan_id=g.artisan.id,
                product_id=product.id,
                upload=upload.stream,
                alt_text=upload_form.alt_text.data or "",
            )
        except DomainError as error:  # ImageRejected is one
            if error.status_code == 404:
                raise
            errors.append(f"{upload.filename}: {error.message}")
            status = error.status_code if not added else status
        else:
            added += 1
    if errors and not added:
        upload_form.photos.errors = errors
        product = listings.owned_product(
            artisan_id=g.artisan.id, product_id=product.id, photos=True
        )
        return render_edit(product, upload_form=upload_form, status=status)
    flash(_("%(n)d foto ditambahkan.", n=added), "success")
    for message in errors:
        flash(message, "error")
    return redirect(url_for("seller.edit_product", product_id=product.id) + "#foto")


@bp.post("/products/<int:product_id>/photos/<int:photo_id>/move")
@seller_page()
def move_photo(product_id: int, photo_id: int):
    """Move a photo up, down, or to the front (the main photo)."""
    offset = MOVES.get(request.form.get("direction", ""))
    if EmptyForm().validate_on_submit() and offset is not None:
        try:
            product_photos.move_photo(
                artisan_id=g.artisan.id, product_id=product_id, photo_id=photo_id, offset=offset
            )
        except DomainError as error:
            if error.status_code == 404:
                raise
            flash(error.message, "error")
        else:
            flash(_("Urutan foto tersimpan."), "success")
    return redirect(url_for("seller.edit_product", product_id=product_id) + "#foto")


@bp.post("/products/<int:product_id>/photos/<int:photo_id>/alt")
@seller_page()
def photo_alt_text(product_id: int, photo_id: int):
    """Save a photo's description."""
    form = AltTextForm()
    if form.validate_on_submit():
        try:
            product_photos.set_alt_text(
                artisan_id=g.artisan.id,
                product_id=product_id,
                photo_id=photo_id,
                alt_text=form.alt_text.data or "",
            )
        except DomainError as error:
            if error.status_code == 404:
                raise
            flash(error.message, "error")
        else:
            flash(_("Keterangan foto tersimpan."), "success")
    else:
        flash(_("Keterangan foto maksimal 200 karakter."), "error")
    return redirect(url_for("seller.edit_product", product_id=product_id) + "#foto")


@bp.post("/products/<int:product_id>/photos/<int:photo_id>/delete")
@seller_page()
def delete_photo(product_id: int, photo_id: int):
    """Remove a photo."""
    if EmptyForm().validate_on_submit():
        try:
            product_photos.remove_photo(
                artisan_id=g.artisan.id, product_id=product_id, photo_id=photo_id
            )
        except DomainError as error:
            if error.status_code == 404:
                raise
            flash(error.message, "error")
        else:
            flash(_("Foto dihapus."), "success")
    return redirect(url_for("seller.edit_product", product_id=product_id) + "#foto")
