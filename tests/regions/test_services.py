"""Region data: loading and reading."""

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.regions import services
from marketplace.regions.models import Province, Regency


def test_all_38_provinces_and_514_regencies_are_loaded(ctx):
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Province)) == 38
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Regency)) == 514
    assert services.region_name("32") == "Jawa Barat"
    assert services.region_name("32.73") == "Kota Bandung"


def test_every_regency_belongs_to_its_province_code(ctx):
    for code, _name in services.all_regencies():
        assert code.split(".")[0] in dict(services.provinces())


def test_loading_twice_changes_nothing(ctx):
    result = services.load_regions()
    assert (result.provinces_added, result.regencies_added, result.renamed) == (0, 0, 0)


def test_loading_updates_a_changed_name(ctx):
    from marketplace.db import atomic

    with atomic():
        db.session.get(Regency, "32.73").name = "Kota Lama"
    result = services.load_regions()
    assert result.renamed == 1
    assert services.region_name("32.73") == "Kota Bandung"


def test_regions_load_command_is_idempotent(runner):
    result = runner.invoke(args=["regions", "load"])
    assert result.exit_code == 0
    assert "0 provinces and 0 regencies added" in result.output


def test_regency_picker_json_lists_a_provinces_regencies(client):
    response = client.get("/regions/32/regencies.json")
    assert response.status_code == 200
    codes = [row["code"] for row in response.get_json()]
    assert "32.73" in codes and all(code.startswith("32.") for code in codes)
    assert len(codes) == 27


def test_regency_picker_for_unknown_province_is_404(client):
    assert client.get("/regions/99/regencies.json").status_code == 404
