"""Configuration classes, read from the environment (DESIGN.md section 8).

`APP_ENV` picks the class: `production` (the default, so a forgotten setting fails safe),
`development` or `testing`.
"""

from __future__ import annotations

import math
import os
import secrets
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))

WEAK_SECRETS = {"", "dev", "secret", "changeme", "change-me", "development", "test"}
MIN_SECRET_LENGTH = 32
MIN_SECRET_DISTINCT = 10  # `a` 40 times, or `x9` 24 times, is long but guessable
MIN_SECRET_BITS = 96  # Shannon entropy of the key's characters times its length
HOW_TO_MAKE_ONE = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
# Where a key printed in the project would be (the README, the tests, the code): a key found
# in one of these is public, however random it looks.
PROJECT_TEXT_DIRS = ("marketplace", "templates", "tests", "migrations", "scripts", "bench")
PROJECT_TEXT_FILES = ("README.md", "config.py", "wsgi.py", "setup.cfg", "pyproject.toml")
MAX_SCANNED_FILE_BYTES = 2 * 1024 * 1024
PRODUCTION_REQUIRED = (
    "SITE_URL",
    "BANK_TRANSFER_BANK_NAME",
    "BANK_TRANSFER_ACCOUNT_NUMBER",
    "BANK_TRANSFER_ACCOUNT_HOLDER",
)


def _int(name: str, default: int) -> int:
    """Read an integer setting; a malformed value is a startup error, not a silent default."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a whole number, got {raw!r}") from exc


def _bool(name: str, default: bool) -> bool:
    """Read a yes/no setting."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _csv(name: str) -> tuple[str, ...]:
    """Read a comma-separated setting into its non-empty, stripped items."""
    return tuple(item.strip() for item in os.environ.get(name, "").split(",") if item.strip())


def default_database_url() -> str:
    """SQLite file under instance/, the embedded default."""
    return f"sqlite:///{INSTANCE_DIR / 'marketplace.sqlite3'}"


