"""Region data for pickers: the regencies of a province, as JSON for the progressive picker."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify

from marketplace.regions import services

bp = Blueprint("regions", __name__)


@bp.get("/regions/<province_code>/regencies.json")
def regencies_json(province_code: str):
    """The regencies of a province; the picker works without this (grouped select)."""
    if not services.is_province(province_code):
        abort(404)
    rows = services.regencies_of(province_code)
    response = jsonify([{"code": code, "name": name} for code, name in rows])
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response
