"""Pages on a phone: the photo gallery works by keyboard, the application status fits 390 px."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.e2e.accessibility import assert_accessible
from tests.e2e.test_seller import new_tab

pytestmark = pytest.mark.e2e
expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need playwright (pip install -e .[dev])"
).expect

PHONE_WIDTH = 390


def product_with_photos(page, at_least: int) -> str:
    """The address of a demo product with at least that many photos (every sixth has three)."""
    page.goto("/products")
    links = page.locator(".product-grid .card-link").evaluate_all("links => links.map(a => a.href)")
    for link in links:
        page.goto(link)
        if page.locator(".gallery-list li").count() >= at_least:
            return link
    pytest.fail(f"no demo product with {at_least} photos on /products")


def page_width(page) -> int:
    """How wide the page's content is, in CSS pixels (wider than the screen = sideways scroll)."""
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_photo_gallery_is_reached_and_scrolled_by_keyboard(page):
    product_with_photos(page, 3)
    gallery = page.get_by_role("region", name=re.compile(r"^Foto "))
    expect(gallery).to_have_attribute("tabindex", "0")
    assert_accessible(page)

    for _ in range(60):  # Tab through the page as a keyboard user does, until the gallery
        page.keyboard.press("Tab")
        if gallery.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reaches the photo gallery")
    outline = gallery.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline not in ("", "none"), "the focused gallery shows no focus outline"

    assert gallery.evaluate("el => el.scrollLeft") == 0
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.gallery-scroller').scrollLeft > 0", timeout=5_000
    )
    assert page_width(page) <= PHONE_WIDTH


def apply_as(page, suffix: str, certificate: str) -> None:
    """Apply as a new visitor from Kota Bandung, with a certificate number as BNN offices write
    them (long, and without a space to break at)."""
    page.goto("/seller/apply")
    page.get_by_label("E-mail").fill(f"sari-{suffix}@example.com")
    page.get_by_label("Kata sandi", exact=True).fill("anyaman pandan dari desa")
    page.get_by_label("Ulangi kata sandi").fill("anyaman pandan dari desa")
    page.get_by_label("Nama toko").fill(f"Anyaman Pandan Lestari {suffix}")
    page.get_by_label("Nama lengkap").fill("Sari Wulandari")
    page.get_by_label("Nomor HP").fill("0812 3456 7890")
    page.get_by_label("Kabupaten/kota").select_option("32.73")
    page.get_by_label("Desa/kelurahan").fill("Sukaluyu")
    page.get_by_label("Nama pelatihan").fill("Pelatihan Keterampilan Anyaman Pandan")
    page.get_by_label("Angkatan").fill("Angkatan 3")
    page.get_by_label("Tanggal pelatihan").fill("2024-05-02")
    page.get_by_label("Nomor sertifikat").fill(certificate)
    page.get_by_role("button", name="Kirim pengajuan").click()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_application_status_page_fits_a_phone(browser, live_server, lang):
    suffix = uuid.uuid4().hex[:8]
    applicant = new_tab(browser, live_server)
    apply_as(applicant, suffix, certificate=f"445/BNNK-BDG/PEMB-MASY/SERT/V/2024/{suffix}")
    expect(applicant.get_by_text("Menunggu pemeriksaan")).to_be_visible()
    applicant.goto(f"/seller/application?lang={lang}")
    expect(applicant.get_by_text(f"PEMB-MASY/SERT/V/2024/{suffix}")).to_be_visible()
    assert applicant.viewport_size["width"] == PHONE_WIDTH
    assert page_width(applicant) <= PHONE_WIDTH
    assert_accessible(applicant)
    applicant.context.close()
