"""Benchmark the vector-index backends on synthetic 512-d embeddings.

FAISS (``FaissIndex`` with the production settings) against Qdrant local mode
and exact search, on a structured set (a clustered low-dimensional latent
projected to 512-d plus noise, like real embeddings) and a hard set (uniform on
the sphere). Prints markdown tables: recall@10 against exact, single-query
latency, build time, memory per vector, recall under a filter keeping 1 %, an
efSearch sweep, and the filtered-search routing crossover.

    nice -n 10 python scripts/bench_index.py --sizes 100000 --queries 200
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import gc
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index_bench.data import Dataset, K, exact_topk
from index_bench.measure import (
    Ctx,
    Result,
    build,
    measure,
    measure_unfiltered,
    recall,
    rss,
    run_queries,
)
from index_bench.report import report
from index_bench.variants import run_variants

from sesame.index.base import VectorIndex
from sesame.index.faiss_index import FaissIndex, FaissParams
from sesame.runtime.parts import faiss_params
from sesame.settings import Settings


def run_exact(ctx: Ctx) -> Result:
    res = Result("exact (FaissIndex flat)")
    gc.collect()
    before = rss()
    index = FaissIndex(dim=ctx.data.dim, model_id="bench", params=FaissParams(index_type="flat"))
    res.build_s, _ = build(index, ctx, float("inf"))
    res.rss_per_vec = (rss() - before) / ctx.data.n
    res.bytes_per_vec = index.serialized_size() / ctx.data.n
    nq = min(ctx.args.queries, ctx.args.exact_queries)
    measure(ctx, res, index, nq, nq)
    compare_omp(ctx, index, nq)
    return res


def run_faiss(ctx: Ctx, storage: str | None = None, ef_construction: int | None = None) -> Result:
    """FaissIndex with the settings' defaults (``storage=None``), or another HNSW storage."""
    efc = ctx.args.ef_construction if ef_construction is None else ef_construction
    params = dataclasses.replace(faiss_params(Settings()), ef_construction=efc)
    if storage is not None:
        params = dataclasses.replace(params, hnsw_storage=storage)
    index = FaissIndex(dim=ctx.data.dim, model_id="bench", params=params)
    res = Result(f"FAISS {'HNSW' if ctx.data.n >= params.exact_below else 'flat'}")
    before = rss()
    res.build_s, stopped = build(index, ctx, ctx.args.build_budget_s)
    if stopped:
        res.note, res.build_s = stopped, None
        return res
    res.backend = (f"FAISS {index.index_type} {index.storage} (M={params.hnsw_m}, "
                   f"efC={params.ef_construction})")  # fmt: skip
    res.rss_per_vec = (rss() - before) / ctx.data.n
    res.bytes_per_vec = index.serialized_size() / ctx.data.n
    measure(ctx, res, index, ctx.args.queries, ctx.args.queries)
    res.note = f"efSearch={index.ef_search}"
    if index.index_type == "hnsw":
        sweep_ef(ctx, index)
        sweep_routing(ctx, index)
        compare_omp(ctx, index, ctx.args.queries)
    return res


def sweep_ef(ctx: Ctx, index: FaissIndex) -> None:
    default = index.ef_search
    for ef in ctx.args.ef_sweep:
        index.ef_search = ef
        found, p50, p99 = run_queries(lambda q: index.search(q, K), ctx.xq)
        ctx.sweep.append([index.storage, str(ef), f"{recall(found, ctx.truth[0]):.3f}",
                          f"{p50:.2f}", f"{p99:.2f}"])  # fmt: skip
    index.ef_search = default


def sweep_routing(ctx: Ctx, index: FaissIndex) -> None:
    """Each filter searched exactly and through HNSW with a selector."""
    default = index.params
    nq = min(ctx.args.queries, 50)
    for case, truth in zip(ctx.cases, ctx.truth[1:], strict=True):
        kept = int(case.mask.sum())
        for route, cap in (("exact", ctx.data.n), ("HNSW+selector", 0)):
            index.params = dataclasses.replace(default, exact_filter_max=cap)
            search = functools.partial(index.search, limit=K, filters=case.filters)
            found, p50, p99 = run_queries(search, ctx.xq[:nq])
            chosen = "exact" if kept <= default.exact_filter_max else "HNSW+selector"
            mark = " ◀ default" if route == chosen else ""
            ctx.routing.append(
                [index.storage, case.label, f"{kept:,}", route + mark, f"{recall(found, truth[:nq]):.3f}",
                 f"{p50:.2f}", f"{p99:.2f}"]
            )  # fmt: skip
    index.params = default


def compare_omp(ctx: Ctx, index: FaissIndex, nq: int) -> None:
    """Single-query latency with one OpenMP thread per search vs all cores."""
    default = index.params
    for threads in (1, os.cpu_count() or 1):
        index.params = dataclasses.replace(default, search_threads=threads)
        _, p50, p99 = run_queries(functools.partial(index.search, limit=K), ctx.xq[:nq])
        row = [f"{index.index_type} {index.storage}", str(threads), f"{p50:.3f}", f"{p99:.3f}"]
        ctx.omp.append(row + (["◀ default"] if threads == default.search_threads else [""]))
    index.params = default


