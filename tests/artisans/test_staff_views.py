"""BNN staff pages about artisans: queue, decisions, audit log, enrolment and payouts, by scope."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.artisans.models import Artisan, TrainingRecord
from marketplace.catalog import search
from marketplace.db import atomic
from marketplace.extensions import db
from marketplace.payments import ledger, payouts
from marketplace.payments.models import Payout
from tests.artisans.factories import make_sale_credit
from tests.factories import PASSWORD, make_user

ENROLMENT = {
    "shop_name": "Anyaman Pak Ujang",
    "legal_name": "Ujang Suryana",
    "phone": "0813 2222 3333",
    "regency_code": "32.73",
    "village": "Sukaluyu",
    "programme": "Pelatihan Anyaman Bambu",
    "batch": "Angkatan 2",
    "training_date": "2024-02-10",
    "certificate_number": "BNN/AB/2024/0021",
}


@pytest.fixture
def bandung_staff(make, auth):
    """The staff member of BNNK Kota Bandung (scope 32.73), logged in."""
    staff = make.user(role="staff", scope="32.73", email="bandung@example.com", name="Staf Bandung")
    auth.login("bandung@example.com", PASSWORD)
    return staff


@pytest.fixture
def applicants(make):
    """A pending applicant in Kota Bandung and one in Bali."""
    return {
        "bandung": make.artisan(regency="32.73", status="pending", shop_name="Batik Cigadung"),
        "bali": make.artisan(regency="51.04", status="pending", shop_name="Anyaman Ubud"),
    }


def test_the_queue_shows_only_applicants_in_the_staff_scope(client, bandung_staff, applicants):
    page = client.get("/dashboard/artisans/").get_data(as_text=True)
    assert "Batik Cigadung" in page and "Anyaman Ubud" not in page
    assert "Menunggu pemeriksaan (1)" in page


def test_the_detail_shows_the_training_record_to_check(client, bandung_staff, applicants):
    page = client.get(f"/dashboard/artisans/{applicants['bandung'].id}").get_data(as_text=True)
    assert "Pelatihan Membatik" in page and "Angkatan 1" in page and "BNN/" in page
    assert 'value="verify"' in page and 'value="reject"' in page


OUT_OF_SCOPE = [
    ("get", "/dashboard/artisans/{id}"),
    ("post", "/dashboard/artisans/{id}/decision"),
    ("post", "/dashboard/artisans/{id}/login-link"),
    ("get", "/dashboard/artisans/{id}/payouts"),
    ("post", "/dashboard/artisans/{id}/payouts"),
    ("get", "/dashboard/artisans/999999"),
]


@pytest.mark.parametrize(("method", "url"), OUT_OF_SCOPE)
def test_artisans_outside_the_scope_are_not_found(
    client, app, bandung_staff, applicants, method, url
):
    response = getattr(client, method)(
        url.format(id=applicants["bali"].id),
        data={"action": "verify", "amount": "1", "paid_on": "2026-01-01", "bank_reference": "X"},
    )
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Artisan, applicants["bali"].id).status == "pending"


@pytest.mark.parametrize("role", ["buyer", "artisan"])
def test_buyers_and_artisans_get_no_staff_pages(client, make, auth, role):
    make.user(role=role, email="bukan-staf@example.com")
    auth.login("bukan-staf@example.com", PASSWORD)
    for url in ("/dashboard/artisans/", "/dashboard/artisans/audit", "/dashboard/artisans/new"):
        assert client.get(url).status_code == 404


def test_an_anonymous_visitor_is_asked_to_log_in(client):
    assert "/account/login" in client.get("/dashboard/artisans/").location


def test_verifying_from_the_page_is_confirmed_and_logged(client, app, bandung_staff, applicants):
    artisan_id = applicants["bandung"].id
    response = client.post(
        f"/dashboard/artisans/{artisan_id}/decision",
        data={"action": "verify", "reason": ""},
        follow_redirects=True,
    )
    assert "Perajin sudah diverifikasi" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Artisan, artisan_id).status == "verified"
    audit = client.get("/dashboard/artisans/audit").get_data(as_text=True)
    assert "Verifikasi perajin" in audit and "Staf Bandung" in audit and "Kota Bandung" in audit


def test_rejecting_without_a_reason_is_refused_with_a_message(
    client, app, bandung_staff, applicants
):
    artisan_id = applicants["bandung"].id
    response = client.post(
        f"/dashboard/artisans/{artisan_id}/decision",
        data={"action": "reject", "reason": ""},
        follow_redirects=True,
    )
    assert "Tuliskan alasannya" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Artisan, artisan_id).status == "pending"


def test_suspending_removes_the_products_from_the_storefront(client, app, make, bandung_staff):
    artisan = make.artisan(regency="32.73", status="verified")
    product = make.product(artisan_id=artisan.id, title="Batik Tulis Mega Mendung")
    with app.app_context(), atomic():
        search.rebuild_index()
    assert client.get(f"/products/{product.slug}").status_code == 200
    client.post(
        f"/dashboard/artisans/{artisan.id}/decision",
        data={"action": "suspend", "reason": "Laporan pembeli"},
    )
    assert client.get(f"/products/{product.slug}").status_code == 404
    assert "Mega Mendung" not in client.get("/products?q=mendung").get_data(as_text=True)


def link_on(page: str) -> str:
    """The one-time login link shown on the artisan's page."""
    return re.search(r'id="login-link"[^>]*value="([^"]+)"', page).group(1)


