"""The floor of bench/run.py: a bare Flask app answering /<size> with that many bytes of HTML.

Served under the same gunicorn settings as the shop, it measures what the machine, Python, WSGI
and gunicorn cost before the application does any work: the ceiling a catalog page can approach.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, Response

app = Flask(__name__)
MAX_SIZE = 1_000_000


@lru_cache(maxsize=64)
def body_of(size: int) -> bytes:
    """size bytes of HTML, made once per size."""
    return ("<!doctype html><p>" + "x" * size)[:size].encode()


@app.get("/healthz")
def healthz():
    """Ready probe."""
    return "ok"


@app.get("/<int:size>")
def body(size: int):
    """A page of exactly size bytes (at most MAX_SIZE)."""
    return Response(body_of(min(size, MAX_SIZE)), mimetype="text/html")
