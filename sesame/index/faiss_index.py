"""FAISS backend: exact search while small, HNSW at scale, one atomic file on disk.

HNSW cannot remove vectors, so positions ``0..n-1`` are internal: numpy columns
per position hold the external id, an alive flag and the payload fields, and
deleted or replaced vectors become tombstones until a compaction rebuilds the
index. Filters become a numpy mask over the columns (``columns``); the query is
routed by ``faiss_search`` and the file is kept by ``faiss_store``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import faiss
import numpy as np
from numpy.typing import NDArray

from sesame.core.filters import Filters, Payload, VectorKind, conditions_for
from sesame.index import faiss_store as store
from sesame.index.base import Hit
from sesame.index.checks import check_batch, check_ids, check_query
from sesame.index.columns import (
    VOCAB_FIELDS,
    Columns,
    RWLock,
    Vocab,
    decode_payloads,
    encode_payloads,
    filter_mask,
)
from sesame.index.faiss_search import FaissParams, Searcher, set_threads
from sesame.index.faiss_store import FILE_NAME

__all__ = ["FILE_NAME", "FaissIndex", "FaissParams"]
logger = logging.getLogger(__name__)
Kind = Literal["flat", "hnsw"]


class FaissIndex:
    """A ``VectorIndex`` over FAISS, persisted to ``directory/faiss_index.npz``.

    ``model_id`` is stored in the file, so an index built by another model is
    never loaded. ``directory=None`` keeps the index in memory only.
    ``ef_search`` may be tuned at run time (the benchmark sweeps it).
    """

    def __init__(
        self,
        *,
        dim: int,
        model_id: str,
        directory: Path | None = None,
        params: FaissParams | None = None,
    ) -> None:
        if dim < 1:
            raise ValueError(f"dim must be positive; got {dim}.")
        self.dim = dim
        self.model_id = model_id
        self.params = params or FaissParams()
        self.ef_search = self.params.ef_search
        self._path = None if directory is None else directory / FILE_NAME
        # Writers queue on _writer; _lock is held for writing only while structures change,
        # so searches go on during a long rebuild.
        self._writer = threading.Lock()
        self._lock = RWLock()
        self._reset()
        if self._path is not None and self._path.exists():
            self._load(self._path)

    # -- VectorIndex ---------------------------------------------------------------

    def upsert(
        self, ids: Sequence[int], vectors: NDArray[np.float32], payloads: Sequence[Payload]
    ) -> None:
        """Add or replace vectors; the last occurrence of a repeated id wins."""
        id_arr, vecs = check_batch(ids, vectors, payloads, self.dim)
        if not len(id_arr):
            return
        last = len(id_arr) - 1 - np.unique(id_arr[::-1], return_index=True)[1]
        keep = np.sort(last)
        with self._writer:
            with self._lock.write():
                self._kill(id_arr[keep])
                start = self._cols.size
                self._add(vecs[keep])
                batch = [payloads[i] for i in keep]
                self._cols.append(encode_payloads(id_arr[keep], batch, self._vocab))
                new = zip(id_arr[keep].tolist(), range(start, self._cols.size), strict=True)
                self._pos.update(new)
                self._dirty = True
            self._maybe_reshape()

    def delete(self, ids: Sequence[int]) -> None:
        """Remove vectors by id; unknown ids are ignored."""
        id_arr = check_ids(ids)
        with self._writer:
            with self._lock.write():
                self._kill(id_arr)
            self._maybe_reshape()

    def search(
        self,
        vector: NDArray[np.float32],
        limit: int,
        filters: Filters | None = None,
        *,
        kind: VectorKind | None = None,
    ) -> list[Hit]:
        """The ``min(limit, matching)`` best hits, by score desc then id asc."""
        q = check_query(vector, self.dim, limit)
        conditions = conditions_for(filters, kind)
        set_threads(self.params.search_threads)
        with self._lock.read():
            mask = filter_mask(self._cols, self._vocab, conditions) if conditions else None
            if mask is None and self._dead:
                mask = self._cols["alive"]
            kept = len(self._pos) if mask is None else int(np.count_nonzero(mask))
            if kept == 0:
                return []
            scores, positions = self._searcher().route(
                q, min(limit, kept), mask, self._cols["alive"], kept
            )
            return self._hits(scores, positions)

    def count(self) -> int:
        with self._lock.read():
            return len(self._pos)

    def ids(self) -> set[int]:
        with self._lock.read():
            return set(self._pos)

    def flush(self) -> None:
        """Write the index atomically, unless nothing changed since it was last written or read."""
        if self._path is None:
            return
        with self._writer:  # no change can slip in between the snapshot and "clean"
            if not self._dirty:
                return
            with self._lock.read():
                snapshot = store.Snapshot(self._index, self._cols, self._vocab)
                arrays = store.to_arrays(snapshot, dim=self.dim, model_id=self.model_id)
            store.write(self._path, arrays)
            self._dirty = False
        logger.info("Wrote %d vectors to %s", len(self._pos), self._path)

    def close(self) -> None:
        """Nothing to release; call ``flush`` first to keep what was written."""

    # -- introspection for benchmarks and tests -------------------------------------

    @property
    def index_type(self) -> Kind:
        return "hnsw" if isinstance(self._index, faiss.IndexHNSW) else "flat"

    @property
    def tombstones(self) -> int:
        return self._dead

    def serialized_size(self) -> int:
        with self._lock.read():
            return int(faiss.serialize_index(self._index).nbytes)

    # -- search internals -------------------------------------------------------------

    def _searcher(self) -> Searcher:
        hnsw = self.index_type == "hnsw"
        storage = self._storage()
        return Searcher(self._index, storage, hnsw, self.ef_search, self.params.exact_filter_max)

    def _hits(self, scores: NDArray[np.float32], positions: NDArray[np.int64]) -> list[Hit]:
        ok = positions >= 0
        found = positions[ok].astype(np.int64)
        payloads = decode_payloads(self._cols, self._vocab, found)
        ids = self._cols["id"][found].tolist()
        hits = [
            Hit(id=int(i), score=float(s), payload=p)
            for i, s, p in zip(ids, scores[ok].tolist(), payloads, strict=True)
        ]
        hits.sort(key=lambda h: (-h.score, h.id))
        return hits

    # -- mutation internals -----------------------------------------------------------

    def _reset(self, kind: Kind = "flat") -> None:
        self._index: Any = self._new_index("hnsw" if self.params.index_type == "hnsw" else kind)
        self._cols = Columns()
        self._vocab = {f: Vocab() for f in VOCAB_FIELDS}
        self._pos: dict[int, int] = {}
        self._dead = 0
        self._dirty = False

    def _new_index(self, kind: Kind) -> Any:
        if kind == "flat":
            return faiss.IndexFlatIP(self.dim)
        index = faiss.IndexHNSWFlat(self.dim, self.params.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = self.params.ef_construction
        index.hnsw.efSearch = self.params.ef_search
        return index

    def _storage(self) -> Any:
        """The flat storage (inner product over raw float32 rows)."""
        if self.index_type == "flat":
            return self._index
        return faiss.downcast_index(self._index.storage)

    def _add(self, vecs: NDArray[np.float32]) -> None:
        set_threads(os.cpu_count() or 1)  # HNSW inserts in parallel
        self._index.add(vecs)

    def _kill(self, ids: NDArray[np.int64]) -> None:
        positions = [p for i in ids.tolist() if (p := self._pos.pop(i, None)) is not None]
        if positions:
            self._cols["alive"][positions] = False
            self._dead += len(positions)
            self._dirty = True

    def _maybe_reshape(self) -> None:
        """Compact when tombstones pile up; switch flat -> HNSW when ``auto`` grows past."""
        alive = len(self._pos)
        if self._dead and self._dead > self.params.compact_fraction * self._cols.size:
            self._rebuild(self._wanted_kind(alive))
        elif self.index_type == "flat" and self._wanted_kind(alive) == "hnsw":
            self._rebuild("hnsw")

    def _wanted_kind(self, alive: int) -> Kind:
        match self.params.index_type:
            case "flat":
                return "flat"
            case "hnsw":
                return "hnsw"
            case _:
                return "hnsw" if alive >= self.params.exact_below else "flat"

    def _rebuild(self, kind: Kind) -> None:
        """Build a new index of the live vectors, then swap it in.

        The caller holds ``_writer``, so nothing changes meanwhile and searches
        keep using the old index until the swap.
        """
        started = time.perf_counter()
        keep = np.flatnonzero(self._cols["alive"]).astype(np.int64)
        index = self._new_index(kind)
        if len(keep):
            set_threads(os.cpu_count() or 1)
            index.add(self._vectors()[keep])
        cols = self._cols.take(keep)
        pos = dict(zip(cols["id"].tolist(), range(len(keep)), strict=True))
        with self._lock.write():
            self._index, self._cols, self._pos, self._dead = index, cols, pos, 0
        took = time.perf_counter() - started
        logger.info("Rebuilt the FAISS index as %s over %d vectors in %.1fs", kind, len(keep), took)

    def _vectors(self) -> NDArray[np.float32]:
        """A zero-copy view of the stored rows; valid until the next add."""
        storage = self._storage()
        n = storage.ntotal
        if n == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        flat = faiss.rev_swig_ptr(storage.get_xb(), n * self.dim)
        return np.asarray(flat).reshape(n, self.dim)

    # -- persistence ------------------------------------------------------------------

    def _load(self, path: Path) -> None:
        try:
            with np.load(path, allow_pickle=False) as npz:
                problem = store.mismatch(npz, dim=self.dim, model_id=self.model_id)
                if problem:
                    logger.warning("Not loading %s: %s; starting empty.", path, problem)
                    self._dirty = True  # the next flush replaces it
                    return
                snapshot = store.restore(npz, dim=self.dim)
        except store.READ_ERRORS as exc:
            logger.error("Could not read %s (%s); starting empty.", path, exc)
            self._reset()
            self._dirty = True
            return
        self._index, self._cols, self._vocab = snapshot.index, snapshot.cols, snapshot.vocab
        alive = np.flatnonzero(self._cols["alive"])
        self._pos = dict(zip(self._cols["id"][alive].tolist(), alive.tolist(), strict=True))
        self._dead = self._cols.size - len(alive)
        logger.info("Loaded %d vectors (%s) from %s", len(self._pos), self.index_type, path)
        if self.params.index_type == "flat" and self.index_type == "hnsw":
            self._rebuild("flat")
        self._maybe_reshape()