def development_secret_key() -> str:
    """A random key made once per checkout and kept in instance/, so sessions survive restarts."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or default_database_url()
    # No ping on every checkout from the pool (a round trip per request, several per order):
    # marketplace.db pings only connections idle this many seconds, where a server restart or
    # an idle timeout may have closed them unseen. A connection in steady use that breaks fails
    # one request, and SQLAlchemy then replaces every connection of the pool.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": False}
    DATABASE_PING_AFTER_IDLE = _int("DATABASE_PING_AFTER_IDLE", 10)
    SQLALCHEMY_RECORD_QUERIES = False

    # Requests: photos are the largest legitimate bodies (a few per product from a phone).
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 16 * 1024 * 1024)
    MAX_FORM_MEMORY_SIZE = 2 * 1024 * 1024

    SESSION_COOKIE_NAME = "bnn_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14

    WTF_CSRF_TIME_LIMIT = (
        None  # the token lives as long as the session; slow phones fill forms slowly
    )

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "marketplace" / "translations")
    LANGUAGES = ("id", "en")
    REPORT_TIMEZONE = os.environ.get("REPORT_TIMEZONE", "Asia/Jakarta")

    REDIS_URL = os.environ.get("REDIS_URL", "")
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "20 per 15 minutes")
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")

    # Argon2id at or above OWASP's minimum (19 MiB, t=2, p=1); these are RFC 9106's low-memory set.
    ARGON2_TIME_COST = _int("ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_COST = _int("ARGON2_MEMORY_COST", 65536)
    ARGON2_PARALLELISM = _int("ARGON2_PARALLELISM", 4)
    PASSWORD_RESET_MAX_AGE = 60 * 60

    MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or str(INSTANCE_DIR / "media")
    MEDIA_URL_PREFIX = "/media"
    # Photo limits (marketplace/media/pipeline.py): bytes are checked before anything is read,
    # pixels and the longest side from the header before decoding, the pixels to decode
    # (JPEG at a reduced scale, PNG/WebP in full, 4 bytes each) before the decode; at most
    # MEDIA_DECODE_CONCURRENCY decodes run at once per process (each up to about 150 MB),
    # and an upload that waits MEDIA_DECODE_WAIT_SECONDS for a slot is told to try again.
    MEDIA_MAX_BYTES = _int("MEDIA_MAX_BYTES", 10 * 1024 * 1024)
    MEDIA_MAX_PIXELS = _int("MEDIA_MAX_PIXELS", 40_000_000)
    MEDIA_MAX_DECODED_PIXELS = _int("MEDIA_MAX_DECODED_PIXELS", 32_000_000)
    MEDIA_MAX_SIDE = _int("MEDIA_MAX_SIDE", 12_000)
    MEDIA_DECODE_CONCURRENCY = _int("MEDIA_DECODE_CONCURRENCY", 2)
    MEDIA_DECODE_WAIT_SECONDS = _int("MEDIA_DECODE_WAIT_SECONDS", 30)

    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _int("MAIL_PORT", 587)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Toko BNN <noreply@stopnarkoba.id>")
    # "background": a thread per process sends after the commit, so no request waits on SMTP.
    MAIL_DELIVERY = os.environ.get("MAIL_DELIVERY", "background")
    # Seconds after which a sender's claim on outbox rows is taken as that of a crashed sender.
    MAIL_CLAIM_TIMEOUT = _int("MAIL_CLAIM_TIMEOUT", 300)

    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
    STRIPE_MAX_NETWORK_RETRIES = _int("STRIPE_MAX_NETWORK_RETRIES", 2)
    STRIPE_TIMEOUT_SECONDS = _int("STRIPE_TIMEOUT_SECONDS", 20)

    # The account buyers transfer to. Production refuses to start without it (see check), so a
    # buyer is never shown the demo account and sends real money nowhere.
    BANK_TRANSFER_BANK_NAME = os.environ.get("BANK_TRANSFER_BANK_NAME", "")
    BANK_TRANSFER_ACCOUNT_NUMBER = os.environ.get("BANK_TRANSFER_ACCOUNT_NUMBER", "")
    BANK_TRANSFER_ACCOUNT_HOLDER = os.environ.get("BANK_TRANSFER_ACCOUNT_HOLDER", "")
    # The shop's public address: every link in an e-mail is built on it, never on the request's
    # Host header (which a client chooses). Production trusts only its host (TRUSTED_HOSTS).
    SITE_URL = os.environ.get("SITE_URL", "")
    # Other names the site answers to (a www. alias, the address a health check uses).
    ALLOWED_HOSTS = _csv("ALLOWED_HOSTS")
    # Proxies in front of the app that append to X-Forwarded-For / set X-Forwarded-Proto
    # (nginx, a load balancer): the client address is the one this many hops back. 0: none, the
    # headers are ignored, so a client cannot pick its own address for the rate limits.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)

    MAX_PHOTOS_PER_PRODUCT = _int("MAX_PHOTOS_PER_PRODUCT", 8)
    CATALOG_CACHE_SIZE = _int("CATALOG_CACHE_SIZE", 256)
    ARTISAN_LOGIN_LINK_MAX_AGE = _int("ARTISAN_LOGIN_LINK_MAX_AGE", 3 * 24 * 60 * 60)
    EMAIL_CONFIRM_MAX_AGE = _int("EMAIL_CONFIRM_MAX_AGE", 3 * 24 * 60 * 60)

    ORDER_EXPIRY_MINUTES = _int("ORDER_EXPIRY_MINUTES", 60)

    # Flask-Compress: brotli, else gzip, for pages, CSS, JS, JSON and SVG of 500 bytes or more
    # (photos are JPEG/WebP, compressed already, and never recompressed). zstd and deflate are
    # left out: not every phone browser reads zstd, and deflate is ambiguous in the wild.
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["br", "gzip"]
    COMPRESS_MIN_SIZE = 500

    # Money of a sale is paid out only once its parcel has been delivered this many days ago
    # (time for a complaint); a parcel "shipped" this long without news is marked delivered.
    PAYOUT_HOLD_DAYS = _int("PAYOUT_HOLD_DAYS", 7)
    AUTO_COMPLETE_DAYS = _int("AUTO_COMPLETE_DAYS", 14)
    SITE_NAME = "Toko Pemberdayaan BNN"

    # Operations (marketplace/logs.py): JSON log lines, and error reports to Sentry when a DSN
    # is set (release and environment name the deploy in Sentry; the environment defaults to
    # APP_ENV).
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
    SENTRY_RELEASE = os.environ.get("SENTRY_RELEASE", "")
    SENTRY_ENVIRONMENT = os.environ.get("SENTRY_ENVIRONMENT", "")

    @classmethod
    def check(cls, config: dict) -> None:
        """Refuse to start with settings that would be unsafe in this environment."""
        problem = secret_key_problem(config.get("SECRET_KEY") or "")
        if problem:
            raise RuntimeError(f"SECRET_KEY {problem}; make one with: {HOW_TO_MAKE_ONE}")
        if config.get("TRUSTED_PROXIES", 0) < 0:
            raise RuntimeError("TRUSTED_PROXIES must be 0 or more")


def secret_key_problem(key: str) -> str | None:
    """Why a SECRET_KEY is unsafe for production, or None for a random one."""
    if key.lower() in WEAK_SECRETS or len(key) < MIN_SECRET_LENGTH:
        return f"must be a random value of at least {MIN_SECRET_LENGTH} characters"
    if len(set(key)) < MIN_SECRET_DISTINCT or _entropy_bits(key) < MIN_SECRET_BITS:
        return "has too little variety to be random"
    if key == TestingConfig.SECRET_KEY or key_is_printed_in_project(key):
        return "is printed in the project's files (anyone can read it there)"
    return None


def _entropy_bits(text: str) -> float:
    """Shannon entropy of the characters of text, times its length."""
    counts = Counter(text)
    return -sum(n * math.log2(n / len(text)) for n in counts.values())


def _project_files():
    for name in PROJECT_TEXT_FILES:
        yield BASE_DIR / name
    for folder in PROJECT_TEXT_DIRS:
        root = BASE_DIR / folder
        if root.is_dir():
            yield from (path for path in root.rglob("*") if "__pycache__" not in path.parts)


def key_is_printed_in_project(key: str) -> bool:
    """True when the key appears verbatim in one of the project's own files.

    Reads about 3 MB once at startup. Dotfiles (an operator's `.env`) are not the project's.
    """
    needle = key.encode()
    for path in _project_files():
        try:
            small = path.is_file() and path.stat().st_size <= MAX_SCANNED_FILE_BYTES
            if small and needle in path.read_bytes():
                return True
        except OSError:
            continue
    return False


def trusted_hosts(site_url: str, allowed_hosts) -> list[str]:
    """The host names the site answers to: SITE_URL's, and ALLOWED_HOSTS."""
    if isinstance(allowed_hosts, str):
        allowed_hosts = [item.strip() for item in allowed_hosts.split(",") if item.strip()]
    host = urlsplit(site_url).hostname
    if not host:
        raise RuntimeError(
            f"SITE_URL must be an absolute address such as https://toko.bnn.go.id, got {site_url!r}"
        )
    return [host, *allowed_hosts]


class ProductionConfig(Config):
    """Production: secure cookies, a strong SECRET_KEY or no start at all."""

    ENV_NAME = "production"

    @classmethod
    def check(cls, config: dict) -> None:
        """A strong key, the real bank account and the public address, or no start at all."""
        super().check(config)
        missing = [name for name in PRODUCTION_REQUIRED if not config.get(name)]
        if missing:
            raise RuntimeError(f"production needs these settings: {', '.join(missing)}")
        check_compiled_catalogues(config)
        if config.get("TRUSTED_HOSTS") is None:
            config["TRUSTED_HOSTS"] = trusted_hosts(config["SITE_URL"], config["ALLOWED_HOSTS"])


def check_compiled_catalogues(config: dict) -> None:
    """Refuse to start without a compiled catalogue (.mo) for every language the shop speaks.

    The .mo files are built, not kept in git; without one, pages in that language would show
    the Indonesian source (or, for Indonesian itself, wrong plural forms) with no error at all.
    """
    directories = [
        Path(d) for d in str(config.get("BABEL_TRANSLATION_DIRECTORIES", "")).split(";") if d
    ]
    domain = config.get("BABEL_DOMAIN") or "messages"
    for language in config.get("LANGUAGES", ()):
        candidates = [d / language / "LC_MESSAGES" / f"{domain}.mo" for d in directories]
        if not any(path.is_file() for path in candidates):
            where = candidates[0] if candidates else f"{language}/LC_MESSAGES/{domain}.mo"
            source = directories[0] if directories else "marketplace/translations"
            raise RuntimeError(
                f"the compiled translation catalogue {where} is missing: "
                f"run `pybabel compile -d {source}` (or `make translations`)"
            )


class DevelopmentConfig(Config):
    """Development: a generated secret kept in instance/, mail printed to the console."""

    ENV_NAME = "development"
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")
    SITE_URL = os.environ.get("SITE_URL") or f"http://127.0.0.1:{os.environ.get('PORT') or 5000}"

    @classmethod
    def check(cls, config: dict) -> None:
        """Development makes a key on first use and keeps it in instance/."""
        if not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = development_secret_key()


class TestingConfig(Config):
    """Tests: a throwaway database, mail captured in memory, cheap password hashing."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-that-is-long-enough-0123456789"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    MAIL_BACKEND = "memory"
    MAIL_DELIVERY = "inline"  # tests read what was sent right after the request
    SITE_URL = "http://localhost"  # the test client's host, so mailed links can be followed
    WTF_CSRF_ENABLED = False  # tests post forms directly; test_forms_without_csrf_token turns it on
    RATELIMIT_STORAGE_URI = "memory://"
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1
    STRIPE_SECRET_KEY = ""
    STRIPE_WEBHOOK_SECRET = ""
    STRIPE_API_BASE = ""
    LOG_FORMAT = ""  # leave logging to pytest, so caplog sees every record
    SENTRY_DSN = ""

    @classmethod
    def check(cls, config: dict) -> None:
        """Tests use a fixed key."""


CONFIGS = {
    "production": ProductionConfig,
    "development": DevelopmentConfig,
    "testing": TestingConfig,
}


def config_for(name: str | None) -> type[Config]:
    """The config class for an APP_ENV value."""
    name = (name or os.environ.get("APP_ENV") or "production").strip().lower()
    if name not in CONFIGS:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, got {name!r}")
    return CONFIGS[name]
