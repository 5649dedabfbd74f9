"""The stock invariant check of tests/orders runs after these tests too."""

from tests.orders.conftest import external_stock_change, stock_invariant_after_test  # noqa: F401
