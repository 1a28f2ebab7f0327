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
from typing import Any

import faiss
import numpy as np
from numpy.typing import NDArray

from sesame.core.filters import Filters, Payload, VectorKind, conditions_for
from sesame.index import faiss_build as build
from sesame.index import faiss_store as store
from sesame.index.base import Hit
from sesame.index.checks import check_batch, check_ids, check_queries, check_query
from sesame.index.columns import (
    VOCAB_FIELDS,
    Columns,
    Decoder,
    R,
    RWLock,
    Vocab,
    best_products_at,
    encode_payloads,
    filter_mask,
    hits_at,
)
from sesame.index.faiss_build import Kind, Storage
from sesame.index.faiss_search import FaissParams, Searcher, set_threads
from sesame.index.faiss_store import FILE_NAME
from sesame.index.idmap import IdMap

__all__ = ["FILE_NAME", "FaissIndex", "FaissParams"]
logger = logging.getLogger(__name__)
_NOTHING = (np.empty(0, np.float32), np.empty(0, np.int64))  # a result row without hits


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
                build.add(self._index, vecs[keep])
                batch = [payloads[i] for i in keep]
                self._cols.append(encode_payloads(id_arr[keep], batch, self._vocab))
                self._pos.add(id_arr[keep], np.arange(start, self._cols.size, dtype=np.int64))
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
        set_threads(self.params.search_threads)
        return self._search(q, limit, filters, kind, None, hits_at)[0]

    def best_products(self, vector: NDArray[np.float32], limit: int, filters: Filters | None = None,
                      *, kind: VectorKind | None = None) -> dict[int, float]:  # fmt: skip
        """Product id -> its best score among ``search``'s hits; no payload is decoded."""
        q = check_query(vector, self.dim, limit)
        set_threads(self.params.search_threads)
        return self._search(q, limit, filters, kind, None, best_products_at)[0]

    def search_many(
        self,
        vectors: NDArray[np.float32],
        limit: int,
        filters: Filters | None = None,
        *,
        kind: VectorKind | None = None,
        min_score: float | None = None,
        beam: int | None = None,
    ) -> list[list[Hit]]:
        """``search`` for each row, in one FAISS call spread over every core."""
        q = check_queries(vectors, self.dim, limit)
        if not len(q):
            return []
        set_threads(min(len(q), os.cpu_count() or 1))
        return self._search(q, limit, filters, kind, min_score, hits_at, beam)

    def count(self) -> int:
        with self._lock.read():
            return len(self._pos)

    def ids(self) -> set[int]:
        with self._lock.read():
            return self._pos.keys()

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
    def storage(self) -> Storage:
        """How rows are held: float32, or SQ8 codes (an HNSW graph only)."""
        return build.storage_kind(self._index)

    @property
    def tombstones(self) -> int:
        return self._dead

    def serialized_size(self) -> int:
        with self._lock.read():
            return int(faiss.serialize_index(self._index).nbytes)

    # -- search internals -------------------------------------------------------------

    def _searcher(self, beam: int | None) -> Searcher:
        ef, storage = beam or self.ef_search, build.storage(self._index)
        hnsw = self.index_type == "hnsw"
        return Searcher(self._index, storage, hnsw, ef, self.params.exact_filter_max)

    def _search(self, q: NDArray[np.float32], limit: int, filters: Filters | None,
                kind: VectorKind | None, min_score: float | None, decode: Decoder[R],
                beam: int | None = None) -> list[R]:  # fmt: skip
        conditions = conditions_for(filters, kind)
        with self._lock.read():
            mask = filter_mask(self._cols, self._vocab, conditions) if conditions else None
            if mask is None and self._dead:
                mask = self._cols["alive"]
            kept = len(self._pos) if mask is None else int(np.count_nonzero(mask))
            if kept == 0:
                return [decode(self._cols, self._vocab, *_NOTHING) for _ in q]
            scores, positions = self._searcher(beam).route(q, min(limit, kept), mask,
                                                           self._cols["alive"], kept)  # fmt: skip
            if min_score is not None:  # left out before their payloads are decoded
                positions = np.where(scores >= min_score, positions, -1)
            return [
                decode(self._cols, self._vocab, s, p)
                for s, p in zip(scores, positions, strict=True)
            ]

    # -- mutation internals -----------------------------------------------------------

    def _reset(self, kind: Kind = "flat") -> None:
        kind = "hnsw" if self.params.index_type == "hnsw" else kind
        self._index: Any = build.new_index(kind, self.dim, self.params)
        self._cols = Columns()
        self._vocab = {f: Vocab() for f in VOCAB_FIELDS}
        self._pos = IdMap()
        self._dead = 0
        self._dirty = False

    def _kill(self, ids: NDArray[np.int64]) -> None:
        positions = self._pos.pop(ids)
        if positions:
            self._cols["alive"][positions] = False
            self._dead += len(positions)
            self._dirty = True

    def _maybe_reshape(self) -> None:
        """Compact when tombstones pile up; switch flat -> HNSW when ``auto`` grows past."""
        alive = len(self._pos)
        if self._dead and self._dead > self.params.compact_fraction * self._cols.size:
            self._rebuild(build.wanted_kind(self.params, alive))
        elif self.index_type == "flat" and build.wanted_kind(self.params, alive) == "hnsw":
            self._rebuild("hnsw")

    def _rebuild(self, kind: Kind) -> None:
        """Build a new index of the live vectors, then swap it in.

        The caller holds ``_writer``, so nothing changes meanwhile and searches
        keep using the old index until the swap.
        """
        started = time.perf_counter()
        keep = np.flatnonzero(self._cols["alive"]).astype(np.int64)
        index = build.rebuilt(self._index, kind, self.dim, self.params, keep)
        cols = self._cols.take(keep)
        pos = IdMap(cols["id"])
        with self._lock.write():
            self._index, self._cols, self._pos, self._dead = index, cols, pos, 0
        took = time.perf_counter() - started
        logger.info("Rebuilt the FAISS index as %s (%s) over %d vectors in %.1fs",
                    kind, self.storage, len(keep), took)  # fmt: skip

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
        self._pos = IdMap(self._cols["id"][alive], alive.astype(np.int64))
        self._dead = self._cols.size - len(alive)
        logger.info("Loaded %d vectors (%s) from %s", len(self._pos), self.index_type, path)
        if self.params.index_type == "flat" and self.index_type == "hnsw":
            self._rebuild("flat")
        elif self.index_type == "hnsw" and self.storage != self.params.hnsw_storage:
            self._change_storage()
        self._maybe_reshape()

    def _change_storage(self) -> None:
        """Float rows can become SQ8 codes here; codes cannot become floats again, so then
        the index starts empty and is filled from the database's vectors (reconcile)."""
        wanted = self.params.hnsw_storage
        if wanted == "sq8":
            self._rebuild("hnsw")
            return
        logger.warning("The index on disk holds SQ8 codes and %s storage is wanted; "
                       "starting empty, to be filled from the database.", wanted)  # fmt: skip
        self._reset()
        self._dirty = True
