"""External id -> position for the FAISS backend, in about 16 bytes per id.

A Python dict costs about 100 bytes per entry, more than an SQ8 vector's codes
at 1M vectors. Here ids live in two sorted numpy arrays (id, position; position
-1 once removed) plus a small dict of recent additions, merged into the arrays
once it holds ``MERGE_AT`` ids.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

MERGE_AT = 8192


class IdMap:
    def __init__(self, ids: NDArray[np.int64] | None = None,
                 positions: NDArray[np.int64] | None = None) -> None:  # fmt: skip
        ids = np.zeros(0, dtype=np.int64) if ids is None else np.asarray(ids, dtype=np.int64)
        pos = np.arange(len(ids), dtype=np.int64) if positions is None else positions
        order = np.argsort(ids, kind="stable")
        self._ids, self._pos = ids[order], np.asarray(pos, dtype=np.int64)[order]
        self._recent: dict[int, int] = {}
        self._size = len(ids)

    def __len__(self) -> int:
        return self._size

    def keys(self) -> set[int]:
        held = self._ids[self._pos >= 0].tolist()
        return set(held) | set(self._recent)

    def add(self, ids: NDArray[np.int64], positions: NDArray[np.int64]) -> None:
        """Map ids that are not held (the caller removed them first) to positions."""
        self._recent.update(zip(ids.tolist(), positions.tolist(), strict=True))
        self._size += len(ids)
        if len(self._recent) >= MERGE_AT:
            self._merge()

    def pop(self, ids: NDArray[np.int64]) -> list[int]:
        """Remove ids; the positions the held ones had (unknown ids are skipped)."""
        found = [p for i in ids.tolist() if (p := self._recent.pop(i, None)) is not None]
        if len(self._ids) and len(ids):
            at = np.minimum(np.searchsorted(self._ids, ids), len(self._ids) - 1)
            hit = at[(self._ids[at] == ids) & (self._pos[at] >= 0)]
            hit = np.unique(hit)
            found += self._pos[hit].tolist()
            self._pos[hit] = -1
        self._size -= len(found)
        return found

    def _merge(self) -> None:
        live = self._pos >= 0
        recent_ids = np.fromiter(self._recent.keys(), dtype=np.int64, count=len(self._recent))
        recent_pos = np.fromiter(self._recent.values(), dtype=np.int64, count=len(self._recent))
        ids = np.concatenate([self._ids[live], recent_ids])
        pos = np.concatenate([self._pos[live], recent_pos])
        order = np.argsort(ids, kind="stable")
        self._ids, self._pos = ids[order], pos[order]
        self._recent = {}