def test_staff_enrol_an_artisan_without_email_and_the_link_works_once(client, app, bandung_staff):
    response = client.post("/dashboard/artisans/new", data=ENROLMENT, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Akun perajin dibuat." in page
    link = link_on(page)
    assert "/seller/welcome/" in link
    # Shown once: reloading the page does not show it again.
    assert 'id="login-link"' not in client.get(response.request.path).get_data(as_text=True)

    artisan_client = app.test_client()
    path = link.split("localhost", 1)[1]
    assert "Selamat datang!" in artisan_client.get(path).get_data(as_text=True)
    done = artisan_client.post(
        path, data={"password": "bambu hijau di sungai", "confirm": "bambu hijau di sungai"}
    )
    assert done.location.endswith("/seller/")
    assert "Anyaman Pak Ujang" in artisan_client.get("/seller/").get_data(as_text=True)
    assert artisan_client.get(path).status_code == 404
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.name == "Ujang Suryana"))
        assert user.email is None and user.role == "artisan"


def test_staff_cannot_enrol_into_a_regency_outside_their_scope(client, app, bandung_staff):
    page = client.get("/dashboard/artisans/new").get_data(as_text=True)
    assert '<option value="32.73">' in page and '<option value="51.04">' not in page
    response = client.post("/dashboard/artisans/new", data={**ENROLMENT, "regency_code": "51.04"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Artisan)) == 0


def test_a_fresh_login_link_for_an_artisan_without_email(client, app, bandung_staff):
    first = link_on(
        client.post("/dashboard/artisans/new", data=ENROLMENT, follow_redirects=True).get_data(
            as_text=True
        )
    )
    with app.app_context():
        artisan_id = db.session.scalar(sa.select(Artisan.id))
    page = client.post(
        f"/dashboard/artisans/{artisan_id}/login-link", follow_redirects=True
    ).get_data(as_text=True)
    second = link_on(page)
    assert second != first
    assert app.test_client().get(first.split("localhost", 1)[1]).status_code == 404
    assert app.test_client().get(second.split("localhost", 1)[1]).status_code == 200


