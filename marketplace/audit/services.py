"""Writing to the audit log; call inside the use case's atomic() block."""

from __future__ import annotations

from collections.abc import Iterable

from marketplace.audit.models import AuditEntry, AuditEntryRegion
from marketplace.extensions import db


def record(
    *,
    actor_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int,
    regency_code: str | None,
    reason: str = "",
    regency_codes: Iterable[str] = (),
) -> None:
    """Add one audit entry to the current transaction.

    `regency_code` is the regency the entry is filed under; `regency_codes` names further
    regencies it concerns (an order with artisans in several), whose staff see it too.
    """
    codes = sorted({code for code in (regency_code, *regency_codes) if code})
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        regency_code=regency_code or (codes[0] if codes else None),
        reason=reason.strip(),
    )
    db.session.add(entry)
    if len(codes) > 1:
        db.session.flush()
        db.session.add_all(AuditEntryRegion(audit_entry_id=entry.id, regency_code=c) for c in codes)
