"""The fast field rendering (marketplace/form_html.py) writes exactly what WTForms writes, for
every field of every form of the shop, empty, filled with hostile text and after failed
validation, so no form loses a `required`, a `maxlength` or its escaping."""

from __future__ import annotations

import importlib
import inspect

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from marketplace.form_html import html_params, render_field, render_label

MODULES = ["marketplace.accounts.forms", "marketplace.artisans.forms", "marketplace.orders.forms"]
HOSTILE = "Jl. \"Melati\" <b>5</b> & 'Mawar' \u00e9"


def _form_classes():
    for name in MODULES:
        for _name, cls in inspect.getmembers(importlib.import_module(name), inspect.isclass):
            if issubclass(cls, FlaskForm) and cls is not FlaskForm and cls.__module__ == name:
                yield cls


def _build(cls, formdata):
    if cls.__name__ == "CheckoutForm":
        choices = [("manual_transfer", "Transfer bank"), ("stripe", "Kartu")]
        return cls(formdata=formdata, guest=True, payment_choices=choices)
    return cls(formdata=formdata)


@pytest.mark.parametrize("cls", list(_form_classes()), ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("filled", [False, True], ids=["empty", "hostile"])
def test_every_field_renders_exactly_as_wtforms_renders_it(app, cls, filled):
    with app.test_request_context("/", method="POST"):
        formdata = None
        if filled:
            formdata = MultiDict({name: HOSTILE for name in _build(cls, None)._fields})
        form = _build(cls, formdata)
        if filled:
            form.validate()
        compared = 0
        for field in form:
            extra = {"autocomplete": "name", "aria-describedby": f'{field.id}-help "x"'}
            for attributes in ({}, extra):
                assert render_field(field, attributes) == field(**attributes), field.name
            assert render_label(field) == field.label(), field.name
            compared += 1
        assert compared == len(form._fields)


def test_attributes_are_sorted_escaped_and_booleans_written_bare():
    assert html_params(value='a"b<c', required=True, readonly=False, class_="x", data_role="y") == (
        'class="x" data-role="y" required value="a&#34;b&lt;c"'
    )
