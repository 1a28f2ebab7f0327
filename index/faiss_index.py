"""FAISS backend: exact search while small, HNSW at scale, one atomic file on disk.

HNSW cannot remove vectors, so positions ``0..n-1`` are internal: numpy columns
per position hold the external id, an alive flag and the payload fields, and
deleted or replaced vectors become tombstones until a compaction rebuilds the
index. Filters become a numpy mask over the columns; a mask that keeps few
vectors is searched exactly, otherwise HNSW searches with the mask as selector.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import tempfile
import threading
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import faiss
import numpy as np
from numpy.typing import NDArray

from index.base import Filters, Hit, Payload
from index.checks import KINDS, check_batch, check_ids, check_query
from index.columns import SCHEMA, VOCAB_FIELDS, Columns, RWLock, Vocab, filter_mask
from sesame.settings import IndexSettings

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
FILE_NAME = "faiss_index.npz"
FaissType = Literal["auto", "flat", "hnsw"]


# --- settings ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FaissParams:
    """How the FAISS backend picks, builds, searches and compacts its index."""

    index_type: FaissType = "auto"
    exact_below: int = 50_000
    hnsw_m: int = 32
    # efConstruction 100 builds twice as fast as 200 for -0.3 pt recall (docs/benchmarks.md).
    ef_construction: int = 100
    ef_search: int = 128
    # Rebuild once this fraction of positions are tombstones.
    compact_fraction: float = 0.2
    # A filter keeping at most this many vectors is searched exactly: the measured
    # crossover with HNSW + selector is ~11k kept at 100k vectors and ~13k at 1M.
    exact_filter_max: int = 12_000
    # OpenMP threads for one query: 1 is fastest (2 made a flat search 4x slower, measured).
    search_threads: int = 1

    @classmethod
    def from_settings(cls, s: IndexSettings) -> FaissParams:
        return cls(
            index_type=s.faiss_type,
            exact_below=s.exact_below,
            hnsw_m=s.hnsw_m,
            ef_construction=s.hnsw_ef_construction,
            ef_search=s.hnsw_ef_search,
        )


# --- the index ---------------------------------------------------------------------


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
                self._cols.append(self._encode(id_arr[keep], [payloads[i] for i in keep]))
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
        self, vector: NDArray[np.float32], limit: int, filters: Filters | None = None
    ) -> list[Hit]:
        """The ``min(limit, matching)`` best hits, by score desc then id asc."""
        q = check_query(vector, self.dim, limit)
        _set_threads(self.params.search_threads)
        with self._lock.read():
            mask = None
            if filters is not None and filters != Filters():
                mask = filter_mask(self._cols, self._vocab, filters)
            if mask is None and self._dead:
                mask = self._cols["alive"]
            kept = len(self._pos) if mask is None else int(np.count_nonzero(mask))
            if kept == 0:
                return []
            scores, positions = self._route(q, min(limit, kept), mask, kept)
            return self._hits(scores, positions)

    def count(self) -> int:
        with self._lock.read():
            return len(self._pos)

    def ids(self) -> set[int]:
        with self._lock.read():
            return set(self._pos)

    def flush(self) -> None:
        """Write the index atomically (temp file in the same folder, fsync, rename),
        unless nothing changed since it was last written or read."""
        if self._path is None:
            return
        with self._writer:  # no change can slip in between the snapshot and "clean"
            if not self._dirty:
                return
            with self._lock.read():
                arrays = self._to_arrays()
            _atomic_write(self._path, arrays)
            self._dirty = False
        logger.info("Wrote %d vectors to %s", len(self._pos), self._path)

    def close(self) -> None:
        """Nothing to release; call ``flush`` first to keep what was written."""

    # -- introspection for benchmarks and tests -------------------------------------

    @property
    def index_type(self) -> Literal["flat", "hnsw"]:
        return "hnsw" if isinstance(self._index, faiss.IndexHNSW) else "flat"

    @property
    def tombstones(self) -> int:
        return self._dead

    def serialized_size(self) -> int:
        with self._lock.read():
            return int(faiss.serialize_index(self._index).nbytes)

    # -- search internals -------------------------------------------------------------

    def _route(
        self, q: NDArray[np.float32], k: int, mask: NDArray[np.bool_] | None, kept: int
    ) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
        """Plain index, exact over the mask, or HNSW with the mask as selector."""
        if mask is None:
            scores, pos = self._ann(q, k, None, 1.0)
        elif self.index_type == "flat" or kept <= self.params.exact_filter_max:
            return self._exact(q, k, mask)
        else:
            scores, pos = self._ann(q, k, mask, kept / len(mask))
        if int(np.count_nonzero(pos >= 0)) < k:
            # The graph search came back short; exact search always finds k.
            logger.debug("ANN returned fewer than %d hits; searching exactly", k)
            full = self._cols["alive"] if mask is None else mask
            return self._exact(q, k, full)
        return scores, pos

    def _ann(
        self, q: NDArray[np.float32], k: int, mask: NDArray[np.bool_] | None, fraction: float
    ) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
        if self.index_type == "flat":
            scores, pos = self._index.search(q, k)
            return scores[0], pos[0]
        # A selective mask hides most of what the graph walk visits: widen the beam.
        ef = math.ceil(max(self.ef_search, k) / math.sqrt(fraction))
        selector = None if mask is None else _Selector(mask)  # must outlive the search
        scores, pos = self._index.search(q, k, params=_hnsw_params(ef, selector))
        return scores[0], pos[0]

    def _exact(
        self, q: NDArray[np.float32], k: int, mask: NDArray[np.bool_]
    ) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
        """Exact inner product over masked positions of the flat storage, in place."""
        selector = _Selector(mask)  # must outlive the search
        params = faiss.SearchParameters()
        params.sel = selector.sel
        scores, pos = self._storage().search(q, k, params=params)
        return scores[0], pos[0]

    def _hits(self, scores: NDArray[np.float32], positions: NDArray[np.int64]) -> list[Hit]:
        ok = positions >= 0
        hits = [
            Hit(id=int(self._cols["id"][p]), score=float(s), payload=self._payload(int(p)))
            for s, p in zip(scores[ok], positions[ok], strict=True)
        ]
        hits.sort(key=lambda h: (-h.score, h.id))
        return hits

    def _payload(self, p: int) -> Payload:
        c = self._cols
        return Payload(
            product_id=int(c["product_id"][p]),
            supplier_id=int(c["supplier_id"][p]),
            kind="image" if c["kind"][p] == 0 else "text",
            country=self._vocab["country"].names[c["country"][p]],
            category=self._vocab["category"].names[c["category"][p]],
            verified=bool(c["verified"][p]),
            rating=float(c["rating"][p]),
            moq=int(c["moq"][p]),
            price_min_usd=float(c["price_min_usd"][p]),
            price_max_usd=float(c["price_max_usd"][p]),
        )

    # -- mutation internals -----------------------------------------------------------

    def _reset(self, kind: Literal["flat", "hnsw"] = "flat") -> None:
        self._index: Any = self._new_index("hnsw" if self.params.index_type == "hnsw" else kind)
        self._cols = Columns()
        self._vocab = {f: Vocab() for f in VOCAB_FIELDS}
        self._pos: dict[int, int] = {}
        self._dead = 0
        self._dirty = False

    def _new_index(self, kind: Literal["flat", "hnsw"]) -> Any:
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
        _set_threads(os.cpu_count() or 1)  # HNSW inserts in parallel
        self._index.add(vecs)

    def _encode(self, ids: NDArray[np.int64], payloads: Sequence[Payload]) -> dict[str, Any]:
        cols: dict[str, Any] = {"id": ids, "alive": np.ones(len(ids), dtype=np.bool_)}
        for name in SCHEMA.keys() - {"id", "alive"}:
            values = [getattr(p, name) for p in payloads]
            if name in self._vocab:
                values = [self._vocab[name].encode(v) for v in values]
            elif name == "kind":
                values = [KINDS.index(v) for v in values]
            cols[name] = np.asarray(values, dtype=SCHEMA[name])
        return cols

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

    def _wanted_kind(self, alive: int) -> Literal["flat", "hnsw"]:
        match self.params.index_type:
            case "flat":
                return "flat"
            case "hnsw":
                return "hnsw"
            case _:
                return "hnsw" if alive >= self.params.exact_below else "flat"

    def _rebuild(self, kind: Literal["flat", "hnsw"]) -> None:
        """Build a new index of the live vectors, then swap it in.

        The caller holds ``_writer``, so nothing changes meanwhile and searches
        keep using the old index until the swap.
        """
        started = time.perf_counter()
        keep = np.flatnonzero(self._cols["alive"]).astype(np.int64)
        index = self._new_index(kind)
        if len(keep):
            _set_threads(os.cpu_count() or 1)
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

    def _to_arrays(self) -> dict[str, NDArray[Any]]:
        arrays = {f"col_{k}": self._cols[k].copy() for k in SCHEMA}
        vocab = {f: v.names for f, v in self._vocab.items()}
        arrays |= {
            "format_version": np.asarray(FORMAT_VERSION),
            "dim": np.asarray(self.dim),
            "model_id": np.asarray(self.model_id),
            "vocab": np.asarray(json.dumps(vocab)),
            "index": faiss.serialize_index(self._index),
        }
        return arrays

    def _load(self, path: Path) -> None:
        try:
            with np.load(path, allow_pickle=False) as npz:
                problem = self._mismatch(npz)
                if problem:
                    logger.warning("Not loading %s: %s; starting empty.", path, problem)
                    self._dirty = True  # the next flush replaces it
                    return
                self._restore(npz)
        except (OSError, ValueError, KeyError, RuntimeError, zipfile.BadZipFile) as exc:
            logger.error("Could not read %s (%s); starting empty.", path, exc)
            self._reset()
            self._dirty = True
            return
        logger.info("Loaded %d vectors (%s) from %s", len(self._pos), self.index_type, path)
        self._maybe_reshape()

    def _mismatch(self, npz: Any) -> str | None:
        version, dim, model = int(npz["format_version"]), int(npz["dim"]), str(npz["model_id"])
        if version != FORMAT_VERSION:
            return f"format version {version}, expected {FORMAT_VERSION}"
        if model != self.model_id or dim != self.dim:
            return f"built by model {model!r} (dim {dim}), not {self.model_id!r} (dim {self.dim})"
        return None

    def _restore(self, npz: Any) -> None:
        self._cols = Columns({k: np.asarray(npz[f"col_{k}"], dtype=t) for k, t in SCHEMA.items()})
        vocab = json.loads(str(npz["vocab"]))
        self._vocab = {f: Vocab(vocab[f]) for f in VOCAB_FIELDS}
        self._index = faiss.deserialize_index(np.asarray(npz["index"], dtype=np.uint8))
        if self._index.ntotal != self._cols.size or self._index.d != self.dim:
            raise ValueError("the index and its columns disagree")
        alive = np.flatnonzero(self._cols["alive"])
        self._pos = dict(zip(self._cols["id"][alive].tolist(), alive.tolist(), strict=True))
        self._dead = self._cols.size - len(alive)
        if self.params.index_type == "flat" and self.index_type == "hnsw":
            self._rebuild("flat")


def _set_threads(n: int) -> None:
    """OpenMP threads for FAISS calls made by this thread (libgomp keeps it per thread)."""
    if faiss.omp_get_max_threads() != n:
        faiss.omp_set_num_threads(n)


class _Selector:
    """A FAISS bitmap selector over a mask; FAISS only borrows ``bitmap``."""

    def __init__(self, mask: NDArray[np.bool_]) -> None:
        self.bitmap = np.packbits(mask, bitorder="little")
        self.sel = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(self.bitmap))


def _hnsw_params(ef: int, selector: _Selector | None) -> Any:
    params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]  # not in faiss's stubs
    params.efSearch = ef
    if selector is not None:
        params.sel = selector.sel
    return params


def _dump(f: IO[bytes], arrays: dict[str, NDArray[Any]]) -> None:
    np.savez(f, **arrays)  # type: ignore[arg-type]


def _atomic_write(path: Path, arrays: dict[str, NDArray[Any]]) -> None:
    """Write to a temp file beside ``path``, fsync, then rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            _dump(f, arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
