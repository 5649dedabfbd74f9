"""Every model, imported in one place so Alembic and the tests see the whole schema."""

from marketplace.accounts.models import PasswordResetToken, User
from marketplace.artisans.models import Artisan, TrainingRecord
from marketplace.mail.models import OutboxMessage
from marketplace.regions.models import Province, Regency

__all__ = [
    "Artisan",
    "OutboxMessage",
    "PasswordResetToken",
    "Province",
    "Regency",
    "TrainingRecord",
    "User",
]
