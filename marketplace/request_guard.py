"""Request values no page can use, refused in one place before any view reads them.

- A NUL character: PostgreSQL cannot store or even compare one in text (SQLite can), so a NUL
  in a path, query or form value would be a 500 on one database and not the other.
- A field sent twice (`quantity=1&quantity=-5`): every view reads one value, and reading the
  first of two silently is how a check on one value and a use of the other drift apart.
  A form that really sends several values under one name lists it in MULTI_VALUED_FIELDS.
- A Host that is not ours (production's TRUSTED_HOSTS): a 400 page, drawn with links on SITE_URL
  since Flask has no URL adapter for a host it refused.
"""

from __future__ import annotations

from flask import Flask, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from werkzeug.exceptions import SecurityError

from marketplace.errors import render_error
from marketplace.urls import site_url_adapter

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Names a form may send more than once (files come in request.files, not here). None today.
MULTI_VALUED_FIELDS: frozenset[str] = frozenset()


def register(app: Flask) -> None:
    """Check every request before its view."""
    app.before_request(refuse_unusable_values)
    app.register_error_handler(SecurityError, refuse_untrusted_host)


def refuse_untrusted_host(error: SecurityError):
    """400 with the error page for a Host outside TRUSTED_HOSTS (never a 500)."""
    if request_ctx.url_adapter is None:
        request_ctx.url_adapter = site_url_adapter()
    return render_error(400, _("Alamat situs ini tidak kami kenal."))


def refuse_unusable_values():
    """The error page for a NUL or a repeated field; None (go on) for everything else.

    Most requests are a GET of a page without a query string or a body: for them only the path
    is looked at (nothing is parsed). Werkzeug reads a form whenever a Content-Type is sent.
    """
    if isinstance(request.routing_exception, SecurityError):
        raise request.routing_exception  # the host is not ours: nothing else to look at
    if NUL in request.path:
        return render_error(404)
    environ = request.environ
    has_query = bool(environ.get("QUERY_STRING"))
    has_form = bool(environ.get("CONTENT_TYPE"))
    if not has_query and not has_form:
        return None
    sources = [request.args] if has_query else []
    if has_form and request.mimetype in FORM_TYPES:
        sources.append(request.form)
    for values in sources:
        for name, items in values.lists():
            if NUL in name or (NUL in items[0] if len(items) == 1 else NUL in "".join(items)):
                return render_error(400, _("Isian berisi karakter yang tidak diizinkan."))
            if len(items) > 1 and name not in MULTI_VALUED_FIELDS:
                return render_error(
                    400,
                    _(
                        "Isian %(name)s dikirim lebih dari sekali. Kirim satu nilai saja.",
                        name=name[:40],
                    ),
                )
    if has_form and request.mimetype == "multipart/form-data":
        for upload in request.files.values():
            if NUL in (upload.filename or ""):
                return render_error(400, _("Isian berisi karakter yang tidak diizinkan."))
    return None