def test_staff_record_a_payout_within_the_balance(client, app, make, bandung_staff):
    artisan = make.artisan(regency="32.73")
    with app.app_context():
        make_sale_credit(artisan_id=artisan.id, amount_idr=300_000)
    url = f"/dashboard/artisans/{artisan.id}/payouts"
    assert "Rp300.000" in client.get(url).get_data(as_text=True)
    too_much = client.post(
        url, data={"amount": "300.001", "paid_on": "2026-01-05", "bank_reference": "BRI-1"}
    )
    assert too_much.status_code == 422
    assert "Jumlah melebihi saldo yang bisa dibayarkan (Rp300.000)." in too_much.get_data(
        as_text=True
    )
    done = client.post(
        url,
        data={"amount": "Rp 200.000", "paid_on": "2026-01-05", "bank_reference": "BRI-2"},
        follow_redirects=True,
    )
    page = done.get_data(as_text=True)
    assert "Pembayaran tercatat" in page and "Rp100.000" in page and "BRI-2" in page
    with app.app_context():
        assert ledger.balance(artisan.id) == 100_000
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Payout)) == 1


def nav_links(page: str) -> dict[str, str]:
    """Label -> href of each link in the staff artisan menu."""
    menu = page.split('aria-label="Menu perajin"')[1].split("</nav>")[0]
    return {unescape(label): unescape(href) for href, label in re.findall(NAV_LINK, menu)}


NAV_LINK = r'<a href="([^"]*)"[^>]*>([^<]+)</a>'


@pytest.mark.parametrize(
    "page_url", ["/dashboard/artisans/", "/dashboard/artisans/audit", "/dashboard/artisans/{id}"]
)
def test_every_link_of_the_staff_menu_opens_a_page(client, bandung_staff, applicants, page_url):
    page = client.get(page_url.format(id=applicants["bandung"].id)).get_data(as_text=True)
    links = nav_links(page)
    assert set(links) == {
        "Dasbor",
        "Perajin",
        "Daftarkan perajin",
        "Catatan keputusan",
        "Pembayaran ke perajin",
    }
    assert links["Dasbor"] == "/dashboard/"
    for label, href in links.items():
        assert client.get(href).status_code == 200, (label, href)


def certify(app, artisan_id: int, number: str) -> None:
    """Give an artisan's training record a certificate number."""
    with app.app_context(), atomic():
        record = db.session.scalar(
            sa.select(TrainingRecord).where(TrainingRecord.artisan_id == artisan_id)
        )
        record.certificate_number = number


def test_an_application_with_a_verified_artisans_certificate_is_flagged(
    client, app, make, bandung_staff
):
    applicant = make.artisan(regency="32.73", status="pending", shop_name="Batik Baru")
    certify(app, applicant.id, "bnn/ab/2024/0021 ")
    url = f"/dashboard/artisans/{applicant.id}"
    pending_twin = make.artisan(regency="32.73", status="pending", shop_name="Batik Kembar")
    certify(app, pending_twin.id, "BNN/AB/2024/0021")
    assert "Nomor sertifikat sudah dipakai" not in client.get(url).get_data(as_text=True)

    known = make.artisan(regency="32.73", status="verified", shop_name="Batik Lama")
    certify(app, known.id, "BNN/AB/2024/0021")
    page = client.get(url).get_data(as_text=True)
    assert "Nomor sertifikat sudah dipakai" in page
    assert f'<a href="/dashboard/artisans/{known.id}">Batik Lama</a>' in page
    assert "Batik Kembar" not in page

    far = make.artisan(regency="51.04", status="verified", shop_name="Anyaman Rahasia")
    certify(app, far.id, "BNN/AB/2024/0021")
    page = client.get(url).get_data(as_text=True)
    assert "Nomor sertifikat ini sudah dipakai oleh perajin terverifikasi." in page
    assert "Anyaman Rahasia" not in page and f"/dashboard/artisans/{far.id}" not in page
    # The verified artisan's own page is not an application: no warning there.
    known_page = client.get(f"/dashboard/artisans/{known.id}").get_data(as_text=True)
    assert "Nomor sertifikat sudah dipakai" not in known_page


def test_an_application_with_its_own_certificate_is_not_flagged(client, bandung_staff, applicants):
    page = client.get(f"/dashboard/artisans/{applicants['bandung'].id}").get_data(as_text=True)
    assert "Nomor sertifikat sudah dipakai" not in page


