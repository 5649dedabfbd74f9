"""A burst of uploads never decodes more than MEDIA_DECODE_CONCURRENCY photos at once."""

from __future__ import annotations

import threading
import time

import pytest
from PIL import ImageFile

from marketplace.media.pipeline import ImageBusy, ImageRejected, store_image

from .images import encoded, picture


class DecodeWatch:
    """Wraps Pillow's real decode (ImageFile.load) to see how many run at the same moment."""

    def __init__(self, monkeypatch, hold: threading.Event | None = None, seconds: float = 0.2):
        self.active = 0
        self.most = 0
        self.started = threading.Event()
        self._lock = threading.Lock()
        real_load = ImageFile.ImageFile.load

        def watched_load(image):
            if not image.tile:  # already decoded: nothing runs
                return real_load(image)
            with self._lock:
                self.active += 1
                self.most = max(self.most, self.active)
            self.started.set()
            try:
                # Stretch the decode as a big photo on a slow server would take, so that two
                # decodes that are allowed to overlap surely do.
                if hold is not None:
                    hold.wait(10)
                else:
                    time.sleep(seconds)
                return real_load(image)
            finally:
                with self._lock:
                    self.active -= 1

        monkeypatch.setattr(ImageFile.ImageFile, "load", watched_load)


def upload_in_thread(app, data: bytes, results: list, start: threading.Barrier | None = None):
    """A thread that stores the photo as an upload request would; its outcome goes in results."""

    def run():
        with app.app_context():
            if start is not None:
                start.wait(5)
            try:
                results.append(store_image(data))
            except Exception as error:  # the test asserts on what came out
                results.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.parametrize("concurrency", [1, 2])
def test_two_uploads_at_once_decode_no_more_than_the_limit_together(app, monkeypatch, concurrency):
    app.config["MEDIA_DECODE_CONCURRENCY"] = concurrency
    watch = DecodeWatch(monkeypatch)
    data = encoded(picture((1600, 1200)), "PNG")
    results: list = []
    start = threading.Barrier(2)
    threads = [upload_in_thread(app, data, results, start) for _ in range(2)]
    for thread in threads:
        thread.join(30)
    assert [type(result).__name__ for result in results] == ["StoredImage", "StoredImage"]
    assert watch.most == concurrency  # with 2 they do overlap: the watch would see it


def test_an_upload_that_waits_too_long_for_a_slot_is_asked_to_try_again(
    app, monkeypatch, media_files
):
    app.config.update(MEDIA_DECODE_CONCURRENCY=1, MEDIA_DECODE_WAIT_SECONDS=0.3)
    hold = threading.Event()
    watch = DecodeWatch(monkeypatch, hold=hold)
    data = encoded(picture((800, 600)), "PNG")
    first: list = []
    slow = upload_in_thread(app, data, first)
    assert watch.started.wait(5)
    try:
        with app.app_context(), pytest.raises(ImageBusy) as refused:
            store_image(data)
    finally:
        hold.set()
        slow.join(30)
    assert "Coba unggah lagi" in refused.value.message
    assert refused.value.status_code == 503
    assert type(first[0]).__name__ == "StoredImage"
    assert len(media_files()) == 6  # only the first photo's variants were written
    assert watch.most == 1


def test_a_png_is_held_to_the_decoded_pixel_limit_a_phone_jpeg_of_more_pixels_is_not(
    ctx, media_files
):
    # A JPEG decodes at a reduced scale (here 1/2: 3 MP); a PNG decodes every pixel.
    ctx.config["MEDIA_MAX_DECODED_PIXELS"] = 4_000_000
    stored = store_image(encoded(picture((4000, 3000)), "JPEG"))
    assert (stored.width, stored.height) == (1280, 960)
    with pytest.raises(ImageRejected, match="Maksimal 4 megapiksel"):
        store_image(encoded(picture((2400, 1800)), "PNG"))
    assert store_image(encoded(picture((1600, 1200)), "PNG")).width == 1280
    assert len(media_files()) == 12  # the two accepted photos, six files each
