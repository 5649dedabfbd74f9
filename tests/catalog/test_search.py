"""Search as a shopper expects it, on SQLite FTS5 and PostgreSQL full text alike."""

from __future__ import annotations

import pytest

from marketplace.catalog.filters import parse_filters
from marketplace.catalog.search import query_terms, rebuild_index
from marketplace.catalog.services import list_products
from marketplace.db import atomic
from tests import factories
from tests.catalog.conftest import change_artisan, change_product, make_product


def titles(q: str, **args) -> list[str]:
    """The titles a search lists, in order."""
    result = list_products(filters=parse_filters({"q": q, **args}))
    return [card.title for card in result.cards]


@pytest.fixture
def crafts(ctx):
    """A small shop: batik from Bandung, basketry from Bali, a woven cloth from Sumba."""
    batik = factories.make_category(slug="batik", name_id="Batik", name_en="Batik")
    anyaman = factories.make_category(slug="anyaman", name_id="Anyaman", name_en="Basketry")
    tenun = factories.make_category(slug="tenun", name_id="Tenun", name_en="Woven textiles")
    sari = factories.make_artisan(regency="32.73", shop_name="Batik Sari Cigadung")
    made = factories.make_artisan(regency="51.04", shop_name="Rumah Kriya Made")
    make_product(
        artisan_id=sari.id,
        category_id=batik.id,
        title="Kain Batik Tulis Mega Mendung",
        description="Batik tulis motif awan.",
    )
    make_product(
        artisan_id=made.id,
        category_id=anyaman.id,
        title="Keranjang Anyaman Bambu",
        description="Keranjang bulat untuk cucian.",
    )
    make_product(
        artisan_id=made.id,
        category_id=tenun.id,
        title="Kain Tenun Ikat Sumbá",
        description="Kain tenun dari Waingapu, diwarnai akar mengkudu.",
    )
    return {"sari": sari, "made": made, "batik": batik}


@pytest.mark.parametrize("q", ["batik", "BATIK", "Batik", "bAtIk"])
def test_search_ignores_case(crafts, q):
    assert titles(q) == ["Kain Batik Tulis Mega Mendung"]


@pytest.mark.parametrize("q", ["sumba", "Sumbá", "SUMBÀ"])
def test_search_ignores_accents_in_the_query_and_in_the_product(crafts, q):
    assert titles(q) == ["Kain Tenun Ikat Sumbá"]


def test_a_word_prefix_finds_the_whole_word(crafts):
    assert titles("anyam") == ["Keranjang Anyaman Bambu"]
    assert titles("kera") == ["Keranjang Anyaman Bambu"]


def test_english_category_name_finds_the_products_of_that_category(crafts):
    assert titles("basketry") == ["Keranjang Anyaman Bambu"]
    assert titles("woven") == ["Kain Tenun Ikat Sumbá"]


def test_shop_name_finds_the_shops_products(crafts):
    assert titles("cigadung") == ["Kain Batik Tulis Mega Mendung"]
    assert sorted(titles("kriya made")) == ["Kain Tenun Ikat Sumbá", "Keranjang Anyaman Bambu"]


def test_every_word_must_match(crafts):
    assert titles("kain tulis") == ["Kain Batik Tulis Mega Mendung"]
    assert sorted(titles("kain")) == ["Kain Batik Tulis Mega Mendung", "Kain Tenun Ikat Sumbá"]
    assert titles("kain keranjang") == []


def test_description_words_are_searched(crafts):
    assert titles("mengkudu") == ["Kain Tenun Ikat Sumbá"]


def test_a_match_in_the_title_ranks_above_a_match_in_the_description(crafts):
    make_product(
        artisan_id=crafts["sari"].id, category_id=crafts["batik"].id,
        title="Taplak Meja Cigadung", description="Serasi dengan kain batik apa pun.",
    )  # fmt: skip
    make_product(
        artisan_id=crafts["sari"].id, category_id=crafts["batik"].id,
        title="Selendang Batik Sutra", description="Selendang ringan.",
    )  # fmt: skip
    found = titles("selendang")
    assert found == ["Selendang Batik Sutra"]
    ranked = titles("batik", category="batik")
    assert ranked.index("Selendang Batik Sutra") < ranked.index("Taplak Meja Cigadung")