def test_the_payout_page_shows_pending_and_available_and_refuses_pending_money(
    client, app, make, bandung_staff
):
    artisan = make.artisan(regency="32.73")
    with app.app_context():
        make_sale_credit(artisan_id=artisan.id, amount_idr=300_000)
        make_sale_credit(artisan_id=artisan.id, amount_idr=120_000, delivered_days_ago=2)
    url = f"/dashboard/artisans/{artisan.id}/payouts"
    page = client.get(url).get_data(as_text=True)
    assert "Siap dibayarkan: Rp300.000" in page and "Tertahan: Rp120.000" in page
    refused = client.post(
        url, data={"amount": "400.000", "paid_on": "2026-01-05", "bank_reference": "BRI-1"}
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "(Rp300.000)" in text and "Rp120.000 lainnya" in text
    detail = client.get(f"/dashboard/artisans/{artisan.id}").get_data(as_text=True)
    assert "Siap dibayarkan: Rp300.000" in detail and "Tertahan: Rp120.000" in detail


def owe(app, artisan_id: int, amount_idr: int) -> None:
    """Pay an artisan's available sale out, then refund it: the artisan owes amount_idr."""
    with app.app_context():
        order = make_sale_credit(artisan_id=artisan_id, amount_idr=amount_idr)
        payouts.record_payout(
            staff=make_user(role="staff"), artisan_id=artisan_id, amount_idr=amount_idr,
            paid_on=date(2026, 1, 2), bank_reference="OLD",
        )  # fmt: skip
        with atomic():
            ledger.record_reversal(order.id, note="refund")
        db.session.remove()


def test_the_list_of_artisans_to_pay_and_who_owe_shows_only_the_scope(
    client, app, make, bandung_staff
):
    ready = make.artisan(regency="32.73", shop_name="Batik Siap Bayar")
    held = make.artisan(regency="32.73", shop_name="Batik Masih Tertahan")
    bali = make.artisan(regency="51.04", shop_name="Ukir Bali")
    debtor = make.artisan(regency="32.73", shop_name="Tenun Berutang")
    with app.app_context():
        make_sale_credit(artisan_id=ready.id, amount_idr=150_000)
        make_sale_credit(artisan_id=held.id, amount_idr=90_000, delivered_days_ago=1)
        make_sale_credit(artisan_id=bali.id, amount_idr=70_000)
    owe(app, debtor.id, 45_000)
    page = client.get("/dashboard/artisans/payouts").get_data(as_text=True)
    assert "Batik Siap Bayar" in page and "Rp150.000" in page and "Kota Bandung" in page
    assert f"/dashboard/artisans/{ready.id}/payouts" in page
    assert "Batik Masih Tertahan" not in page and "Ukir Bali" not in page
    assert "Tenun Berutang" not in page
    owing = client.get("/dashboard/artisans/payouts?tab=owing").get_data(as_text=True)
    assert "Tenun Berutang" in owing and "Rp45.000" in owing and "Batik Siap Bayar" not in owing
    debtor_page = client.get(f"/dashboard/artisans/{debtor.id}/payouts").get_data(as_text=True)
    assert "Utang ke BNN: Rp45.000" in debtor_page and "Siap dibayarkan: Rp0" in debtor_page
    assert client.get(f"/dashboard/artisans/{bali.id}/payouts").status_code == 404
    assert client.get(f"/dashboard/artisans/{bali.id}").status_code == 404


def test_the_dashboard_payout_card_leads_to_the_list(client, app, make, bandung_staff):
    ready = make.artisan(regency="32.73", shop_name="Batik Siap Bayar")
    with app.app_context():
        make_sale_credit(artisan_id=ready.id, amount_idr=150_000)
    dashboard = client.get("/dashboard/").get_data(as_text=True)
    assert 'href="/dashboard/artisans/payouts"' in dashboard
    listed = client.get("/dashboard/artisans/payouts").get_data(as_text=True)
    assert "Batik Siap Bayar" in listed
