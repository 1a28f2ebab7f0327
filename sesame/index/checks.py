"""Input checks shared by the vector-index backends (FAISS and Qdrant).

Ids are non-negative int64, vectors are finite and L2-normalised rows of the
index's dimension, payloads have a known kind and finite numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from sesame.core.filters import VECTOR_KINDS, Payload, ValueType, payload_types

_NORM_TOLERANCE = 1e-3
_MAX_ID = int(np.iinfo(np.int64).max)
_NUMBERS = [
    name for name, t in payload_types().items() if t in (ValueType.INTEGER, ValueType.DECIMAL)
]


def check_batch(
    ids: Sequence[int], vectors: NDArray[np.float32], payloads: Sequence[Payload], dim: int
) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """Validate an upsert batch; return ids as int64 and vectors as C-contiguous float32."""
    vecs = np.ascontiguousarray(vectors, dtype=np.float32)
    if vecs.ndim != 2 or vecs.shape[1] != dim:
        raise ValueError(f"vectors must have shape (n, {dim}); got {vecs.shape}.")
    if not len(ids) == len(vecs) == len(payloads):
        raise ValueError(
            f"ids, vectors and payloads must have the same length; "
            f"got {len(ids)}, {len(vecs)} and {len(payloads)}."
        )
    id_arr = check_ids(ids)
    _check_rows(vecs)
    for p in payloads:
        _check_payload(p)
    return id_arr, vecs


def check_ids(ids: Sequence[int]) -> NDArray[np.int64]:
    """Ids are non-negative integers that fit in int64."""
    values = [int(i) for i in ids]
    if any(i < 0 or i > _MAX_ID for i in values):
        raise ValueError("ids must be integers between 0 and 2**63 - 1.")
    return np.asarray(values, dtype=np.int64)


def check_query(vector: NDArray[np.float32], dim: int, limit: int) -> NDArray[np.float32]:
    """Validate one query vector and the limit; return it as a (1, dim) float32 row."""
    return check_queries(np.asarray(vector, dtype=np.float32).reshape(1, -1), dim, limit)


def check_queries(vectors: NDArray[np.float32], dim: int, limit: int) -> NDArray[np.float32]:
    """Validate query rows and the limit; return them as C-contiguous (m, dim) float32."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1; got {limit}.")
    q = np.ascontiguousarray(vectors, dtype=np.float32)
    if q.ndim != 2 or q.shape[1] != dim:
        raise ValueError(f"query vectors must have {dim} values each; got shape {q.shape}.")
    _check_rows(q)
    return q


def _check_rows(vecs: NDArray[np.float32]) -> None:
    if not np.isfinite(vecs).all():
        row = int(np.flatnonzero(~np.isfinite(vecs).all(axis=1))[0])
        raise ValueError(f"vectors must be finite; row {row} holds NaN or infinity.")
    norms = np.linalg.norm(vecs, axis=1)
    bad = np.flatnonzero(np.abs(norms - 1.0) > _NORM_TOLERANCE)
    if bad.size:
        raise ValueError(
            f"vectors must be L2-normalised (the encoder does it); row {int(bad[0])} "
            f"has norm {float(norms[bad[0]]):.4g}."
        )


def _check_payload(p: Payload) -> None:
    if p.kind not in VECTOR_KINDS:
        raise ValueError(f"payload kind must be one of {VECTOR_KINDS}; got {p.kind!r}.")
    numbers = [getattr(p, name) for name in _NUMBERS]
    if not all(math.isfinite(v) for v in numbers if v is not None):
        raise ValueError(f"payload of product {p.product_id} has a non-finite number.")
