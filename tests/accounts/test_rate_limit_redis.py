"""With REDIS_URL set, login limits live in Redis and so hold across worker processes."""

import os
import uuid

import pytest

from marketplace import create_app

REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.mark.skipif(not REDIS_URL, reason="needs Redis: set REDIS_URL (CI does)")
def test_failed_logins_counted_by_one_worker_block_the_next_worker(database, tmp_path, make):
    prefix = f"test-{uuid.uuid4().hex}"
    settings = {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    make.user(email="ada@example.com")

    def worker(app_fixture_uri):
        return create_app("testing", {**settings, "SQLALCHEMY_DATABASE_URI": app_fixture_uri})

    uri = make._app.config["SQLALCHEMY_DATABASE_URI"]
    first = worker(uri).test_client()
    for _ in range(5):
        first.post("/account/login", data={"email": "ada@example.com", "password": "salah-123"})
    # A fresh app has a fresh limiter storage object: only Redis can carry the count over.
    second = worker(uri).test_client()
    response = second.post(
        "/account/login", data={"email": "ada@example.com", "password": "kain-tenun-biru-77"}
    )
    assert response.status_code == 429
