"""The durable job queue: a table, claimed with leases (``SKIP LOCKED`` on PostgreSQL).

A job is claimed by one worker for a lease; finishing it is a conditional update
(still ours, still running) in the same transaction as its results, so a worker
whose lease ran out and was taken over cannot apply its results a second time.
A worker killed with SIGKILL leaves a lease that runs out; the job is then
claimed again and done once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from sesame.catalog.models import IndexJob, utcnow

LEASE = timedelta(seconds=60)
ERROR_CHARS = 500


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    kind: str
    target_id: int
    attempts: int


def enqueue(session: Session, kind: str, target_id: int) -> None:
    """Queue a job, unless the same one is already waiting."""
    waiting = session.scalar(
        select(IndexJob.id).where(
            IndexJob.kind == kind, IndexJob.target_id == target_id, IndexJob.state == "queued"
        )
    )
    if waiting is None:
        session.add(IndexJob(kind=kind, target_id=target_id))


def claim(
    session: Session, worker: str, *, limit: int = 8, lease: timedelta = LEASE
) -> list[Claimed]:
    """Take up to ``limit`` jobs: queued ones, and running ones whose lease ran out."""
    now = utcnow()
    candidates = (
        select(IndexJob.id)
        .where(
            or_(
                IndexJob.state == "queued",
                and_(IndexJob.state == "running", IndexJob.lease_until < now),
            )
        )
        .order_by(IndexJob.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    rows = session.execute(
        update(IndexJob)
        .where(IndexJob.id.in_(candidates.scalar_subquery()))
        .values(
            state="running",
            worker=worker,
            lease_until=now + lease,
            attempts=IndexJob.attempts + 1,
            updated_at=now,
        )
        .returning(IndexJob.id, IndexJob.kind, IndexJob.target_id, IndexJob.attempts)
    ).all()
    return sorted((Claimed(*row) for row in rows), key=lambda job: job.id)


def finish(session: Session, job: Claimed, worker: str, *, error: str | None = None) -> bool:
    """Mark the job done (or failed with ``error``) if this worker still holds it."""
    result = session.execute(
        update(IndexJob)
        .where(IndexJob.id == job.id, IndexJob.worker == worker, IndexJob.state == "running")
        .values(
            state="failed" if error else "done",
            error=(error or None) and error[:ERROR_CHARS],
            lease_until=None,
            updated_at=utcnow(),
        )
    )
    return bool(getattr(result, "rowcount", 0))


def superseded(session: Session, job: Claimed) -> bool:
    """Whether the same target was queued again after this job was: a change came while it
    ran, so the newer job (which reads the target after that change) does the work."""
    newer = session.scalar(
        select(IndexJob.id)
        .where(IndexJob.kind == job.kind, IndexJob.target_id == job.target_id,
               IndexJob.id > job.id)
        .limit(1)
    )  # fmt: skip
    return newer is not None


def extend(session: Session, job: Claimed, worker: str, lease: timedelta = LEASE) -> bool:
    """Renew the lease of a long job (an upload) that this worker still holds."""
    result = session.execute(
        update(IndexJob)
        .where(IndexJob.id == job.id, IndexJob.worker == worker, IndexJob.state == "running")
        .values(lease_until=utcnow() + lease, updated_at=utcnow())
    )
    return bool(getattr(result, "rowcount", 0))


def release(session: Session, job: Claimed, worker: str) -> None:
    """Give a job back to the queue (a part it needs is not ready yet)."""
    session.execute(
        update(IndexJob)
        .where(IndexJob.id == job.id, IndexJob.worker == worker, IndexJob.state == "running")
        .values(state="queued", worker=None, lease_until=None, updated_at=utcnow())
    )


def prune_done(session: Session, older_than: timedelta) -> int:
    """Forget finished jobs (failed ones stay, for their error) after ``older_than``."""
    result = session.execute(
        delete(IndexJob).where(
            IndexJob.state == "done", IndexJob.updated_at < utcnow() - older_than
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def waiting(session: Session) -> int:
    """Jobs queued or running."""
    return int(
        session.scalar(
            select(func.count(IndexJob.id)).where(IndexJob.state.in_(("queued", "running")))
        )
        or 0
    )
