"""Concurrent photo encodings share one forward pass.

When a forward pass is already running, the next caller waits a few milliseconds
(``window_s``) for others, then runs every photo gathered so far in one batch and hands
each caller its rows; callers arriving meanwhile form the next batch. A photo arriving
while the model is idle runs at once, so a single client never pays the window. Large
batches (ingest) join the same path and are split by the encoder's own batch size.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from sesame.embeddings.base import Encoder


@dataclass(eq=False)
class _Ticket:
    images: Sequence[Image.Image]
    done: threading.Event = field(default_factory=threading.Event)
    result: NDArray[np.float32] | None = None
    error: BaseException | None = None


class MicroBatcher:
    def __init__(self, encoder: Encoder, *, window_s: float) -> None:
        self._encoder = encoder
        self._window = window_s
        self._lock = threading.Lock()
        self._pending: list[_Ticket] = []
        self._leading = False
        self._running = 0  # forward passes in progress
        self.batches = 0  # forward passes run (for tests and logs)

    @property
    def model_id(self) -> str:
        return self._encoder.model_id

    @property
    def dim(self) -> int:
        return self._encoder.dim

    def encode_texts(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return self._encoder.encode_texts(texts)

    def encode_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        if not images:
            return self._encoder.encode_images(images)
        ticket = _Ticket(images)
        with self._lock:
            self._pending.append(ticket)
            lead, self._leading = not self._leading, True
            busy = self._running > 0
        if lead:
            if busy:  # others are likely to arrive before the model is free
                time.sleep(self._window)
            with self._lock:
                batch, self._pending, self._leading = self._pending, [], False
                self._running += 1
            try:
                self._run(batch)
            finally:
                with self._lock:
                    self._running -= 1
        ticket.done.wait()
        if ticket.error is not None:
            raise ticket.error
        assert ticket.result is not None
        return ticket.result

    def _run(self, batch: list[_Ticket]) -> None:
        try:
            vectors = self._encoder.encode_images([im for t in batch for im in t.images])
        except BaseException as exc:  # every caller of the batch gets the error
            for ticket in batch:
                ticket.error = exc
                ticket.done.set()
            return
        self.batches += 1
        start = 0
        for ticket in batch:
            ticket.result = vectors[start : start + len(ticket.images)]
            start += len(ticket.images)
            ticket.done.set()
