"""Every action the code records has words in both languages; an unknown one is still readable."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask_babel import force_locale

from marketplace.audit.labels import ACTION_LABELS, action_label

PACKAGE = Path(__file__).resolve().parents[2] / "marketplace"


def _returned_strings(function: ast.FunctionDef) -> set[str]:
    """The string constants a function can return (directly or through `a if c else b`)."""
    found = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Return) and node.value is not None:
            for part in ast.walk(node.value):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    found.add(part.value)
    return found


def recorded_actions() -> set[str]:
    """Every `action=` given to the audit log's record() anywhere in the package.

    A constant (or a choice of two constants) is taken as it is; a call to a function of the
    same module contributes the strings that function returns. Any other form fails, so that
    this test is updated with it.
    """
    actions = set()
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "marketplace.audit" not in source:
            continue
        tree = ast.parse(source)
        functions = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = ast.unparse(node.func)
            if name not in ("audit", "record", "audit.record", "audit_record"):
                continue
            for keyword in node.keywords:
                if keyword.arg != "action":
                    continue
                value = keyword.value
                if isinstance(value, ast.Constant):
                    actions.add(value.value)
                elif isinstance(value, ast.IfExp) and all(
                    isinstance(side, ast.Constant) for side in (value.body, value.orelse)
                ):
                    actions |= {value.body.value, value.orelse.value}
                elif isinstance(value, ast.Call) and ast.unparse(value.func) in functions:
                    actions |= _returned_strings(functions[ast.unparse(value.func)])
                else:
                    pytest.fail(f"{path}: audit action {ast.unparse(value)} cannot be read")
    return actions


def test_every_recorded_action_has_a_label():
    actions = recorded_actions()
    assert {"artisan.verify", "artisan.reinstate", "transfer_confirmed", "payout.record"} <= actions
    assert sorted(actions - set(ACTION_LABELS)) == []


def test_every_label_reads_differently_in_english(app):
    with app.test_request_context(), force_locale("en"):
        english = {action: action_label(action) for action in ACTION_LABELS}
    with app.test_request_context():
        indonesian = {action: action_label(action) for action in ACTION_LABELS}
    assert english["transfer_confirmed"] == "Confirm bank transfer"
    assert [a for a in ACTION_LABELS if english[a] == indonesian[a] or not english[a]] == []


def test_an_unknown_action_is_shown_in_words(app):
    with app.test_request_context():
        assert action_label("order.cancelled_by_artisan") == "Order cancelled by artisan"
        assert action_label("") == "—"
