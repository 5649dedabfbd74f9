"""What the shop says about the artisans: respectful words, and help that protects their privacy."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Spelled in two pieces so this file does not contain the phrase it forbids.
FORBIDDEN = ("warga" + " binaan").encode()
SEARCHED = ("templates", "marketplace", "static", "scripts", "bench")
SUFFIXES = {".html", ".txt", ".py", ".po", ".pot", ".mo", ".js", ".css", ".svg", ".md"}


def test_no_page_mail_catalogue_or_code_calls_the_artisans_warga_binaan():
    files = [path for folder in SEARCHED for path in (ROOT / folder).rglob("*")]
    files += [ROOT / "README.md"]
    found = [
        str(path.relative_to(ROOT))
        for path in files
        if path.is_file()
        and path.suffix in SUFFIXES
        and FORBIDDEN in path.read_bytes().lower().replace(b"\n", b" ").replace(b'"', b"")
    ]
    assert found == []


def test_the_application_form_helps_keep_the_artisan_private(client):
    page = client.get("/seller/apply").get_data(as_text=True)
    assert "merek yang netral" in page
    assert "Jangan memakai nama lengkap Anda atau nama desa Anda" in page
    assert "tidak perlu menceritakan masa lalu, rehabilitasi, nama lengkap, atau alamat" in page


def test_the_profile_form_gives_the_same_help(client, make, auth):
    artisan = make.artisan(email="sari@example.com")
    assert artisan.id
    auth.login("sari@example.com", "kain-tenun-biru-77")
    page = client.get("/seller/profile", query_string={"lang": "en"}).get_data(as_text=True)
    assert "neutral brand name" in page
    assert "your full name or the name of your village" in page
    assert "past, rehabilitation, full name or address" in page


def test_the_order_mail_names_the_programme(ctx, outbox):
    from tests.orders.factories import order_for, shop

    _, (product,) = shop()
    order_for({product.id: 1})
    body = outbox[0]["body"]
    assert "perajin peserta program pemberdayaan masyarakat BNN" in body
    assert FORBIDDEN.decode() not in body.lower()
