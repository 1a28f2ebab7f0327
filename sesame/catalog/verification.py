"""Supplier verification: what was checked, until when; and the supplier's cached bound.

"Verified" means an unrevoked verification that has not expired, evaluated at
read time: ``suppliers.verified_until`` keeps the latest expiry of the active
ones (epoch seconds), so search filters and trust compare it with the clock and
an expired verification stops counting without any job.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sesame.catalog.changes import record_change
from sesame.catalog.models import Supplier, Verification, utcnow

NO_EXPIRY = 253402300799.0  # 9999-12-31: a verification without an end date
IMPORTED = "catalog import"


def is_verified(verified_until: float | None, now: float | None = None) -> bool:
    return verified_until is not None and verified_until > (time.time() if now is None else now)


def active(session: Session, supplier_ids: Iterable[int]) -> dict[int, list[Verification]]:
    """Supplier id -> its unrevoked verifications that have not expired, newest first."""
    wanted = sorted(set(supplier_ids))
    found: dict[int, list[Verification]] = {sid: [] for sid in wanted}
    if not wanted:
        return found
    now = utcnow()
    rows = session.scalars(
        select(Verification)
        .where(Verification.supplier_id.in_(wanted), Verification.revoked_at.is_(None))
        .order_by(Verification.created_at.desc(), Verification.id.desc())
    )
    for row in rows:
        if row.expires_at is None or _aware(row.expires_at) > now:
            found[row.supplier_id].append(row)
    return found


def refresh_verified_until(session: Session, supplier: Supplier) -> None:
    """Recompute the supplier's bound from its verifications, and log the change."""
    rows = session.scalars(
        select(Verification).where(
            Verification.supplier_id == supplier.id, Verification.revoked_at.is_(None)
        )
    ).all()
    bounds = [NO_EXPIRY if r.expires_at is None else _aware(r.expires_at).timestamp() for r in rows]
    supplier.verified_until = max(bounds) if bounds else None
    record_change(session, "supplier", supplier.id)


def sync_imported(session: Session, supplier: Supplier, verified: bool) -> None:
    """A catalog file's ``verified`` flag, kept as (or revoked from) an import verification."""
    imported = session.scalars(
        select(Verification).where(
            Verification.supplier_id == supplier.id,
            Verification.source == "catalog",
            Verification.revoked_at.is_(None),
        )
    ).all()
    if verified and not imported:
        session.add(Verification(supplier_id=supplier.id, checks=[IMPORTED], source="catalog"))
    elif not verified:
        for row in imported:
            row.revoked_at = utcnow()
    session.flush()
    refresh_verified_until(session, supplier)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)
