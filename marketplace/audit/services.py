"""Writing to the audit log; call inside the use case's atomic() block."""

from __future__ import annotations

from marketplace.audit.models import AuditEntry
from marketplace.extensions import db


def record(
    *,
    actor_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int,
    regency_code: str | None,
    reason: str = "",
) -> None:
    """Add one audit entry to the current transaction."""
    db.session.add(
        AuditEntry(
            actor_id=actor_id,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            regency_code=regency_code,
            reason=reason.strip(),
        )
    )
