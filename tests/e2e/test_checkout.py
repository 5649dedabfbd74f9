"""Buying in a real browser: a guest buys from two artisans, pays by transfer, staff confirm."""

from __future__ import annotations

import re

import pytest

from marketplace.demo import DEMO_PASSWORD, STAFF
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.e2e
expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need playwright (pip install -e .[dev])"
).expect


def add_first_product_of(page, province: str) -> None:
    """Open the first product listed for a province and put one in the cart."""
    page.goto(f"/products?province={province}")
    page.locator("main a.card-link").first.click()
    expect(page).to_have_url(re.compile(r"/products/[\w-]+$"))
    page.get_by_role("button", name="Masukkan ke keranjang").click()
    expect(page).to_have_url(re.compile(r"/cart$"))


def test_guest_buys_from_two_artisans_pays_by_transfer_and_staff_confirm(
    page, browser, live_server
):
    add_first_product_of(page, "32")  # Batik Sari, Kota Bandung
    add_first_product_of(page, "51")  # Anyaman Made, Gianyar
    expect(page.locator("section.cart-group h2")).to_have_count(2)
    expect(page.locator("header .badge")).to_have_text("2")
    assert_accessible(page)

    page.get_by_role("link", name="Lanjut ke checkout").click()
    expect(page).to_have_url(re.compile(r"/checkout$"))
    page.get_by_label("Nama penerima").fill("Ayu Lestari")
    page.get_by_label("Nomor HP").fill("0813 2222 3333")
    page.get_by_label("E-mail").fill("ayu.lestari@example.com")
    page.get_by_label("Alamat", exact=True).fill("Jl. Gubeng Kertajaya No. 5, RT 02/RW 04")
    page.get_by_label("Provinsi").select_option("35")  # Jawa Timur: another province
    page.get_by_label("Kabupaten/kota").select_option("35.78")
    page.get_by_label("Kode pos").fill("60281")
    assert_accessible(page)
    page.get_by_role("button", name="Buat pesanan").click()

    expect(page).to_have_url(re.compile(r"/orders/BNN-\d{6}-\w{6}\?token=\w+$"))
    order_url = page.url
    number = re.search(r"/orders/([^?]+)", order_url).group(1)
    expect(page.locator(".order-status")).to_contain_text("Menunggu pembayaran")
    expect(page.locator(".transfer-instructions")).to_contain_text("Nomor rekening")
    amount = page.locator(".transfer-amount").inner_text()
    assert re.match(r"^Rp[\d.]+$", amount)
    expect(page.locator("section.shipment")).to_have_count(2)
    assert_accessible(page)

    staff_context = browser.new_context(viewport=PHONE, base_url=live_server)
    staff = staff_context.new_page()
    staff.goto("/account/login")
    staff.get_by_label("E-mail").fill(STAFF[0].email)
    staff.get_by_label("Kata sandi", exact=True).fill(DEMO_PASSWORD)
    staff.locator("main").get_by_role("button", name="Masuk").click()
    staff.goto("/dashboard/payments/transfers")
    row = staff.locator(".transfer", has_text=number)
    expect(row).to_contain_text(amount)
    assert_accessible(staff)
    row.get_by_role("button", name=f"Konfirmasi {number}").click()
    expect(staff.get_by_text(f"Pembayaran pesanan {number} dikonfirmasi.")).to_be_visible()
    staff_context.close()

    page.goto(order_url)
    expect(page.locator(".order-status")).to_contain_text("Dibayar")
    expect(page.locator(".transfer-instructions")).to_have_count(0)
    expect(page.locator(".history")).to_contain_text("Dibayar")
