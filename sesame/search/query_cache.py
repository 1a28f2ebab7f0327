"""Query vectors kept by text, so a repeated query (the next page, a popular search) does
not run the text tower again. Bounded (least recently used goes first) and keyed by the
model, so a model swap never serves a stale vector."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sesame.core.lru import Lru
from sesame.embeddings.base import Encoder


class QueryVectors:
    def __init__(self, size: int) -> None:
        self._kept: Lru[tuple[str, str], NDArray[np.float32]] = Lru(size)

    def vector(self, encoder: Encoder, text: str) -> NDArray[np.float32]:
        key = (encoder.model_id, text)
        found = self._kept.get(key)
        if found is not None:
            return found
        vector: NDArray[np.float32] = encoder.encode_texts([text])[0]
        vector.setflags(write=False)  # shared between requests
        self._kept.put(key, vector)
        return vector
