"""The audit trail: every operator action, with who did it (None: at the shell, through
the ``sesame`` CLI), what it touched and the details."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from sesame.catalog.models import AuditEvent


def record_audit(
    session: Session, *, actor_id: int | None, action: str, target: str, details: dict[str, Any]
) -> None:
    """Add an entry in the caller's transaction (it commits with the action or not at all)."""
    session.add(AuditEvent(actor_id=actor_id, action=action, target=target, details=details))
