"""Users, their role and, for staff, the region they answer for."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, TimestampMixin, now_utc


class Role(enum.StrEnum):
    """The one role a user has."""

    BUYER = "buyer"
    ARTISAN = "artisan"
    STAFF = "staff"


NATIONAL = "national"


class User(TimestampMixin, Base):
    """An account. Staff have a scope: `national`, a province code (`32`) or a regency (`32.73`)."""

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("role IN ('buyer', 'artisan', 'staff')", name="role_known"),
        sa.CheckConstraint(
            "(role = 'staff') = (staff_scope IS NOT NULL)", name="scope_only_for_staff"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16), default=Role.BUYER.value)
    staff_scope: Mapped[str | None] = mapped_column(sa.String(16))
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(sa.String(5), default="id")
    # Bumped to end every session of the user (logout, password change, suspension): the login
    # cookie carries the value it was issued with, and an old value no longer loads the user.
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None]
    # Set only through a link mailed to the address (never by typing it): a confirmed address is
    # what attaches that address's guest orders to the account.
    email_confirmed_at: Mapped[datetime | None]

    @property
    def email_confirmed(self) -> bool:
        """True once the account's e-mail was confirmed through the mailed link."""
        return self.email_confirmed_at is not None

    @property
    def is_buyer(self) -> bool:
        """True for buyers."""
        return self.role == Role.BUYER

    @property
    def is_artisan(self) -> bool:
        """True for artisans (verified or not)."""
        return self.role == Role.ARTISAN

    @property
    def is_staff(self) -> bool:
        """True for BNN staff of any scope."""
        return self.role == Role.STAFF

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        """Loaded users are logged in."""
        return True

    @property
    def is_active(self) -> bool:
        """A deactivated account cannot log in."""
        return self.is_active_account

    @property
    def is_anonymous(self) -> bool:
        """Never anonymous."""
        return False

    def get_id(self) -> str:
        """`<id>:<session_version>`, so bumping the version invalidates every issued cookie."""
        return f"{self.id}:{self.session_version}"


class PasswordResetToken(Base):
    """A single-use, expiring password reset link; only the token's hash is stored."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