def test_search_combines_with_filters(crafts):
    assert titles("kain", province="51") == ["Kain Tenun Ikat Sumbá"]
    assert titles("kain", category="batik") == ["Kain Batik Tulis Mega Mendung"]
    assert titles("kain", max_price="1000") == []


@pytest.mark.parametrize(
    "q",
    ['"batik', 'batik"', "batik*", "(batik", "batik)", "-batik", "^batik", "batik\\", "{batik}",
     "batik;--", "+batik", "batik:", "*batik", "batik'", "'batik'", "batik\x00"],
)  # fmt: skip
def test_punctuation_around_a_word_is_ignored(crafts, q):
    assert titles(q) == ["Kain Batik Tulis Mega Mendung"]


@pytest.mark.parametrize(
    "q",
    ['"', "'", "batik OR", "NEAR(batik anyaman)", "batik AND", "NOT batik", "bat:ik",
     "batik & !anyaman", "batik | tenun", "title:batik", "%", "_", "batik' OR '1'='1",
     "a" * 500, "🙂 batik", "<script>alert(1)</script>"],
)  # fmt: skip
def test_query_syntax_typed_by_a_shopper_never_breaks_the_search(crafts, q):
    known = {"Kain Batik Tulis Mega Mendung", "Keranjang Anyaman Bambu", "Kain Tenun Ikat Sumbá"}
    assert set(titles(q)) <= known


def test_or_and_near_are_plain_words_not_operators(crafts):
    assert titles("batik OR anyaman") == []
    assert titles("NEAR batik") == []


def test_text_without_any_word_lists_everything(crafts):
    assert len(titles('"*()')) == 3


def test_query_terms_keep_letters_and_digits_only():
    assert query_terms('Kain "Batik" NEAR(anyam*) -x:y 2023') == [
        "kain", "batik", "near", "anyam", "x", "y", "2023",
    ]  # fmt: skip
    assert query_terms("") == []
    assert len(query_terms(" ".join(f"w{n}" for n in range(30)))) == 8


def test_hidden_products_are_never_found(crafts, ctx):
    draft = make_product(artisan_id=crafts["sari"].id, title="Batik Rahasia", status="draft")
    archived = make_product(artisan_id=crafts["sari"].id, title="Batik Lama")
    change_product(archived.id, status="archived")
    pending = factories.make_artisan(status="pending", shop_name="Toko Menunggu")
    make_product(artisan_id=pending.id, title="Batik Menunggu")
    assert draft.id and titles("rahasia") == [] and titles("lama") == []
    assert titles("menunggu") == []
    assert titles("batik") == ["Kain Batik Tulis Mega Mendung"]


def test_suspending_an_artisan_removes_their_products_from_search(crafts):
    change_artisan(crafts["made"].id, status="suspended")
    assert titles("keranjang") == []
    change_artisan(crafts["made"].id, status="verified")
    assert titles("keranjang") == ["Keranjang Anyaman Bambu"]


def test_renaming_a_shop_is_searchable_at_once(crafts):
    change_artisan(crafts["made"].id, shop_name="Anyaman Ubud Lestari")
    assert sorted(titles("ubud")) == ["Kain Tenun Ikat Sumbá", "Keranjang Anyaman Bambu"]
    assert titles("kriya") == []


def test_rebuilding_the_index_keeps_only_visible_products(crafts):
    make_product(artisan_id=crafts["sari"].id, title="Batik Draf", status="draft")
    with atomic():
        count = rebuild_index()
    assert count == 3
    assert sorted(titles("kain")) == ["Kain Batik Tulis Mega Mendung", "Kain Tenun Ikat Sumbá"]


def test_a_category_renamed_by_load_categories_is_searchable_by_its_new_name(ctx):
    from marketplace.catalog.categories import load_categories

    old = factories.make_category(slug="anyaman", name_id="Anyam lama", name_en="Weaving")
    make_product(category_id=old.id, title="Tas Pandan")
    assert titles("basketry") == []
    load_categories()
    assert titles("basketry") == ["Tas Pandan"]
    assert titles("weaving") == []
