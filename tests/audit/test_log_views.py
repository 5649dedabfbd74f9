"""The staff audit log: in words, linked, filtered, paged and exported, for the viewer's regions."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from html import unescape

import pytest
import sqlalchemy as sa

from marketplace.audit.models import AuditEntry, AuditEntryRegion
from marketplace.audit.services import record
from marketplace.db import atomic
from marketplace.extensions import db
from marketplace.payments.models import Payment
from tests.factories import PASSWORD, make_artisan, make_user
from tests.orders.factories import in_app, order_for, shop

FORMULA = '=HYPERLINK("http://evil.example","x")'


def login(make, auth, scope: str, **kwargs):
    """A staff member of a scope, logged in."""
    user = make.user(role="staff", scope=scope, **kwargs)
    auth.login(user.email, PASSWORD)
    return user


def two_region_transfer():
    """A pending bank transfer of one order from a Kota Bandung and a Gianyar (Bali) artisan."""
    _bandung, (batik,) = shop(regency="32.73")
    _bali, (anyaman,) = shop(regency="51.04")
    order = order_for({batik.id: 1, anyaman.id: 1}).order
    payment = db.session.scalar(sa.select(Payment).where(Payment.order_id == order.id))
    return payment.id, order.number


def rows_of(page: str) -> list[list[str]]:
    """The text of each body row of the audit table."""
    if "<tbody>" not in page:
        return []
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [
        [unescape(re.sub(r"<[^>]+>", " ", cell)).split() for cell in cells]
        for cells in (re.findall(r"<td>(.*?)</td>", row, re.S) for row in body.split("</tr>"))
        if cells
    ]


def text(page: str) -> str:
    """The page's text, tags removed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_a_transfer_of_an_order_from_two_regions_is_in_both_regions_logs(app, client, make, auth):
    payment_id, number = in_app(app, two_region_transfer)
    login(make, auth, "32.73", email="bandung@example.com", name="Staf Bandung")
    response = client.post(f"/dashboard/payments/transfers/{payment_id}/confirm", data={})
    assert response.status_code == 303
    auth.logout()

    login(make, auth, "51", email="bali@example.com")
    page = client.get("/dashboard/artisans/audit").get_data(as_text=True)
    assert f"Pembayaran pesanan {number}" in text(page)
    assert f'href="/dashboard/payments/orders/{number}"' in page
    assert "Staf Bandung" in page and "bandung@example.com" in page
    assert "Kota Bandung, Kabupaten Gianyar" in text(page)
    assert client.get(f"/dashboard/payments/orders/{number}").status_code == 200
    auth.logout()

    login(make, auth, "32.04")
    assert rows_of(client.get("/dashboard/artisans/audit").get_data(as_text=True)) == []
    with app.app_context():
        codes = db.session.scalars(sa.select(AuditEntryRegion.regency_code)).all()
        assert sorted(codes) == ["32.73", "51.04"]


def test_a_rejected_transfer_is_filed_under_every_region_too(app, client, make, auth):
    payment_id, number = in_app(app, two_region_transfer)
    login(make, auth, "51")
    client.post(f"/dashboard/payments/transfers/{payment_id}/reject", data={"reason": "Tidak ada"})
    auth.logout()
    login(make, auth, "32.73")
    page = client.get("/dashboard/artisans/audit").get_data(as_text=True)
    assert "Tolak transfer bank" in page and f"Pembayaran pesanan {number}" in text(page)


def test_entries_name_the_action_the_artisan_and_the_actor(app, client, make, auth):
    staff = login(make, auth, "32.73", email="ani@example.com", name="Ani Staf")
    artisan = make.artisan(regency="32.73", status="pending", shop_name="Batik Cigadung")
    client.post(f"/dashboard/artisans/{artisan.id}/decision", data={"action": "verify"})
    page = client.get("/dashboard/artisans/audit").get_data(as_text=True)
    (row,) = rows_of(page)
    assert row[2] == ["Verifikasi", "perajin"] and "artisan.verify" not in str(row)
    assert f'<a href="/dashboard/artisans/{artisan.id}">Perajin Batik Cigadung</a>' in page
    assert "Ani Staf" in page and "ani@example.com" in page and f"#{staff.id}" not in page
    english = client.get("/dashboard/artisans/audit?lang=en").get_data(as_text=True)
    assert "Verify artisan" in english and "Artisan Batik Cigadung" in english


def entries(app, rows: list[tuple[str, datetime, str]]) -> None:
    """Audit entries (action, time, regency) about one Kota Bandung artisan, at given times."""
    with app.app_context():
        staff = make_user(role="staff", scope="national", name="Penulis")
        artisan = make_artisan(regency="32.73", shop_name="Toko Filter")
        with atomic():
            for action, at, regency in rows:
                record(
                    actor_id=staff.id,
                    action=action,
                    subject_type="artisan",
                    subject_id=artisan.id,
                    regency_code=regency,
                    reason=f"{action} {at:%Y-%m-%d}",
                )
            db.session.flush()
            for entry, (_action, at, _regency) in zip(
                db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)), rows, strict=True
            ):
                entry.at = at
        db.session.remove()


def utc(*args) -> datetime:
    """An aware UTC time."""
    return datetime(*args, tzinfo=UTC)


