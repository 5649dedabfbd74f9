"""Dashboard pages and exports over HTTP: who may see what, sorting, periods and queue links."""

from __future__ import annotations

import pytest

from marketplace.dashboard import queues
from tests.dashboard.conftest import build_catalog
from tests.dashboard.factories import jakarta, make_order
from tests.factories import PASSWORD

JANUARY = "period=custom&from=2026-01-01&to=2026-01-31"


@pytest.fixture
def world(in_app):
    """Artisans in 32.73, 32.04 and 51.04 with one January order each."""

    def build():
        """The data, made inside the app."""
        world = build_catalog()
        p = world.products
        make_order(items=[(p.batik, 2)], paid_at=jakarta(2026, 1, 10))
        make_order(items=[(p.tas, 1)], paid_at=jakarta(2026, 1, 11))
        make_order(items=[(p.keranjang, 1)], paid_at=jakarta(2026, 1, 12))
        return world

    return in_app(build)


VIEWERS = {
    "national": {"role": "staff", "scope": "national"},
    "province": {"role": "staff", "scope": "32"},
    "regency": {"role": "staff", "scope": "32.73"},
    "artisan": {"role": "artisan"},
    "buyer": {"role": "buyer"},
}


@pytest.fixture
def login(client, make, auth):
    """Log in as one of VIEWERS (or stay anonymous)."""

    def as_(viewer: str):
        """Log in as a new user of that kind."""
        if viewer == "anonymous":
            return
        user = make.user(**VIEWERS[viewer])
        assert auth.login(user.email, PASSWORD).status_code == 302

    return as_


def urls(world) -> dict[str, str]:
    """Every dashboard route, aimed at the deepest region all staff viewers share or beyond."""
    return {
        "home": "/dashboard/",
        "national": "/dashboard/?region=national",
        "province_32": "/dashboard/?region=32",
        "regency_3273": "/dashboard/?region=32.73",
        "regency_3204": "/dashboard/?region=32.04",
        "province_51": "/dashboard/?region=51",
        "artisan_3273": f"/dashboard/sales/artisans/{world.kota}",
        "artisan_3204": f"/dashboard/sales/artisans/{world.kabupaten}",
        "artisan_5104": f"/dashboard/sales/artisans/{world.bali}",
        "export_national": "/dashboard/export/regions.csv?region=national",
        "export_32": "/dashboard/export/regions.xlsx?region=32",
        "export_3273": "/dashboard/export/figures.csv?region=32.73",
        "export_51": "/dashboard/export/buyers.csv?region=51",
        "artisan_export_3273": f"/dashboard/sales/artisans/{world.kota}/export/products.csv",
        "artisan_export_5104": f"/dashboard/sales/artisans/{world.bali}/export/series.xlsx",
    }


ALLOWED = {
    "national": set(),  # everything
    "province": {"home", "province_32", "regency_3273", "regency_3204", "artisan_3273",
                 "artisan_3204", "export_32", "export_3273", "artisan_export_3273"},
    "regency": {"home", "regency_3273", "artisan_3273", "export_3273", "artisan_export_3273"},
}  # fmt: skip


@pytest.mark.parametrize("viewer", ["national", "province", "regency"])
def test_staff_see_every_route_inside_their_scope_and_nothing_outside(client, login, world, viewer):
    login(viewer)
    allowed = ALLOWED[viewer]
    for name, url in urls(world).items():
        response = client.get(url)
        expected = 200 if not allowed or name in allowed else 404
        assert response.status_code == expected, (viewer, name, url)


@pytest.mark.parametrize("viewer", ["artisan", "buyer"])
def test_buyers_and_artisans_get_no_dashboard_at_all(client, login, world, viewer):
    login(viewer)
    for name, url in urls(world).items():
        assert client.get(url).status_code == 404, name


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    for name, url in urls(world).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert "/account/login" in response.headers["Location"]


def test_unknown_regions_artisans_and_tables_are_not_found(client, login, world):
    login("national")
    for url in (
        "/dashboard/?region=99",
        "/dashboard/?region=32.99",
        "/dashboard/?region=Jawa",
        "/dashboard/sales/artisans/999999",
        "/dashboard/export/nothing.csv",
        "/dashboard/export/regions.pdf",
        f"/dashboard/sales/artisans/{world.kota}/export/dormant.csv",
    ):
        assert client.get(url).status_code == 404, url


def test_province_staff_see_their_province_and_its_regencies_only(client, login, world):
    login("province")
    page = client.get(f"/dashboard/?{JANUARY}").get_data(as_text=True)
    assert "Dasbor penjualan: Jawa Barat" in page
    assert "region=32.73" in page and "region=32.04" in page
    assert "region=51" not in page and "region=national" not in page
    assert "Anyaman Ubud" not in page  # the Bali artisan
    assert "Rp240.000" in page  # 2 x 100.000 + 40.000


