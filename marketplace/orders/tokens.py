"""Order numbers, idempotency keys and the private links of guest orders."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from marketplace.errors import ValidationError

# No 0/O, 1/I/L or U: a number read out over the phone is not misheard.
_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_order_number(now: datetime) -> str:
    """`BNN-261128-K7XQ2M`: the Jakarta date and six random characters (30^6 per day)."""
    local = now.astimezone(ZoneInfo(current_app.config.get("REPORT_TIMEZONE", "Asia/Jakarta")))
    tail = "".join(secrets.choice(_ALPHABET) for _ in range(6))
    return f"BNN-{local:%y%m%d}-{tail}"


def new_idempotency_key() -> str:
    """A fresh key for one checkout form (the hidden field travels with the form)."""
    return secrets.token_urlsafe(24)


def check_idempotency_key(key: str | None) -> str:
    """The key if well formed; a tampered or missing one is refused."""
    if not key or not _KEY.match(key):
        raise ValidationError(
            _("Formulir checkout tidak lengkap. Muat ulang halaman lalu coba lagi."),
            field="idempotency_key",
        )
    return key


def access_token_for(idempotency_key: str) -> str:
    """The secret of a guest's private order link, derived from the order's idempotency key.

    Deriving it (HMAC with SECRET_KEY) instead of storing it lets a repeated checkout, and later
    e-mails, give the same link again while the database keeps only its hash.
    """
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, b"order-link:" + idempotency_key.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def token_hash(token: str) -> str:
    """What the database keeps of a private link's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str | None, stored_hash: str | None) -> bool:
    """Constant-time check of a token against a stored hash."""
    if not token or not stored_hash or len(token) > 128:
        return False
    return hmac.compare_digest(token_hash(token), stored_hash)
