"""The change log: every change that the vector index of a serving process must see.

Writers append an entry in the same transaction as the change. Each process
follows the log (``ChangeFollower``) and re-reads the entity from the database,
so applying an entry twice does no harm. Ids come from the database in commit
order only roughly (PostgreSQL sequences can commit out of order), so readers
keep a low-water mark and look back over recent gaps.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from sesame.catalog.models import Change, utcnow


def record_change(session: Session, kind: str, entity_id: int) -> None:
    """Note that a product or supplier changed (flushed with the caller's transaction)."""
    session.add(Change(kind=kind, entity_id=entity_id))


def changes_after(session: Session, after: int, limit: int = 1000) -> list[tuple[int, str, int]]:
    """(id, kind, entity id) of entries past ``after``, oldest first."""
    rows = session.execute(
        select(Change.id, Change.kind, Change.entity_id)
        .where(Change.id > after)
        .order_by(Change.id)
        .limit(limit)
    )
    return [(int(i), str(kind), int(entity)) for i, kind, entity in rows]


def prune_changes(session: Session, older_than: timedelta) -> int:
    """Forget entries every follower has long applied (a new process starts at the end)."""
    result = session.execute(delete(Change).where(Change.created_at < utcnow() - older_than))
    return int(getattr(result, "rowcount", 0) or 0)


def latest_change(session: Session) -> int:
    return int(session.scalar(select(func.max(Change.id))) or 0)
