"""The threads a serving process runs beside its requests: the indexing worker (jobs
from the durable queue) and the change-log follower (other processes' writes).

Both poll the database, the source of truth; they start at once and wait,
without claiming anything, until the model and the index have loaded.
"""

from __future__ import annotations

import logging
import threading

from sesame.runtime.runtime import Runtime

logger = logging.getLogger(__name__)


class Background:
    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        shop = self._runtime.settings.shop
        targets = [self._follow]
        if shop.worker:
            worker = self._runtime.index_worker()
            targets.append(lambda: worker.run(self._stop, shop.poll_s))
        for target in targets:
            thread = threading.Thread(target=target, name="sesame-background", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _follow(self) -> None:
        interval = self._runtime.settings.shop.poll_s
        while not self._stop.is_set() and self._runtime.follower is None:
            self._stop.wait(interval)  # the index is still loading (or failed to)
        follower = self._runtime.follower
        if follower is not None:
            follower.run(self._stop, interval)

    def close(self, timeout: float = 30.0) -> None:
        """Stop both loops; a job in progress finishes first (or is taken over later)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
            if thread.is_alive():
                logger.warning("A background thread did not stop in %.0f s", timeout)