def test_the_log_filters_by_kind_and_by_jakarta_days(app, client, make, auth):
    entries(
        app,
        [
            ("artisan.verify", utc(2026, 1, 31, 16, 30), "32.73"),  # 31 Jan 23:30 WIB
            ("artisan.suspend", utc(2026, 1, 31, 17, 30), "32.73"),  # 1 Feb 00:30 WIB
            ("payout.record", utc(2026, 1, 15, 3, 0), "32.73"),
            ("artisan.verify", utc(2026, 1, 15, 3, 0), "51.04"),  # another region
        ],
    )
    login(make, auth, "32")
    every = rows_of(client.get("/dashboard/artisans/audit").get_data(as_text=True))
    assert len(every) == 3
    january = client.get("/dashboard/artisans/audit?from=2026-01-01&to=2026-01-31")
    assert [row[-1] for row in rows_of(january.get_data(as_text=True))] == [
        ["artisan.verify", "2026-01-31"],
        ["payout.record", "2026-01-15"],
    ]
    february = client.get("/dashboard/artisans/audit?from=2026-02-01")
    assert [row[-1] for row in rows_of(february.get_data(as_text=True))] == [
        ["artisan.suspend", "2026-01-31"]
    ]
    payouts = client.get("/dashboard/artisans/audit?action=payout.record").get_data(as_text=True)
    assert [row[2] for row in rows_of(payouts)] == [["Catat", "pembayaran"]]
    assert 'value="payout.record" selected' in payouts


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-13-45", "Tanggal awal tidak valid."),
        ("to=31/01/2026", "Tanggal akhir tidak valid."),
        ("from=٢٠٢٦-٠١-٠١", "Tanggal awal tidak valid."),
        ("from=0001-01-01", "Tanggal awal tidak valid."),
        ("from=2026-02-01&to=2026-01-01", "Tanggal awal harus sebelum tanggal akhir."),
        ("action=artisan.explode", "Jenis keputusan tidak dikenal"),
    ],
)
def test_a_filter_that_cannot_be_read_gets_a_message(app, client, make, auth, query, message):
    entries(app, [("artisan.verify", utc(2026, 1, 10, 3, 0), "32.73")])
    login(make, auth, "32.73")
    response = client.get(f"/dashboard/artisans/audit?{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page and len(rows_of(page)) == 1
    exported = client.get(f"/dashboard/artisans/audit.csv?{query}", follow_redirects=True)
    assert exported.status_code == 200 and message in exported.get_data(as_text=True)


def test_the_log_is_paged(app, client, make, auth):
    entries(app, [("artisan.verify", utc(2026, 1, 1 + n % 28, 3, n), "32.73") for n in range(60)])
    login(make, auth, "32.73")
    first = client.get("/dashboard/artisans/audit").get_data(as_text=True)
    assert len(rows_of(first)) == 50 and "Halaman 1 dari 2" in first
    assert 'href="/dashboard/artisans/audit?page=2"' in first
    second = client.get("/dashboard/artisans/audit?page=2").get_data(as_text=True)
    assert len(rows_of(second)) == 10
    for page in ("999999999", "abc", "-1"):
        assert client.get(f"/dashboard/artisans/audit?page={page}").status_code == 200


def test_the_log_exports_as_formula_safe_csv_in_words(app, client, make, auth):
    entries(
        app,
        [
            ("artisan.suspend", utc(2026, 1, 31, 16, 30), "32.73"),
            ("payout.record", utc(2026, 1, 15, 3, 0), "32.73"),
            ("artisan.verify", utc(2026, 1, 15, 3, 0), "51.04"),
        ],
    )
    with app.app_context(), atomic():
        db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "payout.record")
        ).reason = FORMULA
    login(make, auth, "32.73")
    response = client.get("/dashboard/artisans/audit.csv?to=2026-01-31")
    assert response.status_code == 200
    assert response.headers.getlist("Content-Type") == ["text/csv; charset=utf-8"]
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["Waktu", "Oleh", "E-mail", "Keputusan", "Tentang", "Wilayah", "Alasan"]
    assert [row[0] for row in rows[1:]] == ["2026-01-31 23:30 WIB", "2026-01-15 10:00 WIB"]
    assert [row[3:6] for row in rows[1:]] == [
        ["Tangguhkan perajin", "Perajin Toko Filter", "Kota Bandung"],
        ["Catat pembayaran", "Perajin Toko Filter", "Kota Bandung"],
    ]
    assert rows[2][6] == "'" + FORMULA and rows[1][1] == "Penulis"
    only_payouts = client.get("/dashboard/artisans/audit.csv?action=payout.record").data
    assert len(list(csv.reader(io.StringIO(only_payouts.decode("utf-8-sig"))))) == 2


@pytest.mark.parametrize("role", ["buyer", "artisan"])
def test_only_staff_get_the_log_and_its_export(client, make, auth, role):
    user = make.user(role=role)
    auth.login(user.email, PASSWORD)
    assert client.get("/dashboard/artisans/audit").status_code == 404
    assert client.get("/dashboard/artisans/audit.csv").status_code == 404


def test_a_shipping_rate_change_links_admins_to_the_rates(app, client, make, auth):
    with app.app_context():
        admin = make_user(role="staff", scope="national", admin=True)
        admin_id, email = admin.id, admin.email
        with atomic():
            record(
                actor_id=admin_id,
                action="shipping_rates_changed",
                subject_type="province",
                subject_id=32,
                regency_code=None,
                reason="3 tarif",
            )
        db.session.remove()
    auth.login(email, PASSWORD)
    page = client.get("/dashboard/artisans/audit").get_data(as_text=True)
    link = "/dashboard/orders/shipping-rates?origin=32"
    assert (
        f'<a href="{link}">Tarif dari Jawa Barat</a>' in page and "Ubah tarif ongkos kirim" in page
    )
    assert client.get(link).status_code == 200
    auth.logout()
    login(make, auth, "national")
    page = client.get("/dashboard/artisans/audit").get_data(as_text=True)
    assert "Tarif dari Jawa Barat" in page and link not in page
    auth.logout()
    login(make, auth, "32")
    assert rows_of(client.get("/dashboard/artisans/audit").get_data(as_text=True)) == []
