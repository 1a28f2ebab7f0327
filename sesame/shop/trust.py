"""Operators verify suppliers (what was checked, until when) and every operator
action goes into the audit trail, which operators can read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sesame.accounts.tokens import Principal
from sesame.catalog import repository as repo
from sesame.catalog.audit import record_audit
from sesame.catalog.db import session_scope
from sesame.catalog.models import AuditEvent, Supplier, Verification, utcnow
from sesame.catalog.verification import refresh_verified_until
from sesame.core.errors import InvalidInput, NotFound
from sesame.shop.access import require_operator

CHECKS = frozenset({
    "business_licence", "export_licence", "factory_audit", "on_site_inspection",
    "product_certification", "quality_management", "identity", "bank_account",
})  # fmt: skip


class Verifications:
    def __init__(self, *, sessions: Callable[[], Session]) -> None:
        self._sessions = sessions

    def add(
        self, who: Principal, supplier_id: str, *, checks: list[str], expires_at: datetime | None,
        note: str,
    ) -> Verification:  # fmt: skip
        require_operator(who, "verify suppliers")
        unknown = sorted(set(checks) - CHECKS)
        if unknown or not checks:
            raise InvalidInput(
                f"Unknown checks {unknown}; use some of {', '.join(sorted(CHECKS))}."
                if unknown else "Name at least one check that was made."
            )  # fmt: skip
        if expires_at is not None and expires_at <= utcnow():
            raise InvalidInput("expires_at is in the past; a verification must still hold.")
        with session_scope(self._sessions) as session:
            supplier = _supplier(session, supplier_id)
            row = Verification(
                supplier_id=supplier.id, checks=sorted(set(checks)), note=note,
                verified_by=who.account_id, source="operator", expires_at=expires_at,
            )  # fmt: skip
            session.add(row)
            session.flush()
            refresh_verified_until(session, supplier)
            _audit(session, who, "verification.add", supplier_id,
                   {"verification": row.id, "checks": row.checks,
                    "expires_at": expires_at.isoformat() if expires_at else None})  # fmt: skip
            return row

    def revoke(self, who: Principal, supplier_id: str, verification_id: int) -> None:
        require_operator(who, "revoke verifications")
        with session_scope(self._sessions) as session:
            supplier = _supplier(session, supplier_id)
            row = session.get(Verification, verification_id)
            if row is None or row.supplier_id != supplier.id or row.revoked_at is not None:
                raise NotFound(f"Supplier {supplier_id!r} has no verification {verification_id}.")
            row.revoked_at, row.revoked_by = utcnow(), who.account_id
            session.flush()
            refresh_verified_until(session, supplier)
            _audit(session, who, "verification.revoke", supplier_id, {"verification": row.id})

    def audit(self, who: Principal, *, limit: int, before: int | None) -> list[AuditEvent]:
        """Operator actions, newest first."""
        require_operator(who, "read the audit trail")
        query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
        if before is not None:
            query = query.where(AuditEvent.id < before)
        with self._sessions() as session:
            return list(session.scalars(query))


def _supplier(session: Session, supplier_id: str) -> Supplier:
    supplier = repo.supplier_by_external_id(session, supplier_id)
    if supplier is None:
        raise NotFound(f"No supplier with id {supplier_id!r}.")
    return supplier


def _audit(session: Session, who: Principal, action: str, supplier_id: str,
           details: dict[str, object]) -> None:  # fmt: skip
    record_audit(session, actor_id=who.account_id, action=action,
                 target=f"supplier:{supplier_id}", details=details)  # fmt: skip
