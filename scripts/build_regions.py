#!/usr/bin/env python3
"""Build ``marketplace/regions/data/regions.csv`` from the ``idn-area-data`` npm package.

The marketplace ships Indonesia's official administrative regions (Kemendagri codes) down
to the regency/city (kabupaten/kota) level. This script turns the CSV files published in
the `idn-area-data <https://www.npmjs.com/package/idn-area-data>`_ npm package (data under
the ODbL, code under MIT) into the single file the project uses.

It needs only the Python 3.11 standard library. The package is fetched with npm into a
scratch directory; it is never a dependency of the project::

    cd /tmp && npm pack idn-area-data@4.0.1
    python scripts/build_regions.py /tmp/idn-area-data-4.0.1.tgz

``SOURCE`` may be the ``.tgz`` that ``npm pack`` wrote, the unpacked ``package/``
directory, or its ``data/`` directory. Only ``provinces.csv`` and ``regencies.csv`` are
read.

Output (UTF-8, LF line endings, sorted by code) has the header
``code,name,level,province_code``:

* province rows: ``code`` is two digits (``32``), ``level`` is ``province`` and
  ``province_code`` is empty;
* regency rows: ``code`` is ``PP.RR`` (``32.73``), ``level`` is ``regency`` and
  ``province_code`` is the parent province (``32``).

Names are taken as the source writes them (idn-area-data 4.x uses the official mixed
case, e.g. ``Kota Bandung``). Normalisation is limited to collapsing whitespace,
spelling out a ``KAB.`` abbreviation and, only for an all-uppercase name (as in
idn-area-data 3.x), converting it to title case.

The script fails loudly (exit status 1, nothing written) unless the data has exactly
38 provinces and 514 regencies/cities, every code is well formed and unique, every
regency belongs to a known province and every regency name starts with ``Kabupaten``
or ``Kota``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

EXPECTED_PROVINCES = 38
"""Provinces under Kepmendagri 100.1.1-6117/2022 and later (incl. the four 2022 Papua ones)."""

EXPECTED_REGENCIES = 514
"""Regencies (416 kabupaten) and cities (98 kota) under the same decrees."""

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "marketplace" / "regions" / "data" / "regions.csv"

HEADER = ("code", "name", "level", "province_code")
PROVINCE_CODE_RE = re.compile(r"^\d{2}$")
REGENCY_CODE_RE = re.compile(r"^(\d{2})\.(\d{2})$")
REGENCY_PREFIXES = ("Kabupaten ", "Kota ")

# Words kept lower case / upper case when title-casing an all-uppercase name.
LOWERCASE_WORDS = frozenset({"dan"})
UPPERCASE_WORDS = frozenset({"DKI", "DI"})
# Abbreviated regency prefixes found in some sources, mapped to the spelled-out form.
# The first pattern that matches wins, so the longer ones come first.
ABBREVIATIONS = (
    (re.compile(r"^KAB\.?\s*ADM\.?\s+", re.IGNORECASE), "Kabupaten Administrasi "),
    (re.compile(r"^KAB\.\s*|^KAB\s+", re.IGNORECASE), "Kabupaten "),
)


class RegionDataError(Exception):
    """Raised when the source data is missing or does not have the expected shape."""


@dataclass(frozen=True, order=True)
class Region:
    """One row of the output file."""

    code: str
    name: str
    level: str
    province_code: str

    def as_row(self) -> tuple[str, str, str, str]:
        """Return the row in the order of :data:`HEADER`."""
        return (self.code, self.name, self.level, self.province_code)


def _title_word(word: str) -> str:
    """Title-case one word of an all-uppercase name, keeping hyphenated parts apart."""
    if word in UPPERCASE_WORDS:
        return word
    if word.lower() in LOWERCASE_WORDS:
        return word.lower()
    return "-".join(part.capitalize() for part in word.split("-"))


def normalise_name(raw: str) -> str:
    """Return ``raw`` cleaned up for display.

    Whitespace is collapsed, a leading ``KAB.``/``KAB. ADM.`` abbreviation is spelled out
    and an all-uppercase name is title-cased. Mixed-case names are otherwise kept as is,
    because the source already writes them the official way.
    """
    name = " ".join(raw.split())
    if name.upper() == name:
        name = " ".join(_title_word(word) for word in name.split(" "))
    for pattern, replacement in ABBREVIATIONS:
        if pattern.match(name):
            return pattern.sub(replacement, name, count=1)
    return name


def _read_csv_text(text: str, required: set[str], label: str) -> list[dict[str, str]]:
    """Parse CSV ``text`` and check that it has the ``required`` columns."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = required - set(reader.fieldnames or ())
    if missing:
        raise RegionDataError(f"{label}: missing column(s) {sorted(missing)}")
    return list(reader)


