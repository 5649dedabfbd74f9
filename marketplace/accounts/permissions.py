"""View guards by role. Scope checks live in the services and queries (accounts/scope.py)."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def role_required(*roles: str, admin: bool = False):
    """Logged-in users of these roles only; others get 404 so nothing is revealed."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles or (admin and not current_user.is_admin):
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = role_required("staff")
admin_required = role_required("staff", admin=True)
artisan_required = role_required("artisan")
