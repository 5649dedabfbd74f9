"""The foundation in a real browser: language, registration, logging in and out, accessibility."""

from __future__ import annotations

import re
import uuid

import pytest

from marketplace.demo import BUYER, DEMO_PASSWORD
from tests.e2e.accessibility import assert_accessible

pytestmark = pytest.mark.e2e
expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need playwright (pip install -e .[dev])"
).expect

DESKTOP = {"width": 1280, "height": 900}


def account_menu(page):
    """The header's account menu (only there when logged in)."""
    return page.locator("header details.menu > summary")


def log_in(page, email: str, password: str) -> None:
    """Fill and send the login form."""
    page.goto("/account/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Kata sandi", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="Masuk").click()


def test_home_page_is_in_indonesian_by_default(page):
    """A first visit gets Indonesian, with a button offering English."""
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kerajinan tangan dari seluruh Indonesia"
    )
    expect(page.get_by_role("button", name="English")).to_be_visible()


def test_language_button_switches_to_english_and_the_choice_is_kept(page):
    """English is one tap away, and the next page stays in English."""
    page.goto("/")
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Bahasa Indonesia")).to_be_visible()

    page.locator("header a[href='/account/login']").click()
    expect(page).to_have_url(re.compile(r"/account/login$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Bahasa Indonesia")).to_be_visible()


def test_header_links_and_search_are_usable_on_a_desktop_screen(page):
    """At 1280px the header's links sit beside the search box, not underneath it."""
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    header = page.locator("header")
    search = header.get_by_role("searchbox")
    login_link = header.get_by_role("link", name="Masuk")
    expect(search).to_be_visible()
    search_box = search.bounding_box()
    link_box = login_link.bounding_box()
    assert link_box["x"] >= search_box["x"] + search_box["width"], "links overlap the search box"
    assert_accessible(page)

    login_link.click()
    expect(page).to_have_url(re.compile(r"/account/login$"))


def test_new_buyer_registers_logs_in_logs_out_and_logs_in_again(page):
    """Registering says "check your e-mail" (never whether the address was taken); the new
    account can log in before confirming; the menu logs them out; the login form lets them back."""
    email = f"pembeli-{uuid.uuid4().hex[:8]}@contoh.id"
    password = "kopi susu di pagi hari"
    page.goto("/")
    page.locator("header").get_by_role("link", name="Daftar").click()
    page.get_by_label("Nama").fill("Budi Pembeli")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Kata sandi", exact=True).fill(password)
    page.get_by_label("Ulangi kata sandi").fill(password)
    page.locator("main").get_by_role("button", name="Daftar").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Periksa e-mail Anda")
    expect(account_menu(page)).to_have_count(0)
    log_in(page, email, password)
    expect(account_menu(page)).to_be_visible()

    account_menu(page).click()
    page.get_by_role("button", name="Keluar").click()
    expect(account_menu(page)).to_have_count(0)
    expect(page.locator("header").get_by_role("link", name="Masuk")).to_be_visible()

    log_in(page, email, password)
    expect(page).not_to_have_url(re.compile(r"/account/login"))
    expect(account_menu(page)).to_be_visible()
    account_menu(page).click()
    page.get_by_role("link", name="Akun saya").click()
    expect(page.locator("dl.facts")).to_contain_text(email)
    expect(page.locator(".email-state")).to_have_text("belum dikonfirmasi")


def test_wrong_password_shows_the_error_and_stays_on_the_login_page(page):
    """A wrong password is refused with a message next to the field; nobody is logged in."""
    log_in(page, BUYER.email, "bukan-kata-sandinya")

    expect(page).to_have_url(re.compile(r"/account/login$"))
    expect(page.get_by_text("E-mail/nomor HP atau kata sandi salah.")).to_be_visible()
    expect(page.get_by_label("Kata sandi", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(account_menu(page)).to_have_count(0)
    assert_accessible(page)


@pytest.mark.parametrize(
    "path",
    ["/", "/account/login", "/account/register", "/halaman-yang-tidak-ada"],
    ids=["home", "login", "register", "not-found"],
)
def test_public_pages_have_no_accessibility_violations(page, path):
    """axe-core finds nothing against WCAG 2.1 A and AA on the pages anyone can open."""
    response = page.goto(path)
    if path == "/halaman-yang-tidak-ada":
        assert response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("Halaman tidak ditemukan")
    assert_accessible(page)


def test_account_page_has_no_accessibility_violations(page):
    """The logged-in account page, with its open menu, passes axe-core too."""
    log_in(page, BUYER.email, DEMO_PASSWORD)
    expect(account_menu(page)).to_be_visible()
    page.goto("/account/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Akun saya")
    account_menu(page).click()
    assert_accessible(page)
