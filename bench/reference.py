"""The reference page of bench/run.py: bare Flask + SQLAlchemy + Jinja, one JOIN query.

Issue 12 measures the shop's cache-missing pages against it: 24 visible products joined to
their artisans, rendered by a small Jinja template, on the same database (DATABASE_URL) and
under the same gunicorn settings. It is what a plain Flask page with one query costs.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, request

app = Flask(__name__)
engine = sa.create_engine(os.environ["DATABASE_URL"])

QUERY = sa.text(
    "SELECT p.slug, p.title, p.price_idr, a.shop_name FROM products p "
    "JOIN artisans a ON a.id = p.artisan_id "
    "WHERE p.status = 'active' AND a.status = 'verified' "
    "ORDER BY p.id LIMIT 24 OFFSET :offset"
)
TEMPLATE = """<!doctype html><html lang="id"><head><meta charset="utf-8">
<title>Produk</title></head><body><h1>Produk</h1><ul>
{% for row in rows %}<li><a href="/products/{{ row.slug }}">{{ row.title }}</a>
<span>Rp {{ "{:,}".format(row.price_idr).replace(",", ".") }}</span>
<span>{{ row.shop_name }}</span></li>
{% endfor %}</ul></body></html>"""
# Compiled once, as Flask does for a template file (render_template_string compiles every call).
template = app.jinja_env.from_string(TEMPLATE)


@app.get("/healthz")
def healthz():
    """Ready probe."""
    return "ok"


@app.get("/reference")
def reference():
    """Page ?page=N of the visible products (24 a page), one query."""
    page = min(max(request.args.get("page", 1, type=int), 1), 100)
    with engine.connect() as conn:
        rows = conn.execute(QUERY, {"offset": (page - 1) * 24}).all()
    return template.render(rows=rows)
