"""Fixtures for the photo pipeline: the media blueprint mounted, and a look into MEDIA_ROOT."""

from __future__ import annotations

from pathlib import Path

import pytest

from marketplace.media.views import bp


@pytest.fixture
def app(app):
    """The usual app, with the media blueprint mounted if the factory does not mount it yet."""
    if "media" not in app.blueprints:
        app.register_blueprint(bp)
    return app


@pytest.fixture
def media_files(app):
    """A function listing every file under MEDIA_ROOT (temp files included), relative and sorted."""
    root = Path(app.config["MEDIA_ROOT"])

    def listing() -> list[str]:
        if not root.exists():
            return []
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    return listing
