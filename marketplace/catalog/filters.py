"""The parameters of /products (DESIGN.md section 8), read leniently.

A link shared on a chat app, typed by hand or cut short must never fail: a value that makes no
sense (`page=abc`, `min_price=-5`, an unknown category or region) is dropped or corrected, and
the page shows what the remaining filters select.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from marketplace.catalog.categories import CategoryInfo, category_by_slug
from marketplace.money import MoneyError, parse_idr
from marketplace.regions import services as regions
from marketplace.validators import whole_number

SORTS = ("relevance", "newest", "price_asc", "price_desc")
MAX_QUERY_LENGTH = 100
MAX_PAGE = 10_000


@dataclass(frozen=True)
class ListFilters:
    """A cleaned set of list parameters; the empty value means "not filtered"."""

    q: str = ""
    category: CategoryInfo | None = None
    province: str = ""
    regency: str = ""
    min_price: int | None = None
    max_price: int | None = None
    sort: str = "newest"
    page: int = 1

    @property
    def is_filtered(self) -> bool:
        """True when anything narrows the list (search text included)."""
        return bool(self.q) or self.has_filters

    @property
    def has_filters(self) -> bool:
        """True when a filter of the form (not the search text) narrows the list."""
        return bool(
            self.category
            or self.province
            or self.regency
            or self.min_price is not None
            or self.max_price is not None
        )

    def params(self, **changes) -> dict[str, str | int]:
        """The URL parameters of these filters (with changes), without the defaults.

        Used for pagination and "remove this filter" links, so every state is a shareable URL.
        """
        data = {
            "q": self.q,
            "category": self.category.slug if self.category else "",
            "province": self.province,
            "regency": self.regency,
            "min_price": self.min_price if self.min_price is not None else "",
            "max_price": self.max_price if self.max_price is not None else "",
            "sort": "" if self.sort == default_sort(self.q) else self.sort,
            "page": self.page,
        }
        data.update(changes)
        if data["page"] == 1:
            data["page"] = ""
        return {key: value for key, value in data.items() if value not in ("", None)}

    def with_page(self, page: int) -> ListFilters:
        """The same filters on another page."""
        return replace(self, page=page)


def default_sort(q: str) -> str:
    """Relevance when searching, newest otherwise."""
    return "relevance" if q else "newest"


def parse_filters(args: Mapping[str, str]) -> ListFilters:
    """ListFilters from request arguments; never raises."""
    q = " ".join(str(args.get("q", "")).split())[:MAX_QUERY_LENGTH]
    category = category_by_slug(_text(args.get("category")))
    province = _text(args.get("province"))
    regency = _text(args.get("regency"))
    if regency and regions.is_regency(regency):
        # A regency decides its province; a contradicting province is overruled.
        province = regency.split(".", 1)[0]
    else:
        regency = ""
    if not regions.is_province(province):
        province = ""
    min_price, max_price = _price(args.get("min_price")), _price(args.get("max_price"))
    if min_price is not None and max_price is not None and min_price > max_price:
        min_price, max_price = max_price, min_price
    sort = _text(args.get("sort"))
    if sort not in SORTS or (sort == "relevance" and not q):
        sort = default_sort(q)
    return ListFilters(
        q=q,
        category=category,
        province=province,
        regency=regency,
        min_price=min_price,
        max_price=max_price,
        sort=sort,
        page=_page(args.get("page")),
    )


def _text(value) -> str:
    """A short stripped string."""
    return str(value or "").strip()[:60]


def _price(value) -> int | None:
    """A whole Rupiah amount (`150000`, `150.000`, `Rp 150.000`), or None if empty or invalid."""
    text = str(value or "").strip()[:30]
    if not text:
        return None
    try:
        return parse_idr(text)
    except MoneyError:
        return None


def _page(value) -> int:
    """A page number from 1 to MAX_PAGE; anything else is page 1."""
    try:
        page = whole_number(str(value or "1").strip()[:6])
    except ValueError:
        return 1
    return min(max(page, 1), MAX_PAGE)
