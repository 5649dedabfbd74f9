"""Redirect targets that never leave the site, and absolute links on the site's real address."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

DEFAULT_SITE_URL = "http://127.0.0.1:5000"


def site_url_for(endpoint: str, **values) -> str:
    """An absolute link on SITE_URL, for e-mails and anything else read away from this request.

    Never built on the request's Host header: a client chooses that header, and a password reset
    asked for with `Host: evil.example` would otherwise mail the owner a link to the attacker.
    """
    current_app.inject_url_defaults(endpoint, values)
    return site_url_adapter().build(endpoint, values, force_external=True)


def site_url_adapter():
    """The app's URL map bound to SITE_URL (scheme, host and any path prefix)."""
    site = urlsplit(current_app.config.get("SITE_URL") or DEFAULT_SITE_URL)
    return current_app.url_map.bind(
        site.netloc, script_name=site.path or "/", url_scheme=site.scheme or "https"
    )


def is_safe_next(target: str | None) -> bool:
    """True for a path on this site.

    `/orders/1` is; `//evil`, `/\\evil`, `https:evil` and `javascript:` are not.
    """
    if not target or not isinstance(target, str):
        return False
    if any(ord(ch) < 32 or ch.isspace() for ch in target):
        return False
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, fallback: str) -> str:
    """target if it stays on the site, else fallback."""
    return target if is_safe_next(target) else fallback
