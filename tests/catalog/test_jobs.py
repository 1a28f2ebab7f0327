"""The durable job queue on SQLite and PostgreSQL: claims with leases, take-over of a
dead worker's job, finishing only while still held, and no job claimed twice."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sesame.catalog import jobs
from sesame.catalog.changes import prune_changes, record_change
from sesame.catalog.db import make_engine, make_session_factory, migrate, session_scope
from sesame.catalog.models import IndexJob

Queue = Callable[[int], sessionmaker[Session]]


@pytest.fixture
def queue(database_url: str) -> Iterator[Queue]:
    """``queue(n)``: a database with jobs for targets 1..n waiting."""
    engines = []

    def build(count: int) -> sessionmaker[Session]:
        engine = make_engine(database_url)
        engines.append(engine)
        migrate(engine)
        factory = make_session_factory(engine)
        with session_scope(factory) as session:
            for target in range(1, count + 1):
                jobs.enqueue(session, "product", target)
                jobs.enqueue(session, "product", target)  # already waiting: not queued twice
        return factory

    yield build
    for engine in engines:
        engine.dispose()


def test_a_job_is_claimed_once_and_finished_by_its_holder_only(queue: Queue) -> None:
    factory = queue(3)
    with session_scope(factory) as session:
        first = jobs.claim(session, "a", limit=2)
    with session_scope(factory) as session:
        second = jobs.claim(session, "b", limit=5)
    assert [j.target_id for j in first] == [1, 2]
    assert [j.target_id for j in second] == [3]
    with session_scope(factory) as session:
        assert not jobs.finish(session, first[0], "b")  # not b's job
        assert jobs.finish(session, first[0], "a")
        assert not jobs.finish(session, first[0], "a")  # done already: once only
        assert jobs.waiting(session) == 2


def test_a_dead_workers_job_is_taken_over_when_its_lease_runs_out(queue: Queue) -> None:
    factory = queue(1)
    with session_scope(factory) as session:
        [dead] = jobs.claim(session, "dead", lease=timedelta(seconds=-1))  # already run out
    with session_scope(factory) as session:
        [taken] = jobs.claim(session, "alive")
    assert taken.id == dead.id
    assert taken.attempts == 2
    with session_scope(factory) as session:
        assert not jobs.finish(session, dead, "dead")  # the dead one cannot finish it now
        assert jobs.finish(session, taken, "alive", error="x" * 900)
    with factory() as session:
        row = session.scalar(select(IndexJob))
        assert row is not None
        assert row.state == "failed"
        assert len(row.error or "") == 500


def test_a_released_job_waits_again_and_a_live_lease_is_not_taken(queue: Queue) -> None:
    factory = queue(1)
    with session_scope(factory) as session:
        [held] = jobs.claim(session, "a")
    with session_scope(factory) as session:
        assert jobs.claim(session, "b") == []  # a's lease still holds
        assert jobs.extend(session, held, "a")
        jobs.release(session, held, "a")
    with session_scope(factory) as session:
        assert [j.id for j in jobs.claim(session, "b")] == [held.id]


def test_workers_claiming_at_once_never_share_a_job(queue: Queue) -> None:
    factory = queue(60)
    claimed: dict[str, list[int]] = {}
    start = threading.Barrier(4)

    def work(name: str) -> None:
        start.wait()
        mine: list[int] = []
        while True:
            with session_scope(factory) as session:
                batch = jobs.claim(session, name, limit=3)
            if not batch:
                break
            mine += [job.id for job in batch]
        claimed[name] = mine

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    every = [job for ids in claimed.values() for job in ids]
    assert len(every) == len(set(every)) == 60


def test_old_finished_jobs_and_log_entries_are_forgotten(queue: Queue) -> None:
    factory = queue(2)
    with session_scope(factory) as session:
        done, failed = jobs.claim(session, "a")
        jobs.finish(session, done, "a")
        jobs.finish(session, failed, "a", error="bad photo")
        record_change(session, "product", 1)
    with session_scope(factory) as session:
        assert jobs.prune_done(session, timedelta(hours=1)) == 0  # still recent
        assert prune_changes(session, timedelta(hours=1)) == 0
        assert jobs.prune_done(session, timedelta(seconds=-1)) == 1
        assert prune_changes(session, timedelta(seconds=-1)) == 1
    with factory() as session:
        assert [row.state for row in session.scalars(select(IndexJob))] == ["failed"]
