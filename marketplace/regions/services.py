"""Loading and reading the region data shipped in regions/data/regions.csv."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from marketplace.db import atomic
from marketplace.extensions import db
from marketplace.regions.models import Province, Regency

DATA_FILE = Path(__file__).parent / "data" / "regions.csv"


@dataclass(frozen=True)
class LoadResult:
    """What `regions load` changed."""

    provinces_added: int
    regencies_added: int
    renamed: int


def read_data_file(path: Path = DATA_FILE) -> tuple[list[dict], list[dict]]:
    """The provinces and regencies rows of the data file."""
    provinces, regencies = [], []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["level"] == "province":
                provinces.append({"code": row["code"], "name": row["name"]})
            else:
                regencies.append(
                    {
                        "code": row["code"],
                        "name": row["name"],
                        "province_code": row["province_code"],
                    }
                )
    return provinces, regencies


def load_regions(path: Path = DATA_FILE) -> LoadResult:
    """Insert missing regions and update changed names; run twice, the second run changes nothing.

    Regions are never deleted here: orders and artisans refer to them.
    """
    provinces, regencies = read_data_file(path)
    added_p = added_r = renamed = 0
    with atomic():
        existing_p = dict(db.session.execute(sa.select(Province.code, Province.name)).all())
        existing_r = dict(db.session.execute(sa.select(Regency.code, Regency.name)).all())
        for row in provinces:
            if row["code"] not in existing_p:
                db.session.add(Province(**row))
                added_p += 1
            elif existing_p[row["code"]] != row["name"]:
                db.session.get(Province, row["code"]).name = row["name"]
                renamed += 1
        db.session.flush()
        for row in regencies:
            if row["code"] not in existing_r:
                db.session.add(Regency(**row))
                added_r += 1
            elif existing_r[row["code"]] != row["name"]:
                db.session.get(Regency, row["code"]).name = row["name"]
                renamed += 1
    current_app.extensions.pop("region_names", None)
    return LoadResult(added_p, added_r, renamed)


def region_names() -> dict[str, str]:
    """Every region code -> name, sorted by code.

    Kept per app: only `regions load` changes regions, and it clears this.
    """
    names = current_app.extensions.get("region_names")
    if names is None:
        names = dict(db.session.execute(sa.select(Province.code, Province.name)).all())
        names.update(db.session.execute(sa.select(Regency.code, Regency.name)).all())
        names = dict(sorted(names.items()))
        if names:
            current_app.extensions["region_names"] = names
    return names


def provinces() -> list[tuple[str, str]]:
    """(code, name) of every province, by code."""
    return [(code, name) for code, name in region_names().items() if "." not in code]


def regencies_of(province_code: str) -> list[tuple[str, str]]:
    """(code, name) of the regencies of one province, by code."""
    prefix = f"{province_code}."
    return [(code, name) for code, name in region_names().items() if code.startswith(prefix)]


def all_regencies() -> list[tuple[str, str]]:
    """(code, name) of every regency, by code."""
    return [(code, name) for code, name in region_names().items() if "." in code]


def region_name(code: str | None) -> str:
    """The name of a province or regency code, or '' for none."""
    if not code:
        return ""
    return region_names().get(code, code)


def is_regency(code: str | None) -> bool:
    """True for a known regency code."""
    return bool(code) and "." in code and code in region_names()


def is_province(code: str | None) -> bool:
    """True for a known province code."""
    return bool(code) and "." not in code and code in region_names()
