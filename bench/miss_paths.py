"""The URLs of the cache-miss rows of bench/run.py, read from the generated catalogue.

Each kind gets thousands of distinct URLs (at 10,000 products), shuffled with a fixed seed:

- list: every page number of the whole visible catalogue in each of the three sorts, and page
  1-2 of filter combinations (each province, each category, price ranges, province + category);
- product: 2,000 visible products' pages, spread over the whole id range;
- search: 200 words of visible products' titles (topped up from descriptions), from common to
  rare, each alone and with a province, a category, a price range and a sort (five URLs a word),
  and 200 two-word searches of neighbouring title words.

A page keeps at most 256 cache entries per worker, two per anonymous URL: about 128 URLs.
"""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter
from urllib.parse import urlencode

import sqlalchemy as sa

PER_PAGE = 24
PRODUCT_PAGES = 2000
SEARCH_WORDS = 200
PRICE_RANGES = [(None, 50_000), (50_000, 150_000), (150_000, 500_000), (500_000, None)]
VISIBLE = "p.status = 'active' AND a.status = 'verified'"
SEARCH_PAIRS = 200
WORD = re.compile(r"[a-z]{3,}")


def url(path: str, **params) -> str:
    """path with the non-empty params as its query string."""
    query = urlencode({key: value for key, value in params.items() if value is not None})
    return f"{path}?{query}" if query else path


def price(low: int | None, high: int | None) -> dict:
    """The price filter parameters of a range."""
    return {"min_price": low, "max_price": high}


def miss_paths(database_url: str) -> dict[str, list[str]]:
    """{kind: distinct paths} for the kinds list, product and search."""
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        products = conn.execute(
            sa.text(
                "SELECT p.slug, p.title, p.description FROM products p "
                "JOIN artisans a ON a.id = p.artisan_id "
                f"WHERE {VISIBLE} ORDER BY p.id"
            )
        ).all()
        provinces = [
            row[0]
            for row in conn.execute(
                sa.text(
                    "SELECT DISTINCT a.province_code FROM artisans a JOIN products p "
                    f"ON p.artisan_id = a.id WHERE {VISIBLE} ORDER BY 1"
                )
            )
        ]
        categories = [row[0] for row in conn.execute(sa.text("SELECT slug FROM categories"))]
    engine.dispose()
    shuffle = random.Random(1).shuffle

    pages = max(1, -(-len(products) // PER_PAGE))
    lists = [
        url("/products", sort=sort, page=page if page > 1 else None)
        for sort in (None, "price_asc", "price_desc")
        for page in range(1, pages + 1)
    ]
    combos = [{"province": code} for code in provinces]
    combos += [{"category": slug} for slug in categories]
    combos += [price(low, high) for low, high in PRICE_RANGES]
    combos += [{"province": code, "category": slug} for code in provinces for slug in categories]
    lists += [url("/products", **combo, page=page) for combo in combos for page in (None, 2)]

    step = max(1, len(products) // PRODUCT_PAGES)
    product_pages = [f"/products/{row.slug}" for row in products[::step][:PRODUCT_PAGES]]

    rng = random.Random(2)
    searches = [url("/products", q=pair) for pair in search_pairs(products)]
    for word in search_words(products):
        searches.append(url("/products", q=word))
        searches.append(url("/products", q=word, province=rng.choice(provinces)))
        searches.append(url("/products", q=word, category=rng.choice(categories)))
        searches.append(url("/products", q=word, **price(*rng.choice(PRICE_RANGES))))
        searches.append(url("/products", q=word, sort=rng.choice(["newest", "price_asc"])))

    kinds = {"list": lists, "product": product_pages, "search": searches}
    for paths in kinds.values():
        shuffle(paths)
    return {kind: list(dict.fromkeys(paths)) for kind, paths in kinds.items()}


def spread(ranked: list[str], count: int) -> list[str]:
    """count items taken evenly from a list ranked from most to least common."""
    return ranked[:: max(1, len(ranked) // count)][:count]


def search_words(products) -> list[str]:
    """SEARCH_WORDS words from common to rare: the titles' words, then the descriptions' ones.

    The generated titles use fewer than 200 distinct words; descriptions fill up the rest.
    """
    titles = Counter(word for row in products for word in WORD.findall(row.title.lower()))
    ranked = [word for word, _count in titles.most_common()]
    if len(ranked) < SEARCH_WORDS:
        described = Counter(
            word for row in products for word in WORD.findall(row.description.lower())
        )
        extra = [word for word, _count in described.most_common() if word not in titles]
        ranked += spread(extra, SEARCH_WORDS - len(ranked))
    return spread(ranked, SEARCH_WORDS)


def search_pairs(products) -> list[str]:
    """SEARCH_PAIRS two-word searches ("tas rotan"): neighbours in titles, common to rare."""
    pairs = Counter()
    for row in products:
        words = WORD.findall(row.title.lower())
        pairs.update(f"{a} {b}" for a, b in itertools.pairwise(words))
    return spread([pair for pair, _count in pairs.most_common()], SEARCH_PAIRS)
