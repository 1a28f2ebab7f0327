"""How the FAISS backend makes its indexes: exact float rows, or an HNSW graph over
float rows or over 8-bit scalar-quantised codes (SQ8), and how it gets rows back out.

SQ8 keeps one byte per dimension, trained per dimension on the vectors present
when the graph is built (their min and max, widened by ``SQ8_MARGIN`` so later
vectors are rarely clipped). Its scores are inner products of the decoded codes,
within about 0.003 of the float cosine on 512-d vectors (docs/benchmarks.md).
A rebuild re-encodes decoded rows with the same training, which gives the very
same codes, so compaction loses nothing more.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any, Literal

import faiss
import numpy as np
from numpy.typing import NDArray

from sesame.index.faiss_search import FaissParams, set_threads

Kind = Literal["flat", "hnsw"]
Storage = Literal["flat", "sq8"]
SQ8_MARGIN = 0.05  # of each dimension's trained range, on both sides
CHUNK = 65_536  # rows decoded and added at a time during a rebuild


def new_index(kind: Kind, dim: int, params: FaissParams, trained_like: Any = None) -> Any:
    """An empty index; an SQ8 graph copies ``trained_like``'s training when it has one."""
    if kind == "flat":
        return faiss.IndexFlatIP(dim)
    index: Any
    if params.hnsw_storage == "sq8":
        qtype: Any = faiss.ScalarQuantizer.QT_8bit  # an int; faiss's stubs say otherwise
        index = faiss.IndexHNSWSQ(dim, qtype, params.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        codes: Any = faiss.downcast_index(index.storage)
        codes.sq.rangestat_arg = SQ8_MARGIN
        if trained_like is not None and storage_kind(trained_like) == "sq8":
            old = storage(trained_like).sq.trained
            faiss.copy_array_to_vector(faiss.vector_to_array(old), codes.sq.trained)
            codes.is_trained = index.is_trained = True
    else:
        index = faiss.IndexHNSWFlat(dim, params.hnsw_m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = params.ef_construction
    index.hnsw.efSearch = params.ef_search
    return index


def storage(index: Any) -> Any:
    """The flat part: float rows (``IndexFlatIP``) or SQ8 codes (``IndexScalarQuantizer``)."""
    if isinstance(index, faiss.IndexHNSW):
        return faiss.downcast_index(index.storage)
    return index


def storage_kind(index: Any) -> Storage:
    return "sq8" if isinstance(storage(index), faiss.IndexScalarQuantizer) else "flat"


def add(index: Any, vectors: NDArray[np.float32]) -> None:
    """Add rows, training an untrained SQ8 graph on them first; HNSW inserts in parallel."""
    set_threads(os.cpu_count() or 1)
    if not index.is_trained:
        index.train(vectors)
    index.add(vectors)


def rows(index: Any, positions: NDArray[np.int64]) -> Iterator[NDArray[np.float32]]:
    """The stored rows at ``positions``, a chunk at a time (decoded, for SQ8)."""
    flat = storage(index)
    for start in range(0, len(positions), CHUNK):
        chunk = positions[start : start + CHUNK]
        if isinstance(flat, faiss.IndexFlat):
            yield float_rows(flat, index.d)[chunk]
        else:
            yield np.asarray(flat.reconstruct_batch(chunk), dtype=np.float32)


def float_rows(flat: Any, dim: int) -> NDArray[np.float32]:
    """A zero-copy view of a flat index's rows; valid until the next add."""
    n = flat.ntotal
    if n == 0:
        return np.zeros((0, dim), dtype=np.float32)
    return np.asarray(faiss.rev_swig_ptr(flat.get_xb(), n * dim)).reshape(n, dim)


def rebuilt(old: Any, kind: Kind, dim: int, params: FaissParams,
            keep: NDArray[np.int64]) -> Any:  # fmt: skip
    """A new index of kind ``kind`` holding ``old``'s rows at ``keep``, in that order."""
    index = new_index(kind, dim, params, trained_like=old)
    if not index.is_trained and len(keep):
        sample = keep[:: max(1, len(keep) // CHUNK)][:CHUNK]
        index.train(next(rows(old, np.sort(sample))))
    for chunk in rows(old, keep):
        add(index, chunk)
    return index


def wanted_kind(params: FaissParams, alive: int) -> Kind:
    """The kind ``params`` ask for at ``alive`` vectors (``auto``: HNSW from ``exact_below``)."""
    match params.index_type:
        case "flat":
            return "flat"
        case "hnsw":
            return "hnsw"
        case _:
            return "hnsw" if alive >= params.exact_below else "flat"
