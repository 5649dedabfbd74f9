"""The seller centre in a real browser on a phone-sized screen, from application to earnings.

An applicant in Kota Bandung applies; the demo staff member of BNNK Kota Bandung (scope 32.73)
verifies them; the artisan lists a product with a photo and publishes it; it is in the
storefront. Then a guest buys it, staff confirm the bank transfer, the artisan ships it and sees
the earning. Each page is checked with axe-core on the way.
"""

from __future__ import annotations

import re
import uuid

import pytest

from marketplace.demo import DEMO_PASSWORD
from tests.e2e.accessibility import assert_accessible
from tests.media.images import jpeg_with_everything

pytestmark = pytest.mark.e2e
expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need playwright (pip install -e .[dev])"
).expect

BANDUNG_STAFF = "bandung@demo.bnn.go.id"


def new_tab(browser, live_server):
    """A phone-sized tab with its own cookies (one person)."""
    from tests.e2e.conftest import PHONE

    context = browser.new_context(viewport=PHONE, base_url=live_server)
    context.set_default_timeout(10_000)
    return context.new_page()


def log_in(page, email: str, password: str) -> None:
    """Fill and send the login form."""
    page.goto("/account/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Kata sandi", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="Masuk").click()


def apply(page, email: str, password: str, shop: str) -> None:
    """Fill the application form as a new visitor from Kota Bandung."""
    page.goto("/seller/apply")
    expect(page.get_by_role("heading", level=1)).to_have_text("Daftar sebagai perajin")
    assert_accessible(page)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Kata sandi", exact=True).fill(password)
    page.get_by_label("Ulangi kata sandi").fill(password)
    page.get_by_label("Nama toko").fill(shop)
    page.get_by_label("Cerita Anda (boleh dikosongkan)").fill("Saya menganyam pandan di rumah.")
    page.get_by_label("Nama lengkap").fill("Siti Rahayu")
    page.get_by_label("Nomor HP").fill("0812 3456 7890")
    page.get_by_label("Kabupaten/kota").select_option("32.73")
    page.get_by_label("Desa/kelurahan").fill("Cigadung")
    page.get_by_label("Nama pelatihan").fill("Pelatihan Anyaman")
    page.get_by_label("Angkatan").fill("Angkatan 3")
    page.get_by_label("Tanggal pelatihan").fill("2024-05-02")
    page.get_by_label("Nomor sertifikat").fill("BNN/AN/2024/0007")
    page.get_by_role("button", name="Kirim pengajuan").click()


def test_an_applicant_becomes_a_seller_lists_a_product_ships_it_and_is_paid(browser, live_server):
    suffix = uuid.uuid4().hex[:8]
    shop, title = f"Anyaman Siti {suffix}", f"Tas Pandan {suffix}"
    email, password = f"siti-{suffix}@example.com", "anyaman pandan dari desa"

    artisan = new_tab(browser, live_server)
    apply(artisan, email, password, shop)
    expect(artisan.get_by_text("Pengajuan Anda sudah kami terima")).to_be_visible()
    expect(artisan.get_by_text("Menunggu pemeriksaan")).to_be_visible()
    assert_accessible(artisan)

    staff = new_tab(browser, live_server)
    log_in(staff, BANDUNG_STAFF, DEMO_PASSWORD)
    staff.goto("/dashboard/artisans/")
    assert_accessible(staff)
    staff.get_by_role("link", name=shop).click()
    expect(staff.get_by_text("BNN/AN/2024/0007")).to_be_visible()
    assert_accessible(staff)
    staff.get_by_role("button", name="Verifikasi").click()
    expect(staff.get_by_text("Perajin sudah diverifikasi")).to_be_visible()

    artisan.goto("/seller/")
    expect(artisan.get_by_role("heading", level=1)).to_have_text(f"Halo, {shop}")
    assert_accessible(artisan)
    artisan.get_by_role("link", name="Tambah produk").first.click()
    artisan.get_by_label("Nama produk").fill(title)
    artisan.get_by_label("Kategori").select_option(index=1)
    artisan.get_by_label("Keterangan", exact=True).fill("Tas anyaman pandan, 30 x 25 cm.")
    artisan.get_by_label("Harga (Rupiah)").fill("150.000")
    artisan.get_by_label("Stok").fill("5")
    artisan.get_by_label("Berat setelah dikemas (gram)").fill("400")
    assert_accessible(artisan)
    artisan.get_by_role("button", name="Simpan dan lanjut ke foto").click()
    expect(artisan.get_by_text("Produk tersimpan sebagai draf")).to_be_visible()

    artisan.get_by_label("Tambah foto dari HP").set_input_files(
        {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_everything()}
    )
    artisan.get_by_role("button", name="Unggah foto").click()
    expect(artisan.get_by_text("1 foto ditambahkan.")).to_be_visible()
    assert_accessible(artisan)
    artisan.get_by_role("button", name="Terbitkan di toko").click()
    expect(artisan.get_by_text("Produk sudah tampil di toko")).to_be_visible()

    buyer = new_tab(browser, live_server)
    buyer.goto(f"/products?q={suffix}")
    buyer.get_by_role("link", name=title).first.click()
    expect(buyer.get_by_role("heading", level=1)).to_have_text(title)
    expect(buyer.get_by_text(shop).first).to_be_visible()

    # After payment: the guest buys it, staff confirm the transfer, the artisan ships it.
    buyer.get_by_role("button", name="Masukkan ke keranjang").click()
    buyer.goto("/checkout")
    buyer.get_by_label("Nama penerima").fill("Rina Pembeli")
    buyer.get_by_label("Nomor HP").fill("0812 9876 5432")
    buyer.get_by_label("E-mail").fill(f"rina-{suffix}@example.com")
    buyer.get_by_label("Alamat", exact=True).fill("Jl. Merdeka No. 10, RT 01/RW 02")
    buyer.get_by_label("Provinsi").select_option("32")
    buyer.get_by_label("Kabupaten/kota").select_option("32.73")
    buyer.get_by_label("Kode pos").fill("40115")
    buyer.get_by_role("button", name="Buat pesanan").click()
    expect(buyer).to_have_url(re.compile(r"/orders/[^/?]+"))
    number = re.search(r"/orders/([^/?]+)", buyer.url).group(1)

    staff.goto("/dashboard/payments/transfers")
    staff.get_by_role("button", name=f"Konfirmasi {number}").click()

    artisan.goto("/seller/orders")
    assert_accessible(artisan)
    artisan.get_by_role("link", name=number).click()
    expect(artisan.get_by_text("Jl. Merdeka No. 10")).to_be_visible()
    expect(artisan.get_by_text(f"rina-{suffix}@example.com")).to_have_count(0)
    artisan.get_by_label("Kurir", exact=True).select_option("JNE")
    artisan.get_by_label("Nomor resi").fill(f"JNE{suffix.upper()}")
    assert_accessible(artisan)
    artisan.get_by_role("button", name="Tandai sudah dikirim").click()
    expect(artisan.get_by_text("Pesanan ditandai sudah dikirim")).to_be_visible()

    artisan.goto("/seller/earnings")
    expect(artisan.get_by_text(f"Penjualan, pesanan {number}")).to_be_visible()
    assert_accessible(artisan)
    for tab in (artisan, staff, buyer):
        tab.context.close()
