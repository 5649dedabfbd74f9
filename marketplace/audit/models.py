"""The audit log of staff decisions: who, when, what, why, and in which region."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base, now_utc


class AuditEntry(Base):
    """One decision (verify, reject, suspend, confirm a transfer, record a payout, refund...)."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(40))
    subject_type: Mapped[str] = mapped_column(sa.String(30))
    subject_id: Mapped[int]
    # The regency the decision concerns, so staff see only the entries of their scope.
    regency_code: Mapped[str | None] = mapped_column(sa.String(5), index=True)
    reason: Mapped[str] = mapped_column(sa.Text, default="")


class AuditEntryRegion(Base):
    """Every regency of a decision that concerns several (an order with artisans in several).

    Written only for such entries: staff whose scope covers any of these regencies see the
    entry, as well as those covering audit_entries.regency_code. Entries written before this
    table existed have no rows here (not backfilled): they stay filed under their one regency.
    """

    __tablename__ = "audit_entry_regions"

    audit_entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("audit_entries.id", ondelete="CASCADE"), primary_key=True
    )
    regency_code: Mapped[str] = mapped_column(sa.String(5), primary_key=True, index=True)
