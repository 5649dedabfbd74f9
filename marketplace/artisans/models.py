"""Artisans (sellers) and the BNN training record that makes them eligible to sell."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base, TimestampMixin


class ArtisanStatus(enum.StrEnum):
    """Where an artisan stands with BNN. Only `verified` artisans sell."""

    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class Artisan(TimestampMixin, Base):
    """The seller side of an artisan's account.

    Public: shop_name, slug, story, regency. Private (never on a public page): legal_name, phone,
    village, the training record and anything about rehabilitation.
    """

    __tablename__ = "artisans"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('pending', 'verified', 'rejected', 'suspended')", name="status_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    shop_name: Mapped[str] = mapped_column(sa.String(80))
    story: Mapped[str] = mapped_column(sa.Text, default="")
    legal_name: Mapped[str] = mapped_column(sa.String(120))
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    regency_code: Mapped[str] = mapped_column(sa.ForeignKey("regencies.code"), index=True)
    province_code: Mapped[str] = mapped_column(sa.ForeignKey("provinces.code"), index=True)
    village: Mapped[str] = mapped_column(sa.String(120), default="")
    status: Mapped[str] = mapped_column(
        sa.String(16), default=ArtisanStatus.PENDING.value, index=True
    )
    status_reason: Mapped[str] = mapped_column(sa.Text, default="")
    verified_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    training: Mapped[TrainingRecord | None] = relationship(
        back_populates="artisan", uselist=False, lazy="raise"
    )

    @property
    def is_verified(self) -> bool:
        """True while the artisan may sell."""
        return self.status == ArtisanStatus.VERIFIED


class TrainingRecord(Base):
    """The BNN empowerment training an artisan completed; staff verify the artisan against it."""

    __tablename__ = "training_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    artisan_id: Mapped[int] = mapped_column(sa.ForeignKey("artisans.id"), unique=True)
    programme: Mapped[str] = mapped_column(sa.String(120))
    batch: Mapped[str] = mapped_column(sa.String(40))
    training_date: Mapped[date]
    certificate_number: Mapped[str] = mapped_column(sa.String(60))
    regency_code: Mapped[str] = mapped_column(sa.ForeignKey("regencies.code"))
    village: Mapped[str] = mapped_column(sa.String(120))

    artisan: Mapped[Artisan] = relationship(back_populates="training", lazy="raise")
