"""Redirect targets stay on the site."""

import pytest

from marketplace.urls import is_safe_next, safe_next


@pytest.mark.parametrize("target", ["/", "/orders/AB12", "/products?q=batik&page=2"])
def test_local_paths_are_safe(target):
    assert is_safe_next(target)


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https:evil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        " /x",
        "",
        None,
    ],
)
def test_off_site_targets_fall_back_home(target):
    assert not is_safe_next(target)
    assert safe_next(target, "/") == "/"
