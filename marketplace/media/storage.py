"""Where processed photos live: a small storage interface and the local-disk implementation.

Everything the pipeline writes goes through `Storage`, so moving photos to an S3-compatible store
(AWS S3, MinIO, Cloudflare R2, Wasabi...) later is one new class and no change to callers:

- `save(path, data)`: `put_object(Bucket, Key=path, Body=data, ContentType=...,
  CacheControl="public, max-age=31536000, immutable")`. A PUT is already atomic: readers see the
  old object or the new one, never half of it, so no temp-file dance is needed.
- `open(path)`: `get_object(...)["Body"]`; `delete(path)`: `delete_object(...)` (missing is fine).
- `url(path)`: the public bucket or CDN address (`https://cdn.example/<path>`). Photos are public
  product pictures with unguessable names, so plain URLs do; no presigning. The site's
  Content-Security-Policy (`img-src 'self'`) must then list that host.
- Install it with `app.extensions["media_storage"] = S3Storage(...)` in the factory; `get_storage()`
  returns whatever is installed there and falls back to `LocalStorage(MEDIA_ROOT)`. The `/media/...`
  view only serves local files; with S3 the browser fetches from the bucket or CDN directly.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

from flask import current_app
from werkzeug.security import safe_join


@runtime_checkable
class Storage(Protocol):
    """A flat store of immutable files under relative, server-made paths (`ab/ab12.._thumb.jpg`)."""

    def save(self, path: str, data: bytes) -> None:
        """Store data under path, replacing nothing half-way: readers see all of it or none."""

    def open(self, path: str) -> BinaryIO:
        """The stored bytes for reading; raises FileNotFoundError when there are none."""

    def delete(self, path: str) -> None:
        """Remove the file; a file that is already gone is not an error."""

    def url(self, path: str) -> str:
        """The address a browser fetches the file from."""


class UnsafePath(ValueError):
    """A path that would leave the storage root (`..`, absolute, backslashes)."""


class LocalStorage:
    """Files under a directory on this machine (MEDIA_ROOT), served by the `media` blueprint."""

    def __init__(self, root: str | os.PathLike, url_prefix: str = "/media"):
        """Store under root; URLs start with url_prefix (MEDIA_URL_PREFIX)."""
        self.root = Path(root)
        self._root = str(self.root)
        self.url_prefix = url_prefix.rstrip("/")

    def local_path(self, path: str) -> Path:
        """The absolute file for a relative path, or UnsafePath if it would leave the root."""
        return Path(self._joined(path))

    def _joined(self, path: str) -> str:
        """local_path() as a string (list pages ask for many URLs: no Path object for each)."""
        # safe_join refuses `..`, absolute paths and (on every OS) backslash separators.
        if not path or "\\" in path or "\x00" in path:
            raise UnsafePath(path)
        joined = safe_join(self._root, path)
        if joined is None:
            raise UnsafePath(path)
        return joined

    def save(self, path: str, data: bytes) -> None:
        """Write to a temp file beside the target, flush it to disk, then rename it into place.

        os.replace is atomic on POSIX and Windows, so a crash or a concurrent reader never sees a
        half-written photo under its final name.
        """
        target = self.local_path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            # mkstemp makes 0600 files; a front web server serving MEDIA_ROOT must be able to read.
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def open(self, path: str) -> BinaryIO:
        """The file opened for binary reading."""
        return self.local_path(path).open("rb")

    def delete(self, path: str) -> None:
        """Remove the file if it is there."""
        with contextlib.suppress(FileNotFoundError):
            self.local_path(path).unlink()

    def url(self, path: str) -> str:
        """`/media/<path>` (or whatever MEDIA_URL_PREFIX says)."""
        self._joined(path)  # never hand out a URL for a path we would refuse to serve
        return f"{self.url_prefix}/{path}"


def get_storage() -> Storage:
    """The app's storage: one installed in app.extensions, else local files under MEDIA_ROOT."""
    installed = current_app.extensions.get("media_storage")
    if installed is not None:
        return installed
    # Made once per app and settings (a list page asks for dozens of photo URLs).
    settings = (
        current_app.config["MEDIA_ROOT"],
        current_app.config.get("MEDIA_URL_PREFIX", "/media"),
    )
    made = current_app.extensions.get("media_local_storage")
    if made is None or made[0] != settings:
        made = current_app.extensions["media_local_storage"] = (settings, LocalStorage(*settings))
    return made[1]
