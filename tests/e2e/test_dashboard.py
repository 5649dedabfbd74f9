"""The BNN dashboard in a real browser: a provincial office drills down and downloads a report.

The e2e server holds the demo data (staff of Jawa Barat, Kota Bandung's artisan "Batik Sari
Cigadung", maybe demo orders); nothing here depends on there being sales.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from marketplace.demo import DEMO_PASSWORD
from tests.e2e.accessibility import assert_accessible

pytestmark = pytest.mark.e2e
expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need playwright (pip install -e .[dev])"
).expect

JABAR = "jabar@demo.bnn.go.id"
DESKTOP = {"width": 1280, "height": 900}


def log_in(page, email: str) -> None:
    """Log in through the login form."""
    page.goto("/account/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Kata sandi", exact=True).fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Masuk").click()
    expect(page).not_to_have_url(re.compile(r"/account/login"))


def assert_fits_the_screen(page) -> None:
    """Nothing makes the page itself scroll sideways (wide tables scroll inside their box)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than the screen"


def drill_table(page):
    """The table one level down."""
    return page.locator("#sec-regions table")


def test_provincial_staff_drill_down_to_an_artisan_and_download_the_csv(page):
    log_in(page, JABAR)
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dasbor penjualan: Jawa Barat")
    rows = drill_table(page).locator("tbody tr")
    expect(rows).to_have_count(27)  # the regencies and cities of Jawa Barat, nothing else
    expect(drill_table(page)).not_to_contain_text("Bali")
    expect(page.locator("a[href*='region=51']")).to_have_count(0)
    expect(page.get_by_role("img", name="Peta asal pembeli")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)

    with page.expect_download() as info:
        page.locator("#sec-regions").get_by_role("link", name=re.compile("^CSV")).click()
    download = info.value
    assert download.suggested_filename.startswith("penjualan-regions-32-")
    text = open(download.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[1] == ["Wilayah", "Provinsi Jawa Barat"]
    assert lines[2] == ["Cakupan akses", "Provinsi Jawa Barat"]
    assert lines[0][0] and lines[5][0] == "Diekspor"
    body = lines[lines.index([]) + 2 :]
    assert len(body) == 27 and all(row[1].isdigit() for row in body)

    drill_table(page).get_by_role("link", name="Kota Bandung", exact=True).click()
    expect(page).to_have_url(re.compile(r"region=32\.73"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dasbor penjualan: Kota Bandung")
    expect(page.get_by_role("navigation", name="Jejak wilayah")).to_contain_text("Jawa Barat")
    assert_fits_the_screen(page)
    assert_accessible(page)

    drill_table(page).get_by_role("link", name="Batik Sari Cigadung").click()
    expect(page).to_have_url(re.compile(r"/dashboard/sales/artisans/\d+"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Batik Sari Cigadung")
    assert_fits_the_screen(page)
    assert_accessible(page)

    page.get_by_role("navigation", name="Jejak wilayah").get_by_role(
        "link", name="Jawa Barat"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dasbor penjualan: Jawa Barat")


def test_a_region_outside_the_scope_is_not_found(page):
    log_in(page, JABAR)
    response = page.goto("/dashboard/?region=51")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Halaman tidak ditemukan")


def test_national_dashboard_with_its_queues_on_a_desktop_screen_is_accessible(page):
    page.set_viewport_size(DESKTOP)
    log_in(page, "admin@demo.bnn.go.id")
    page.goto("/dashboard/?period=last_12_months")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dasbor penjualan: Indonesia")
    expect(page.get_by_role("heading", name="Pekerjaan Anda")).to_be_visible()
    expect(drill_table(page).locator("tbody tr")).to_have_count(38)
    expect(page.get_by_role("img", name="Peta penjualan per provinsi perajin")).to_be_visible()
    page.get_by_text("Tabel data", exact=True).click()  # the chart's table, opened
    assert_accessible(page)
    page.get_by_role("link", name="Harian").click()
    expect(page).to_have_url(re.compile(r"interval=day"))
    assert_accessible(page)


def test_custom_dates_and_sorting_keep_the_page_accessible(page):
    log_in(page, JABAR)
    page.goto("/dashboard/")
    page.get_by_label("Dari tanggal").fill("2026-01-01")
    page.get_by_label("Sampai tanggal").fill("2026-01-31")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page).to_have_url(re.compile(r"period=custom"))
    expect(page.get_by_text("Periode: 2026-01-01 s.d. 2026-01-31")).to_be_visible()
    page.locator("#sec-regions thead").get_by_role("link", name="Kabupaten/kota").click()
    expect(page.locator("#sec-regions th[aria-sort]")).to_have_attribute("aria-sort", "ascending")
    first = drill_table(page).locator("tbody tr").first.locator("th")
    expect(first).to_have_text("Kabupaten Bandung")
    assert_accessible(page)


def test_the_payout_card_leads_to_the_artisans_to_pay_and_who_owe(page):
    log_in(page, JABAR)
    page.goto("/dashboard/")
    page.get_by_role("link", name="Perajin dengan saldo untuk dibayarkan").click()
    expect(page).to_have_url(re.compile(r"/dashboard/artisans/payouts$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pembayaran ke perajin")
    expect(page.locator("main")).not_to_contain_text("Bali")
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_role("link", name="Berutang ke BNN").click()
    expect(page).to_have_url(re.compile(r"tab=owing"))
    assert_accessible(page)
