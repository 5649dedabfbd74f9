"""Keep the Babel catalogues complete: Indonesian (the source language, `id`) and English (`en`).

The msgids in the code and templates are Indonesian, so the `id` catalogue is the msgids copied
into the msgstrs, on purpose and explicitly; `en` is translated by a person.

Workflow after adding or changing user-facing strings:

    make extract-messages                      # sources -> messages.pot -> id and en .po
    .venv/bin/python scripts/translations.py fill-id
    # translate the new entries of marketplace/translations/en/LC_MESSAGES/messages.po
    # (keep placeholders such as %(n)d and %(name)s exactly; remove any "fuzzy" flag you checked)
    .venv/bin/python scripts/translations.py check
    make translations                          # compile the .mo files the app reads

`check` prints every entry that is untranslated, fuzzy, missing from a catalogue, or whose
placeholders differ from the msgid, and exits 1 if there is any; tests/test_translations.py
asserts the same, so a string added without a translation fails the test suite by name.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "marketplace" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
SOURCE_LOCALE = "id"

# Python %-format conversions as Flask-Babel applies them ("%%" included: it must survive too).
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def po_path(locale: str) -> Path:
    """Where the catalogue of a locale lives."""
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def locales() -> list[str]:
    """Every locale that has a catalogue, sorted."""
    return sorted(p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def load(path: Path) -> Catalog:
    """Read a .po or .pot file."""
    with path.open("rb") as handle:
        return read_po(handle)


def save(catalog: Catalog, path: Path) -> None:
    """Write a catalogue the way `pybabel update` does, so the two tools make the same diff."""
    with path.open("wb") as handle:
        write_po(handle, catalog, width=76)


def forms(message: Message) -> tuple[str, ...]:
    """The msgstr of an entry as a tuple, one item per plural form."""
    string = message.string
    return tuple(string) if isinstance(string, (tuple, list)) else (string or "",)


def placeholders(text: str) -> list[str]:
    """The %-placeholders of a text, sorted, so the order a translation puts them in is free."""
    return sorted(PLACEHOLDER.findall(text))


def source_text(message: Message, index: int, plural_count: int) -> str:
    """The msgid text that plural form `index` of the source-language catalogue repeats.

    With one plural form (Indonesian) the single form covers every count, so it takes the
    plural msgid, which is the one that shows the number.
    """
    if not isinstance(message.id, (tuple, list)):
        return message.id
    singular, plural = message.id[0], message.id[1]
    if plural_count == 1:
        return plural
    return singular if index == 0 else plural


def fill_source(catalog: Catalog) -> int:
    """Set msgstr = msgid on every entry of the source-language catalogue; count the changes."""
    changed = 0
    for message in catalog:
        if not message.id:
            continue
        count = catalog.num_plurals if message.pluralizable else 1
        wanted = tuple(source_text(message, i, count) for i in range(count))
        new = wanted if message.pluralizable else wanted[0]
        if forms(message) != wanted or message.fuzzy:
            message.string = new
            message.flags.discard("fuzzy")
            changed += 1
    return changed


def problems(catalog: Catalog, template: Catalog | None) -> list[str]:
    """Human-readable lines for each entry a translator still has to look at."""
    found = ["fuzzy header: the whole catalogue would be skipped"] if catalog.fuzzy else []
    for message in catalog:
        if not message.id:
            continue
        label = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
        strings = forms(message)
        if not all(s.strip() for s in strings):
            found.append(f"untranslated: {label!r}")
        elif message.fuzzy:
            found.append(f"fuzzy: {label!r}")
        elif not placeholders_agree(message, strings):
            found.append(f"placeholders differ: {label!r} -> {strings!r}")
    if template is not None:
        for message in template:
            if message.id and catalog.get(message.id, message.context) is None:
                label = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
                found.append(f"missing (run make extract-messages): {label!r}")
    return found


def placeholders_agree(message: Message, strings: tuple[str, ...]) -> bool:
    """Whether each form of a translation uses the msgid's placeholders.

    A plural form may drop the count ("one item") but never add a name the code does not pass.
    """
    if not isinstance(message.id, (tuple, list)):
        return placeholders(strings[0]) == placeholders(message.id)
    allowed = set(placeholders(message.id[0])) | set(placeholders(message.id[1]))
    return all(set(placeholders(s)) <= allowed for s in strings)


def cmd_fill_id(_args: argparse.Namespace) -> int:
    """Copy msgid into msgstr for the source-language catalogue."""
    path = po_path(SOURCE_LOCALE)
    catalog = load(path)
    changed = fill_source(catalog)
    if changed:
        catalog.revision_date = datetime.now(UTC)
        save(catalog, path)
    print(f"{SOURCE_LOCALE}: {changed} entr{'y' if changed == 1 else 'ies'} filled")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """List what is left to translate in each catalogue; exit 1 when anything is."""
    template = load(TEMPLATE) if TEMPLATE.exists() else None
    total = 0
    for locale in args.locales or locales():
        catalog = load(po_path(locale))
        found = problems(catalog, template)
        entries = sum(1 for m in catalog if m.id)
        print(f"{locale}: {entries} entries, {len(found)} to fix")
        for line in found:
            print(f"  {line}")
        total += len(found)
    return 1 if total else 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("fill-id", help="set msgstr = msgid in the id catalogue").set_defaults(
        run=cmd_fill_id
    )
    check = sub.add_parser("check", help="list untranslated or fuzzy entries; exit 1 if any")
    check.add_argument("locales", nargs="*", help="locales to check (default: all)")
    check.set_defaults(run=cmd_check)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
