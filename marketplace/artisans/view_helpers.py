"""Small helpers shared by the seller and staff views: form errors and application details."""

from __future__ import annotations

from flask import flash

from marketplace.artisans.applications import ApplicationDetails
from marketplace.artisans.forms import ApplicationForm
from marketplace.errors import DomainError


def show_error(form, error: DomainError, default: str | None = None) -> None:
    """Put a refused use case's message on the form field it names, else flash it."""
    name = error.details.get("field") or default
    field = getattr(form, name, None) if name else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


def details_from(form: ApplicationForm) -> ApplicationDetails:
    """The application details typed into the form."""
    return ApplicationDetails(
        legal_name=form.legal_name.data or "",
        shop_name=form.shop_name.data or "",
        phone=form.phone.data or "",
        regency_code=form.regency_code.data or "",
        village=form.village.data or "",
        programme=form.programme.data or "",
        batch=form.batch.data or "",
        training_date=form.training_date.data,
        certificate_number=form.certificate_number.data or "",
        story=form.story.data or "",
    )
