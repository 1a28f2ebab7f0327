"""Bounded thread pools: each kind of blocking work gets its own capacity.

A pool holds at most ``workers`` running and ``queue`` waiting calls; one more
is refused at once with ``Overloaded`` (HTTP 503 with Retry-After) instead of
waiting without end, so a flood of photo searches cannot stall sign-ins or
``/readyz``, which run on other pools.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import ParamSpec, TypeVar

from sesame.core.errors import NotReady

P = ParamSpec("P")
R = TypeVar("R")


class Overloaded(NotReady):
    """A pool is full: the caller should retry shortly (HTTP 503)."""


class BoundedPool:
    def __init__(self, name: str, *, workers: int, queue: int, what: str) -> None:
        if workers < 1 or queue < 0:
            raise ValueError("A pool needs at least one worker and a non-negative queue.")
        self.name = name
        self.capacity = workers + queue
        self._what = what
        self._executor = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix=f"sesame-{name}"
        )
        self._slots = threading.BoundedSemaphore(self.capacity)

    def submit(self, func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> Future[R]:
        """Run ``func`` on the pool, or raise Overloaded when it is full."""
        if not self._slots.acquire(blocking=False):
            raise Overloaded(
                f"The server is busy with {self._what} ({self.capacity} in progress or waiting); "
                "try again in a moment.",
                retry_after=1,
            )
        try:
            future = self._executor.submit(partial(func, *args, **kwargs))
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _done: self._slots.release())
        return future

    def shutdown(self, *, wait: bool = True) -> None:
        self._executor.shutdown(wait=wait, cancel_futures=False)


@dataclass(frozen=True, slots=True)
class Pools:
    """The pools of a process: database work, model work (search), translation."""

    database: BoundedPool
    model: BoundedPool
    translation: BoundedPool

    def shutdown(self) -> None:
        for pool in (self.model, self.translation, self.database):
            pool.shutdown(wait=True)
