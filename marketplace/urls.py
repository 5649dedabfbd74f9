"""Redirect targets that never leave the site."""

from __future__ import annotations

from urllib.parse import urlsplit


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