def load_source(source: Path) -> tuple[dict[str, str], str, str]:
    """Read the package's files from a ``.tgz``, a package directory or a data directory.

    Returns ``(files, package_name, package_version)`` where ``files`` maps
    ``provinces.csv`` and ``regencies.csv`` to their text. The name and version come from
    ``package.json`` when it is available, otherwise they are ``"unknown"``.
    """
    wanted = ("provinces.csv", "regencies.csv")
    files: dict[str, str] = {}
    meta: dict[str, str] = {}

    if source.is_file() and tarfile.is_tarfile(source):
        with tarfile.open(source) as archive:
            for member in archive.getmembers():
                base = Path(member.name)
                if base.parent.name == "data" and base.name in wanted:
                    target = base.name
                elif base.name == "package.json" and len(base.parts) <= 2:
                    target = "package.json"
                else:
                    continue
                handle = archive.extractfile(member)
                if handle is not None:
                    files[target] = handle.read().decode("utf-8")
    elif source.is_dir():
        data_dir = source / "data" if (source / "data").is_dir() else source
        for name in wanted:
            path = data_dir / name
            if path.is_file():
                files[name] = path.read_text(encoding="utf-8")
        for candidate in (data_dir / "package.json", data_dir.parent / "package.json"):
            if candidate.is_file():
                files["package.json"] = candidate.read_text(encoding="utf-8")
                break
    else:
        raise RegionDataError(f"{source}: not a directory or a tarball")

    missing = [name for name in wanted if name not in files]
    if missing:
        raise RegionDataError(f"{source}: could not find {', '.join(missing)}")
    if "package.json" in files:
        meta = json.loads(files.pop("package.json"))
    return files, meta.get("name", "unknown"), meta.get("version", "unknown")


def build_regions(provinces_csv: str, regencies_csv: str) -> list[Region]:
    """Validate the source CSV texts and return all regions sorted by code.

    Raises :class:`RegionDataError` on any malformed, duplicate or orphaned row, on a
    regency name without a ``Kabupaten``/``Kota`` prefix, and when the counts are not
    exactly :data:`EXPECTED_PROVINCES` and :data:`EXPECTED_REGENCIES`.
    """
    errors: list[str] = []
    regions: dict[str, Region] = {}

    for row in _read_csv_text(provinces_csv, {"code", "name"}, "provinces.csv"):
        code = row["code"].strip()
        name = normalise_name(row["name"])
        if not PROVINCE_CODE_RE.match(code):
            errors.append(f"provinces.csv: bad code {code!r}")
        elif code in regions:
            errors.append(f"provinces.csv: duplicate code {code}")
        elif not name:
            errors.append(f"provinces.csv: empty name for {code}")
        else:
            regions[code] = Region(code, name, "province", "")
    province_codes = set(regions)

    regency_fields = {"code", "name", "province_code"}
    for row in _read_csv_text(regencies_csv, regency_fields, "regencies.csv"):
        code = row["code"].strip()
        parent = row["province_code"].strip()
        name = normalise_name(row["name"])
        match = REGENCY_CODE_RE.match(code)
        if not match:
            errors.append(f"regencies.csv: bad code {code!r}")
        elif code in regions:
            errors.append(f"regencies.csv: duplicate code {code}")
        elif match.group(1) != parent:
            errors.append(f"regencies.csv: {code} has province_code {parent!r}")
        elif parent not in province_codes:
            errors.append(f"regencies.csv: {code} belongs to unknown province {parent}")
        elif not name.startswith(REGENCY_PREFIXES):
            errors.append(f"regencies.csv: {code} name {name!r} lacks Kabupaten/Kota prefix")
        else:
            regions[code] = Region(code, name, "regency", parent)

    n_provinces = len(province_codes)
    n_regencies = len(regions) - n_provinces
    if n_provinces != EXPECTED_PROVINCES:
        errors.append(f"expected {EXPECTED_PROVINCES} provinces, found {n_provinces}")
    if n_regencies != EXPECTED_REGENCIES:
        errors.append(f"expected {EXPECTED_REGENCIES} regencies/cities, found {n_regencies}")
    with_regencies = {r.province_code for r in regions.values() if r.level == "regency"}
    for code in sorted(province_codes - with_regencies):
        errors.append(f"province {code} has no regency/city")

    if errors:
        raise RegionDataError("invalid region data:\n  " + "\n  ".join(errors))
    return sorted(regions.values())


def write_regions(regions: list[Region], output: Path) -> None:
    """Write ``regions`` to ``output`` as UTF-8 CSV with LF line endings."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(region.as_row() for region in regions)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the process exit status."""
    parser = argparse.ArgumentParser(description="Build regions.csv from idn-area-data.")
    parser.add_argument(
        "source",
        type=Path,
        help="idn-area-data .tgz from `npm pack`, its unpacked package/ dir or its data/ dir",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"CSV file to write (default: {DEFAULT_OUTPUT.relative_to(REPO_ROOT)})",
    )
    args = parser.parse_args(argv)

    try:
        files, package, version = load_source(args.source)
        regions = build_regions(files["provinces.csv"], files["regencies.csv"])
    except (RegionDataError, OSError, UnicodeDecodeError, csv.Error, json.JSONDecodeError) as exc:
        print(f"build_regions: error: {exc}", file=sys.stderr)
        return 1

    write_regions(regions, args.output)
    n_provinces = sum(1 for region in regions if region.level == "province")
    print(
        f"build_regions: {package} {version}: wrote {n_provinces} provinces and "
        f"{len(regions) - n_provinces} regencies/cities to {args.output}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
