"""Bounded pools: work beyond workers + queue is refused at once, not queued without end."""

from __future__ import annotations

import threading

import pytest

from sesame.core.pools import BoundedPool, Overloaded


def test_a_full_pool_refuses_with_a_retry_hint_and_takes_work_again_once_free() -> None:
    pool = BoundedPool("model", workers=1, queue=1, what="searches")
    release = threading.Event()
    running = [pool.submit(release.wait, 5), pool.submit(release.wait, 5)]
    with pytest.raises(Overloaded, match="busy with searches") as refused:
        pool.submit(release.wait, 5)
    assert refused.value.retry_after == 1
    release.set()
    for future in running:
        assert future.result(timeout=5) is True
    assert pool.submit(lambda: 42).result(timeout=5) == 42
    pool.shutdown()


def test_a_failing_call_frees_its_place() -> None:
    pool = BoundedPool("database", workers=1, queue=0, what="database work")

    def broken() -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        pool.submit(broken).result(timeout=5)
    assert pool.submit(lambda: "ok").result(timeout=5) == "ok"
    pool.shutdown()
