"""Password hashing (Argon2id) and the rules a new password must meet."""

from __future__ import annotations

import gzip
import secrets
import threading
from contextlib import suppress
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

MIN_LENGTH = 8
MAX_LENGTH = 128
COMMON_FILE = Path(__file__).parent / "data" / "common-passwords.txt.gz"
INDONESIAN_COMMON = {
    "bismillah", "sayang", "sayangku", "indonesia", "merdeka", "rahasia", "cintaku",
    "bismillah123", "sayang123", "indonesia123", "jakarta", "bandung", "surabaya",
    "password123", "katasandi", "katasandi123", "qwerty123", "12345678910",
}  # fmt: skip


def hasher() -> PasswordHasher:
    """The Argon2id hasher with this app's cost settings (one per set of settings)."""
    config = current_app.config
    return _hasher_for(
        config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"]
    )


@lru_cache(maxsize=8)
def _hasher_for(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hash_password(password: str) -> str:
    """The Argon2id hash to store."""
    return hasher().hash(password)


# The hash verified against when the account is unknown or has no password, so that answer
# costs one Argon2 verification, as for a known account: made once per process and settings
# (making it on every such login would double the work and tell the two cases apart).
_DUMMY_HASHES: dict[tuple[int, int, int], str] = {}
_DUMMY_LOCK = threading.Lock()


def dummy_hash(ph: PasswordHasher) -> str:
    """A hash of a random password with ph's settings, computed on first use only."""
    key = (ph.time_cost, ph.memory_cost, ph.parallelism)
    found = _DUMMY_HASHES.get(key)
    if found is None:
        with _DUMMY_LOCK:
            found = _DUMMY_HASHES.get(key)
            if found is None:
                found = _DUMMY_HASHES[key] = ph.hash(secrets.token_urlsafe(24))
    return found


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True if password matches; spends the same effort when there is no stored hash."""
    ph = hasher()
    if not stored_hash:
        with suppress(VerificationError):
            ph.verify(dummy_hash(ph), password)
        return False
    try:
        return ph.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the stored hash used weaker settings than today's."""
    return hasher().check_needs_rehash(stored_hash)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 20,000 most common passwords (see data/SOURCE.md) and some Indonesian favourites."""
    with gzip.open(COMMON_FILE, "rt", encoding="utf-8") as handle:
        words = {line.strip() for line in handle if line.strip()}
    return frozenset(words | INDONESIAN_COMMON)


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why a new password is not acceptable, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return _("Kata sandi minimal %(n)d karakter.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Kata sandi maksimal %(n)d karakter.", n=MAX_LENGTH)
    lowered = password.lower()
    if lowered in common_passwords() or password in common_passwords():
        return _("Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain.")
    local_part = email.split("@", 1)[0].lower()
    if local_part and len(local_part) >= 4 and lowered == local_part:
        return _("Kata sandi tidak boleh sama dengan alamat e-mail Anda.")
    return None
