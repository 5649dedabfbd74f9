"""Domain errors raised by services, and the HTTP error pages."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed


class DomainError(Exception):
    """A use case refused: the message is safe to show to the user who asked."""

    status_code = 422

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    """The thing does not exist, or the caller may not know that it does."""

    status_code = 404


class PermissionDenied(DomainError):
    """The caller may see the thing but may not do this to it."""

    status_code = 403


class Conflict(DomainError):
    """The thing changed meanwhile (a state moved on, stock ran out)."""

    status_code = 409


class ValidationError(DomainError):
    """Input that breaks a rule."""

    status_code = 422


ERROR_TEXTS = {
    400: (_l("Permintaan tidak valid"), _l("Permintaan Anda tidak dapat kami proses.")),
    403: (_l("Akses ditolak"), _l("Anda tidak memiliki izin untuk membuka halaman ini.")),
    404: (_l("Halaman tidak ditemukan"), _l("Halaman yang Anda cari tidak ada atau sudah pindah.")),
    405: (_l("Metode tidak diizinkan"), _l("Alamat ini tidak menerima permintaan seperti itu.")),
    409: (_l("Terjadi perubahan"), _l("Data berubah sementara Anda mengisi. Silakan coba lagi.")),
    413: (
        _l("Berkas terlalu besar"),
        _l("Berkas yang Anda kirim melebihi batas ukuran. Kecilkan lalu coba lagi."),
    ),
    422: (_l("Data tidak dapat diproses"), _l("Periksa kembali isian Anda.")),
    429: (
        _l("Terlalu banyak percobaan"),
        _l("Anda mencoba terlalu sering. Tunggu beberapa menit lalu coba lagi."),
    ),
    500: (_l("Terjadi kesalahan"), _l("Maaf, terjadi kesalahan di sisi kami. Silakan coba lagi.")),
    501: (_l("Belum tersedia"), _l("Fitur ini belum tersedia.")),
    503: (_l("Layanan tidak tersedia"), _l("Layanan sedang tidak tersedia. Coba lagi nanti.")),
}


def wants_json() -> bool:
    """API clients get JSON errors; browsers get pages."""
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def render_error(code: int, message: str | None = None):
    """The error page (or JSON) for an HTTP status; never a traceback."""
    title, default_text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    text = message or str(default_text)
    if wants_json():
        return jsonify(error=str(title), message=text, status=code), code
    return render_template("errors/error.html", code=code, title=title, text=text), code


def register_error_handlers(app: Flask) -> None:
    """Bind handlers for HTTP errors, CSRF failures, domain errors and anything unexpected."""

    @app.errorhandler(CSRFError)
    def handle_csrf(error):
        return render_error(
            400, str(_l("Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi."))
        )

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        body, code = render_error(error.code or 500)
        headers = {}
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            headers["Allow"] = ", ".join(error.valid_methods)
        return body, code, headers

    @app.errorhandler(DomainError)
    def handle_domain(error: DomainError):
        return render_error(error.status_code, error.message)

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        from marketplace.extensions import db

        db.session.rollback()
        return render_error(500)