def test_the_regency_page_links_down_to_the_artisan_and_back_up(client, login, world):
    login("province")
    page = client.get(f"/dashboard/?region=32.73&{JANUARY}").get_data(as_text=True)
    assert f"/dashboard/sales/artisans/{world.kota}?" in page
    assert 'aria-current="page">Kota Bandung' in page
    artisan = client.get(f"/dashboard/sales/artisans/{world.kota}?{JANUARY}").get_data(as_text=True)
    assert "<h1>Batik Kota Bandung</h1>" in artisan
    assert "Rp200.000" in artisan
    assert 'region=32.73">Kota Bandung</a>' in artisan
    assert 'region=32">Jawa Barat</a>' in artisan


def test_the_drill_down_table_sorts_by_the_column_asked_for(client, login, world):
    login("national")

    def order(query):
        """The order in which three provinces appear in the sorted table."""
        page = client.get(f"/dashboard/?{JANUARY}&{query}").get_data(as_text=True)
        section = page.split('id="sec-regions"')[1].split("</table>")[0]
        return sorted(("Bali", "Jawa Barat", "Aceh"), key=section.index)

    assert order("sort=gmv_idr&dir=desc") == ["Bali", "Jawa Barat", "Aceh"]
    assert order("sort=gmv_idr&dir=asc")[-1] == "Bali"
    assert order("sort=name&dir=asc") == ["Aceh", "Bali", "Jawa Barat"]
    page = client.get(f"/dashboard/?{JANUARY}&sort=orders&dir=asc").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page


def test_a_bad_custom_period_shows_a_message_and_the_default_period(client, login, world):
    login("national")
    response = client.get("/dashboard/?period=custom&from=2026-02-30&to=2026-03-01")
    assert response.status_code == 200
    assert "Tanggal harus berformat TTTT-BB-HH" in response.get_data(as_text=True)
    export = client.get("/dashboard/export/regions.csv?period=custom&from=2026-03-02&to=2026-03-01")
    assert export.status_code == 422


def test_links_keep_the_period_when_drilling_down(client, login, world):
    login("national")
    page = client.get(f"/dashboard/?{JANUARY}").get_data(as_text=True)
    assert "region=32&amp;period=custom&amp;from=2026-01-01&amp;to=2026-01-31" in page or (
        "period=custom&amp;from=2026-01-01&amp;to=2026-01-31&amp;region=32" in page
    )


def test_the_pages_have_a_chart_a_map_and_their_data_tables(client, login, world):
    login("national")
    page = client.get(f"/dashboard/?{JANUARY}&interval=day").get_data(as_text=True)
    assert page.count('role="img"') == 2
    assert '<title id="chart-title">' in page and '<title id="map-title">' in page
    assert page.count('<rect class="dash-bar"') == 31
    assert page.count('class="dash-tile-label"') == 38
    assert "<summary>Tabel data</summary>" in page
    assert "<script" not in page.split("<main")[1] and "style=" not in page


def test_staff_see_their_queues_with_counts_in_scope(client, login, world, in_app):
    login("province")
    page = client.get("/dashboard/").get_data(as_text=True)
    assert "Pekerjaan Anda" in page
    section = page.split('id="h-queues"')[1].split("</section>")[0]
    assert "Perajin menunggu verifikasi" in section
    assert '<span class="badge">1</span>' in section  # the pending artisan of 32.73
    drilled = client.get("/dashboard/?region=32.73").get_data(as_text=True)
    assert "Pekerjaan Anda" not in drilled


def test_queue_links_only_point_at_pages_that_exist(app, monkeypatch):
    monkeypatch.setitem(queues.LINKS, "missing", (("nobody.here",), "/dashboard/nothing-here"))
    monkeypatch.setitem(queues.LINKS, "home", (("dashboard.overview",), "/unused"))
    monkeypatch.setitem(queues.LINKS, "by_path", (("nobody.here",), "/dashboard/"))
    with app.test_request_context():
        assert queues.queue_url("missing") is None
        assert queues.queue_url("home") == "/dashboard/"
        assert queues.queue_url("by_path") == "/dashboard/"


def test_the_dashboard_speaks_english_on_request(client, login, world):
    login("national")
    page = client.get(f"/dashboard/?{JANUARY}&lang=en").get_data(as_text=True)
    assert 'lang="en"' in page
    assert "IDR 240,000" in page or "IDR 200,000" in page
