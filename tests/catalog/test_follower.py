"""The change-log follower's cursor: entries applied once each, a gap (an id that
PostgreSQL committed later, or a transaction that rolled back) waited for, then passed.

The index here is a recorder at the follower's seam; the real indexes are driven by the
same follower in tests/api/test_shop_processes.py and test_shop_indexing.py."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pytest
from numpy.typing import NDArray
from sqlalchemy.orm import Session, sessionmaker

from sesame.catalog.db import make_engine, make_session_factory, migrate, session_scope
from sesame.catalog.models import Change
from sesame.core.filters import Payload
from sesame.ingest import follower as follower_module
from sesame.ingest.follower import ChangeFollower


class Recorder:
    dim = 4

    def __init__(self) -> None:
        self.deleted: list[int] = []

    def upsert(self, ids: Sequence[int], vectors: NDArray[np.float32],
               payloads: Sequence[Payload]) -> None:  # fmt: skip
        pass

    def delete(self, ids: Sequence[int]) -> None:
        self.deleted += list(ids)


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    migrate(engine)
    yield make_session_factory(engine)
    engine.dispose()


def log(factory: sessionmaker[Session], *ids: int) -> None:
    with session_scope(factory) as session:
        session.add_all(Change(id=i, kind="vector", entity_id=100 + i) for i in ids)


def test_each_entry_is_applied_once_and_a_gap_is_waited_for_then_passed(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    index = Recorder()
    follower = ChangeFollower(sessions=factory, index=index, model_id="m")  # type: ignore[arg-type]
    log(factory, 1, 2, 4)  # 3 is not committed yet
    assert follower.poll() == 3
    assert follower.cursor == 2
    assert follower.poll() == 0  # 4 is not applied again
    log(factory, 3)  # the late commit arrives
    assert follower.poll() == 1
    assert follower.cursor == 4
    assert index.deleted == [101, 102, 104, 103]
    log(factory, 6)  # 5 never comes (rolled back)
    follower.poll()
    assert follower.cursor == 4
    monkeypatch.setattr(follower_module, "GAP_WAIT_S", 0.0)
    log(factory, 7)
    follower.poll()
    assert follower.cursor == 7
    assert index.deleted[-2:] == [106, 107]
