"""Who may open seller centre pages: the one guard for artisans' own pages."""

from __future__ import annotations

from functools import wraps

from flask import abort, g, redirect, url_for
from flask_login import current_user

from marketplace.artisans.applications import artisan_of_user
from marketplace.extensions import login_manager


def seller_page(*, verified: bool = True):
    """Pages of an artisan's own shop; the artisan is put in `g.artisan`.

    Visitors are sent to log in, buyers to the application page, staff get 404. With `verified`, an
    artisan who is not (yet, or any more) verified is sent to the page saying where they stand.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.is_buyer:
                return redirect(url_for("seller.apply"))
            if not current_user.is_artisan:
                abort(404)
            artisan = artisan_of_user(current_user.id)
            if artisan is None:
                abort(404)
            if verified and not artisan.is_verified:
                return redirect(url_for("seller.application"))
            g.artisan = artisan
            return view(*args, **kwargs)

        return wrapped

    return decorator
