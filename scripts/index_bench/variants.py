"""Raw FAISS index types (no wrapper), timed for the record beside FaissIndex."""

from __future__ import annotations

import functools
import gc
import time
from typing import Any

import faiss
import numpy as np
from numpy.typing import NDArray

from index_bench.data import K, Rows, payload
from index_bench.measure import Ctx, recall, run_queries
from sesame.index.base import Hit


def run_variants(ctx: Ctx, xb: NDArray[np.float32]) -> Rows:
    """Raw FAISS types (no wrapper) for comparison: HNSW over SQ8 codes, and IVF."""
    nlist = 1 << int(np.log2(4 * np.sqrt(len(xb))))
    efc = ctx.args.ef_construction
    rows: Rows = []
    for spec, values, ef_construction in (
        ("HNSW32,Flat", ctx.args.ef_sweep, efc // 2),
        ("HNSW32,SQ8", ctx.args.ef_sweep, efc),
        (f"IVF{nlist},Flat", [8, 16, 32, 64, 128], 0),
    ):
        rows += time_variant(ctx, xb, spec, values, ef_construction)
        gc.collect()
    return rows


def time_variant(
    ctx: Ctx, xb: NDArray[np.float32], spec: str, values: list[int], ef_construction: int
) -> Rows:
    index: Any = faiss.index_factory(ctx.data.dim, spec, faiss.METRIC_INNER_PRODUCT)
    if spec.startswith("HNSW"):
        hnsw: Any = faiss.downcast_index(index)
        hnsw.hnsw.efConstruction = ef_construction
        spec += f" (efC={ef_construction})"
    t = time.perf_counter()
    index.train(xb[:: max(1, len(xb) // 50_000)])
    index.add(xb)
    build_s = time.perf_counter() - t
    per_vec = faiss.serialize_index(index).nbytes / len(xb)
    knob = "efSearch" if spec.startswith("HNSW") else "nprobe"
    rows = []
    for v in values:
        search = functools.partial(raw_search, index, variant_params(spec, v))
        found, p50, p99 = run_queries(search, ctx.xq)
        rows.append([spec, f"{knob}={v}", f"{build_s:.0f}", f"{per_vec:.0f}",
                     f"{recall(found, ctx.truth[0]):.3f}", f"{p50:.2f}", f"{p99:.2f}"])  # fmt: skip
    return rows


def variant_params(spec: str, value: int) -> Any:
    if spec.startswith("HNSW"):
        return faiss.SearchParametersHNSW(efSearch=value)  # type: ignore[attr-defined]
    return faiss.SearchParametersIVF(nprobe=value)  # type: ignore[call-arg]


def raw_search(index: Any, params: Any, q: NDArray[np.float32]) -> list[Hit]:
    _, ids = index.search(q[None], K, params=params)
    dummy = payload(0)
    return [Hit(int(i), 0.0, dummy) for i in ids[0] if i >= 0]
