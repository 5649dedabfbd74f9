"""Static files under names that carry a hash of their content, cached by browsers for a year.

`url_for('static', filename='css/main.css')` gives `/static/css/main.1a2b3c4d.css`: the name
changes whenever the bytes do, so a phone (or the proxy) keeps the file for a year without asking
again, and a new release is fetched at once. The hashes are computed once per process, at
startup, from the files in static/: no build step, `make run` just works. The unhashed names
still answer, cached for a few minutes only.

Each hashed name is served from the bytes it was computed from (kept in memory: static/ is a few
small files), so a name and its content can never disagree while the process runs.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, request, send_from_directory

ONE_YEAR = 31_536_000
UNHASHED_MAX_AGE = 300
HASH_LENGTH = 8
# `css/main.1a2b3c4d.css`: a hashed name, possibly from another release.
HASHED_NAME_RE = re.compile(rf"(?P<stem>.+)\.[0-9a-f]{{{HASH_LENGTH}}}(?P<suffix>\.[^./]+)")


@dataclass(frozen=True)
class StaticFile:
    """One file of static/ as it was when the process started."""

    name: str  # relative to static/, with "/" separators: `css/main.css`
    hashed_name: str  # `css/main.1a2b3c4d.css`
    digest: str
    content: bytes


def hashed_filename(name: str, digest: str) -> str:
    """`css/main.css` -> `css/main.<first 8 hex digits>.css` (`LICENSE` -> `LICENSE.<hash>`)."""
    folder, _, base = name.rpartition("/")
    stem, dot, suffix = base.rpartition(".")
    short = digest[:HASH_LENGTH]
    hashed = f"{stem}.{short}.{suffix}" if dot and stem else f"{base}.{short}"
    return f"{folder}/{hashed}" if folder else hashed


class StaticManifest:
    """Every file under a folder, by its own name and by its hashed name."""

    def __init__(self, folder: str | Path):
        """Read and hash every file under folder (once: the manifest never changes after)."""
        self.folder = Path(folder)
        self._by_name: dict[str, StaticFile] = {}
        self._by_hashed_name: dict[str, StaticFile] = {}
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.rglob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            name = path.relative_to(self.folder).as_posix()
            content = path.read_bytes()
            digest = hashlib.sha256(content).hexdigest()
            entry = StaticFile(name, hashed_filename(name, digest), digest, content)
            self._by_name[name] = entry
            self._by_hashed_name[entry.hashed_name] = entry

    def hashed_name(self, name: str) -> str | None:
        """The hashed name of a file, or None for a file that was not there at startup."""
        entry = self._by_name.get(name)
        return entry.hashed_name if entry else None

    def file(self, hashed_name: str) -> StaticFile | None:
        """The file a hashed name stands for, or None."""
        return self._by_hashed_name.get(hashed_name)

    def has(self, name: str) -> bool:
        """True when a file of that (unhashed) name was there at startup."""
        return name in self._by_name


def register(app: Flask) -> None:
    """Hash static/ now, make url_for('static') give hashed names, and serve them."""
    manifest = StaticManifest(app.static_folder or "")
    app.extensions["static_manifest"] = manifest

    def hashed_static_names(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = manifest.hashed_name(values["filename"]) or values["filename"]

    app.url_defaults(hashed_static_names)
    if "static" in app.view_functions:
        app.view_functions["static"] = serve_static


def serve_static(filename: str):
    """A static file: by hashed name for a year, by any other name briefly."""
    manifest: StaticManifest = current_app.extensions["static_manifest"]
    entry = manifest.file(filename)
    if entry is not None:
        mimetype = mimetypes.guess_type(entry.name)[0] or "application/octet-stream"
        response = current_app.response_class(entry.content, mimetype=mimetype)
        response.set_etag(entry.digest[:32])
        # public: without it, web.security_headers makes a logged-in user's response no-store.
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
        return response.make_conditional(request)
    match = HASHED_NAME_RE.fullmatch(filename)
    if match and manifest.has(unhashed := f"{match['stem']}{match['suffix']}"):
        # A page from another release (a sibling server mid-deploy) asks for its own hash: give
        # it today's file rather than an unstyled page, but never let anyone keep it.
        response = send_from_directory(current_app.static_folder, unhashed, max_age=0)
        response.cache_control.no_cache = True
        response.cache_control.public = True
        return response
    response = send_from_directory(current_app.static_folder, filename, max_age=UNHASHED_MAX_AGE)
    response.cache_control.public = True
    return response
