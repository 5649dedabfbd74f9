"""Serving stored photos from local disk: `/media/<shard>/<key>_<size>.<ext>`."""

from __future__ import annotations

import re

from flask import Blueprint, abort, send_file

from marketplace.media.pipeline import FORMATS, SIZES
from marketplace.media.storage import LocalStorage, UnsafePath, get_storage

bp = Blueprint("media", __name__)

CONTENT_TYPES = {"webp": "image/webp", "jpg": "image/jpeg"}
# Only names the pipeline itself makes are served: anything else (`..`, `%2e%2e`, backslashes,
# absolute paths, .html/.svg planted by hand) is 404 before the disk is even looked at.
SIZE_NAMES = "|".join(SIZES)
EXTENSIONS = "|".join(FORMATS.values())
VARIANT_RE = re.compile(
    rf"(?P<shard>[0-9a-f]{{2}})/(?P=shard)[0-9a-f]{{30}}_(?:{SIZE_NAMES})\.(?P<ext>{EXTENSIONS})"
)
ONE_YEAR = 31_536_000


@bp.get("/media/<path:path>")
def serve(path: str):
    """A photo variant, cached for a year: names are never reused, so the bytes never change."""
    match = VARIANT_RE.fullmatch(path)
    storage = get_storage()
    if match is None or not isinstance(storage, LocalStorage):
        abort(404)
    try:
        file = storage.local_path(path)
    except UnsafePath:
        abort(404)
    if not file.is_file():
        abort(404)
    response = send_file(
        file, mimetype=CONTENT_TYPES[match["ext"]], conditional=True, max_age=ONE_YEAR
    )
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Opened directly, a photo needs nothing else: a strict policy costs nothing here.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