def run_qdrant(ctx: Ctx) -> Result:
    from sesame.index.qdrant_index import QdrantIndex

    res = Result("Qdrant local (:memory:)")
    budget = ctx.args.qdrant_budget_s
    started, before = time.perf_counter(), rss()
    index = QdrantIndex.connect(dim=ctx.data.dim, model_id="bench", collection="bench")
    res.build_s, stopped = build(index, ctx, budget)
    res.rss_per_vec = (rss() - before) / index.count()
    nq, nfq = qdrant_query_counts(ctx, index, budget - (time.perf_counter() - started))
    if stopped:  # latency on what was loaded; recall needs the whole catalog
        res.build_s = None
        _, res.p50, res.p99 = run_queries(functools.partial(index.search, limit=K), ctx.xq[:nq])
        res.note = f"{stopped}; latency over those, {nq} queries"
    elif nq:
        measure(ctx, res, index, nq, nfq) if nfq else measure_unfiltered(ctx, res, index, nq)
        res.note = f"{nq} queries, {nfq} filtered" + ("" if nfq else " (filtered over budget)")
    index.close()
    return res


def qdrant_query_counts(ctx: Ctx, index: VectorIndex, left_s: float) -> tuple[int, int]:
    """How many queries fit the time left, from one timed query of each kind."""
    t = time.perf_counter()
    index.search(ctx.xq[0], K)
    plain = time.perf_counter() - t
    t = time.perf_counter()
    index.search(ctx.xq[0], K, ctx.cases[0].filters)
    filtered = time.perf_counter() - t
    nq = int(min(ctx.args.qdrant_queries, max(0, left_s / 2) / plain))
    nfq = int(min(ctx.args.qdrant_queries, max(0, left_s / 2) / filtered))
    return nq, nfq if nfq >= 3 else 0


def run_one(args: argparse.Namespace, name: str, n: int) -> None:
    data = Dataset(name, n, args.dim)
    ctx = Ctx(args, data)
    xb = data.base()
    t = time.perf_counter()
    ctx.truth = exact_topk(xb, ctx.xq, [None, *(c.mask for c in ctx.cases)])
    print(f"<!-- {name} n={n}: ground truth in {time.perf_counter() - t:.0f}s -->", flush=True)
    wanted = name in args.variants and n <= args.variants_max_n
    variants = run_variants(ctx, xb) if wanted else []
    del xb
    gc.collect()
    results = []
    for backend in args.backends:
        match backend:
            case "exact":
                results.append(run_exact(ctx))
            case "faiss":
                results.append(run_faiss(ctx))
            case "faiss-float":  # HNSW over float32 rows: the path before SQ8
                results.append(run_faiss(ctx, storage="flat"))
            case "faiss-sq8":
                results.append(run_faiss(ctx, storage="sq8"))
            case "faiss-before":  # the defaults before SQ8: float32 rows, efConstruction 100
                results.append(run_faiss(ctx, storage="flat", ef_construction=100))
            case "qdrant":
                if n <= args.qdrant_max_n:
                    results.append(run_qdrant(ctx))
            case _:
                raise ValueError(f"unknown backend {backend!r}")
        gc.collect()
        print(f"<!-- {results[-1].backend if results else backend} done -->", flush=True)
    report(ctx, results, variants)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--backends", type=lambda s: s.split(","), default=["exact", "faiss", "qdrant"])
    p.add_argument("--datasets", type=lambda s: s.split(","), default=["structured", "hard"])
    p.add_argument("--dim", type=int, default=512)
    p.add_argument("--ef-sweep", type=int, nargs="+", default=[16, 32, 64, 128, 256, 512])
    p.add_argument("--ef-construction", type=int, default=Settings().index.hnsw_ef_construction)
    p.add_argument("--fractions", type=float, nargs="+", default=[0.02, 0.05, 0.2, 0.5])
    p.add_argument("--exact-queries", type=int, default=50, help="queries for exact search")
    p.add_argument("--qdrant-queries", type=int, default=50)
    p.add_argument("--qdrant-max-n", type=int, default=1_000_000)
    p.add_argument("--qdrant-budget-s", type=float, default=900.0)
    p.add_argument("--build-budget-s", type=float, default=1800.0)
    p.add_argument("--max-rss-gb", type=float, default=7.0, help="stop loading past this RSS")
    p.add_argument(
        "--variants",
        type=lambda s: s.split(","),
        default=[],
        help="datasets on which to also time raw HNSW (efC/2), HNSW-SQ8 and IVF",
    )
    p.add_argument("--variants-max-n", type=int, default=100_000)
    return p.parse_args(argv)


def main() -> None:
    args = parse_args()
    print(f"<!-- {' '.join(sys.argv)} -->")
    print(f"<!-- {os.cpu_count()} CPUs, faiss {faiss.__version__}, numpy {np.__version__} -->")
    for n in args.sizes:
        for name in args.datasets:
            run_one(args, name, n)


if __name__ == "__main__":
    main()
