"""The shop speaks Indonesian by default and English on request, with nothing left untranslated.

The catalogues are checked against messages.pot, and messages.pot against the sources, so a string
added to the code or a template without a translation fails here, by name. The workflow to fix
it is in the docstring of scripts/translations.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "marketplace" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
LOCALES = ("id", "en")
# The same extraction as `make extract-messages` (Makefile), so the comparison is like for like.
EXTRACT_ARGS = ["-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext", "--no-location"]
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
TAG = re.compile(r"<[^>]+>")
FIX = "run `make extract-messages`, then see scripts/translations.py for the workflow"


def load(path: Path) -> Catalog:
    """Read a .po or .pot file."""
    with path.open("rb") as handle:
        return read_po(handle)


def po_path(locale: str, ext: str = "po") -> Path:
    """A locale's catalogue file."""
    return TRANSLATIONS / locale / "LC_MESSAGES" / f"messages.{ext}"


def entries(catalog: Catalog) -> list[Message]:
    """The real entries of a catalogue (the header is not one)."""
    return [m for m in catalog if m.id]


def label(message: Message) -> str:
    """How a failure names an entry: its (singular) Indonesian msgid."""
    return message.id[0] if isinstance(message.id, (tuple, list)) else message.id


def key(message: Message) -> tuple:
    """What identifies an entry: msgid (with its plural) and context."""
    msgid = tuple(message.id) if isinstance(message.id, (tuple, list)) else message.id
    return msgid, message.context


def forms(message: Message) -> tuple[str, ...]:
    """The msgstr as a tuple of plural forms."""
    string = message.string
    return tuple(string) if isinstance(string, (tuple, list)) else (string or "",)


def sorted_tokens(pattern: re.Pattern, text: str) -> list[str]:
    """The placeholders (or tags) of a text, in sorted order: a translation may reorder them."""
    return sorted(pattern.findall(text))


@pytest.fixture(scope="module")
def template() -> Catalog:
    """messages.pot as committed."""
    return load(TEMPLATE)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_string_of_the_site_has_a_finished_translation(locale, template):
    catalog = load(po_path(locale))
    missing = [label(m) for m in entries(template) if catalog.get(m.id, m.context) is None]
    untranslated = [label(m) for m in entries(catalog) if not all(s.strip() for s in forms(m))]
    fuzzy = [label(m) for m in entries(catalog) if m.fuzzy]
    assert not missing, f"{locale}: not in the catalogue ({FIX}): {missing}"
    assert not untranslated, f"{locale}: untranslated: {untranslated}"
    assert not fuzzy, f"{locale}: fuzzy (check, then drop the flag): {fuzzy}"
    assert not catalog.fuzzy, f"{locale}: the header is fuzzy, so the whole catalogue is ignored"


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_the_placeholders_and_markup_of_the_indonesian_text(locale):
    wrong = []
    for message in entries(load(po_path(locale))):
        if isinstance(message.id, (tuple, list)):
            # A plural form may drop the count ("one item") but never use a name nobody passes.
            allowed = set(PLACEHOLDER.findall(message.id[0] + message.id[1]))
            if any(not set(PLACEHOLDER.findall(s)) <= allowed for s in forms(message)):
                wrong.append((label(message), forms(message)))
            continue
        for pattern in (PLACEHOLDER, TAG):
            if sorted_tokens(pattern, message.string) != sorted_tokens(pattern, message.id):
                wrong.append((message.id, message.string))
    assert not wrong, f"{locale}: placeholders or tags differ from the msgid: {wrong}"


def test_indonesian_catalogue_shows_the_source_text_unchanged():
    changed = [
        (label(m), forms(m))
        for m in entries(load(po_path("id")))
        if any(s not in (m.id if isinstance(m.id, (tuple, list)) else (m.id,)) for s in forms(m))
    ]
    assert not changed, f"id must repeat the msgid (scripts/translations.py fill-id): {changed}"


def test_messages_pot_lists_exactly_the_strings_of_the_code_and_templates(tmp_path, template):
    fresh_path = tmp_path / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "--quiet", "extract", *EXTRACT_ARGS, "-o", str(fresh_path), str(ROOT)]
    )
    fresh = {key(m): label(m) for m in entries(load(fresh_path))}
    committed = {key(m): label(m) for m in entries(template)}
    new = sorted(fresh[k] for k in fresh.keys() - committed.keys())
    gone = sorted(committed[k] for k in committed.keys() - fresh.keys())
    assert not new, f"strings in the sources but not in messages.pot ({FIX}): {new}"
    assert not gone, f"messages.pot lists strings no longer in the sources ({FIX}): {gone}"


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogue_matches_its_po_file(locale):
    mo = po_path(locale, "mo")
    assert mo.exists(), f"{mo} is missing: run `make translations`"
    with mo.open("rb") as handle:
        compiled = {key(m): forms(m) for m in entries(read_mo(handle))}
    source = {key(m): forms(m) for m in entries(load(po_path(locale)))}
    assert compiled == source, f"{mo} is out of date: run `make translations`"


def page(client, url: str) -> str:
    """The HTML of a page, after checking it answered."""
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_login_page_is_in_indonesian_by_default(client):
    html = page(client, "/account/login")
    assert '<html lang="id">' in html
    assert "<h1>Masuk</h1>" in html
    assert "Kata sandi" in html
    assert "Log in" not in html


def test_login_page_is_in_english_when_asked(client):
    html = page(client, "/account/login?lang=en")
    assert '<html lang="en">' in html
    assert "<h1>Log in</h1>" in html
    assert "Password" in html
    assert "Forgot your password?" in html
    assert "Masuk" not in html


def test_form_errors_from_the_code_are_in_english_too(client):
    response = client.post("/account/login?lang=en", data={"email": "", "password": ""})
    html = response.get_data(as_text=True)
    assert "This field is required." in html
    assert "Wajib diisi." not in html


def test_chosen_language_stays_on_the_following_pages(client):
    response = client.post("/language", data={"lang": "en", "next": "/account/login"})
    assert response.status_code == 302
    assert "<h1>Log in</h1>" in page(client, "/account/login")
    client.post("/language", data={"lang": "id", "next": "/account/login"})
    assert "<h1>Masuk</h1>" in page(client, "/account/login")
