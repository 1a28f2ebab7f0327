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
import resource
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.base import Filters, Hit, Payload, VectorIndex
from index.faiss_index import FaissIndex, FaissParams
from sesame.settings import IndexSettings

CHUNK = 50_000
K = 10
COUNTRIES = 100  # one country keeps 1 % of the catalog
Rows = list[list[str]]


# --- data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """Deterministic synthetic vectors and payloads, generated chunk by chunk."""

    name: str
    n: int
    dim: int
    seed: int = 0

    def _vectors(self, m: int, rng: np.random.Generator) -> NDArray[np.float32]:
        if self.name == "hard":
            x = rng.standard_normal((m, self.dim), dtype=np.float32)
        else:
            x = self._structured(m, rng)
        return np.asarray(x / np.linalg.norm(x, axis=1, keepdims=True), dtype=np.float32)

    def _structured(self, m: int, rng: np.random.Generator) -> NDArray[np.float32]:
        # A fixed model: 1000 overlapping Gaussian clusters in a 32-d latent whose spread
        # decays like a PCA spectrum (std ~ i**-0.25), a fixed random map to 512-d, and
        # isotropic noise at ~10 % of the norm. Calibrated to the observation
        # (HNSW32 at 100k: recall@10 ~0.97-0.99 at efSearch 64).
        model = np.random.default_rng(12345)
        latent = 32
        spectrum = (np.arange(1, latent + 1) ** -0.25).astype(np.float32)
        centers = model.standard_normal((1000, latent)).astype(np.float32) * spectrum
        proj = model.standard_normal((latent, self.dim)).astype(np.float32)
        z = centers[rng.integers(0, 1000, m)]
        z += rng.standard_normal((m, latent)).astype(np.float32) * spectrum
        x = z @ proj
        scale = float(np.linalg.norm(x, axis=1).mean()) / np.sqrt(self.dim)
        noise = rng.standard_normal((m, self.dim), dtype=np.float32)
        return np.asarray(x + 0.1 * scale * noise, dtype=np.float32)

    def chunks(self) -> Iterator[tuple[int, NDArray[np.float32]]]:
        for start in range(0, self.n, CHUNK):
            rng = np.random.default_rng([self.seed, 0, start])
            yield start, self._vectors(min(CHUNK, self.n - start), rng)

    def base(self) -> NDArray[np.float32]:
        out = np.empty((self.n, self.dim), dtype=np.float32)
        for start, x in self.chunks():
            out[start : start + len(x)] = x
        return out

    def queries(self, nq: int) -> NDArray[np.float32]:
        return self._vectors(nq, np.random.default_rng([self.seed, 1, 1]))

    def columns(self) -> dict[str, NDArray[Any]]:
        rng = np.random.default_rng([self.seed, 2, 2])
        return {
            "country": rng.integers(0, COUNTRIES, self.n),
            "rating": rng.integers(0, 1001, self.n) / 200.0,  # 0.0 .. 5.0 in steps of 0.005
        }


def payloads(cols: dict[str, NDArray[Any]], start: int, stop: int) -> list[Payload]:
    return [
        Payload(i, i % 997, "image", f"C{c:02d}", "general", True, float(r), 1, 1.0, 2.0)
        for i, c, r in zip(
            range(start, stop),
            cols["country"][start:stop].tolist(),
            cols["rating"][start:stop].tolist(),
            strict=True,
        )
    ]


@dataclass(frozen=True)
class FilterCase:
    label: str
    filters: Filters
    mask: NDArray[np.bool_]


def filter_cases(cols: dict[str, NDArray[Any]], fractions: Sequence[float]) -> list[FilterCase]:
    """The 1 % country filter, then rating filters keeping each fraction."""
    cases = [
        FilterCase("country (1 %)", Filters(countries=frozenset({"C00"})), cols["country"] == 0)
    ]
    for fr in fractions:
        r = round(5.0 * (1.0 - fr), 3)
        mask = cols["rating"] >= r
        cases.append(FilterCase(f"rating ≥ {r} ({fr:.0%})", Filters(min_rating=r), mask))
    return cases


def exact_topk(
    xb: NDArray[np.float32], xq: NDArray[np.float32], masks: Sequence[NDArray[np.bool_] | None]
) -> list[NDArray[np.int64]]:
    """Ground truth: top-K ids per query under each mask, by chunked matrix products."""
    best = [(np.full((len(xq), 0), -np.inf, np.float32), np.zeros((len(xq), 0), np.int64))] * len(
        masks
    )
    for start in range(0, len(xb), CHUNK):
        scores = xq @ xb[start : start + CHUNK].T
        ids = np.arange(start, start + scores.shape[1])
        for j, mask in enumerate(masks):
            s = scores if mask is None else np.where(mask[ids], scores, -np.inf)
            all_s = np.hstack([best[j][0], s])
            all_i = np.hstack([best[j][1], np.broadcast_to(ids, s.shape)])
            top = np.argpartition(-all_s, K - 1, axis=1)[:, :K] if all_s.shape[1] > K else None
            if top is not None:
                all_s, all_i = np.take_along_axis(all_s, top, 1), np.take_along_axis(all_i, top, 1)
            top = np.argsort(-all_s, axis=1)
            best[j] = (np.take_along_axis(all_s, top, 1), np.take_along_axis(all_i, top, 1))
    return [np.where(np.isfinite(s), i, -1) for s, i in best]


# --- measuring ------------------------------------------------------------------------


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def run_queries(
    search: Callable[[NDArray[np.float32]], list[Hit]], xq: NDArray[np.float32]
) -> tuple[list[list[int]], float, float]:
    """Ids per query and p50/p99 latency in ms (after a short warm-up)."""
    for q in xq[:3]:
        search(q)
    out, lat = [], []
    for q in xq:
        t = time.perf_counter()
        hits = search(q)
        lat.append(time.perf_counter() - t)
        out.append([h.id for h in hits])
    ms = np.asarray(lat) * 1e3
    return out, float(np.percentile(ms, 50)), float(np.percentile(ms, 99))


def recall(found: list[list[int]], truth: NDArray[np.int64]) -> float:
    per = []
    for got, want in zip(found, truth, strict=False):
        w = {int(i) for i in want if i >= 0}
        per.append(len(set(got) & w) / len(w) if w else 1.0)
    return float(np.mean(per))


def build(index: VectorIndex, ctx: Ctx, budget_s: float) -> tuple[float, str]:
    """Upsert every chunk (timing only the upserts); stop early when over the time
    budget or the memory cap, and say why."""
    elapsed, cap = 0.0, ctx.args.max_rss_gb * 2**30
    for start, x in ctx.data.chunks():
        batch = payloads(ctx.cols, start, start + len(x))
        t = time.perf_counter()
        index.upsert(range(start, start + len(x)), x, batch)
        elapsed += time.perf_counter() - t
        done = start + len(x)
        if done < ctx.data.n and (elapsed > budget_s or rss() > cap):
            why = "time budget" if elapsed > budget_s else f"{ctx.args.max_rss_gb} GiB RSS cap"
            stopped = f"stopped by the {why} at {done:,} vectors after {elapsed:.0f}s"
            print(f"<!-- {stopped} -->", flush=True)
            return elapsed, stopped
    return elapsed, ""


@dataclass
class Result:
    backend: str
    build_s: float | None = None
    bytes_per_vec: float | None = None
    rss_per_vec: float | None = None
    recall: float | None = None
    p50: float | None = None
    p99: float | None = None
    f_recall: float | None = None
    f_p50: float | None = None
    note: str = ""


def fmt(v: float | None, spec: str) -> str:
    return "–" if v is None else format(v, spec)


# --- backends -------------------------------------------------------------------------


class Ctx:
    """Everything one (dataset, size) run shares."""

    def __init__(self, args: argparse.Namespace, data: Dataset) -> None:
        self.args, self.data = args, data
        self.cols = data.columns()
        self.xq = data.queries(args.queries)
        self.cases = filter_cases(self.cols, args.fractions)
        self.truth: list[NDArray[np.int64]] = []
        self.sweep: Rows = []
        self.routing: Rows = []
        self.omp: Rows = []


def measure(ctx: Ctx, res: Result, index: VectorIndex, nq: int, nfq: int) -> None:
    xq = ctx.xq
    found, res.p50, res.p99 = run_queries(lambda q: index.search(q, K), xq[:nq])
    res.recall = recall(found, ctx.truth[0][:nq])
    case = ctx.cases[0]
    found, res.f_p50, _ = run_queries(lambda q: index.search(q, K, case.filters), xq[:nfq])
    res.f_recall = recall(found, ctx.truth[1][:nfq])


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


def run_faiss(ctx: Ctx) -> Result:
    params = dataclasses.replace(
        FaissParams.from_settings(IndexSettings()), ef_construction=ctx.args.ef_construction
    )
    index = FaissIndex(dim=ctx.data.dim, model_id="bench", params=params)
    res = Result(f"FAISS {'HNSW' if ctx.data.n >= params.exact_below else 'flat'}")
    before = rss()
    res.build_s, stopped = build(index, ctx, ctx.args.build_budget_s)
    if stopped:
        res.note, res.build_s = stopped, None
        return res
    res.backend = f"FAISS {index.index_type} (M={params.hnsw_m}, efC={params.ef_construction})"
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
        ctx.sweep.append(
            [str(ef), f"{recall(found, ctx.truth[0]):.3f}", f"{p50:.2f}", f"{p99:.2f}"]
        )
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
                [case.label, f"{kept:,}", route + mark, f"{recall(found, truth[:nq]):.3f}",
                 f"{p50:.2f}", f"{p99:.2f}"]
            )  # fmt: skip
    index.params = default


def compare_omp(ctx: Ctx, index: FaissIndex, nq: int) -> None:
    """Single-query latency with one OpenMP thread per search vs all cores."""
    default = index.params
    for threads in (1, os.cpu_count() or 1):
        index.params = dataclasses.replace(default, search_threads=threads)
        _, p50, p99 = run_queries(functools.partial(index.search, limit=K), ctx.xq[:nq])
        row = [index.index_type, str(threads), f"{p50:.3f}", f"{p99:.3f}"]
        ctx.omp.append(row + (["◀ default"] if threads == default.search_threads else [""]))
    index.params = default


def run_qdrant(ctx: Ctx) -> Result:
    from index.qdrant_index import QdrantIndex

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


def measure_unfiltered(ctx: Ctx, res: Result, index: VectorIndex, nq: int) -> None:
    found, res.p50, res.p99 = run_queries(lambda q: index.search(q, K), ctx.xq[:nq])
    res.recall = recall(found, ctx.truth[0][:nq])


# --- other FAISS index types, for the record ------------------------------------------


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
    dummy = Payload(0, 0, "image", "", "", True, 0.0, 0, 0.0, 0.0)
    return [Hit(int(i), 0.0, dummy) for i in ids[0] if i >= 0]


# --- report ---------------------------------------------------------------------------


def table(title: str, headers: list[str], rows: Rows) -> None:
    print(f"\n**{title}**\n")
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("---" for _ in headers) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def report(ctx: Ctx, results: list[Result], variants: Rows) -> None:
    d = ctx.data
    print(f"\n### {d.name} set, n = {d.n:,}, d = {d.dim}\n")
    exact = next((r for r in results if r.backend.startswith("exact")), None)
    rows = []
    for r in results:
        speedup = None if exact is None or not (r.p50 and exact.p50) else exact.p50 / r.p50
        rows.append(
            [r.backend, fmt(r.build_s, ".1f"), fmt(r.bytes_per_vec, ".0f"),
             fmt(r.rss_per_vec, ".0f"), fmt(r.recall, ".3f"), fmt(r.p50, ".2f"),
             fmt(r.p99, ".2f"), fmt(speedup, ".1f"), fmt(r.f_recall, ".3f"),
             fmt(r.f_p50, ".2f"), r.note]
        )  # fmt: skip
    table(
        "Backends (recall@10 against exact; latency of one query, in ms)",
        ["backend", "build s", "index B/vec", "RSS B/vec", "recall@10", "p50", "p99",
         "× faster than exact", "1 % filter recall@10", "1 % filter p50", "note"],
        rows,
    )  # fmt: skip
    if ctx.sweep:
        table("HNSW efSearch sweep (FaissIndex, unfiltered)",
              ["efSearch", "recall@10", "p50 ms", "p99 ms"], ctx.sweep)  # fmt: skip
    if ctx.routing:
        headers = ["filter", "kept", "route", "recall@10", "p50 ms", "p99 ms"]
        table("Filtered search: exact over the mask vs HNSW with a selector", headers, ctx.routing)
    if ctx.omp:
        table("FAISS OpenMP threads during single-query search (unfiltered)",
              ["index", "threads", "p50 ms", "p99 ms", ""], ctx.omp)  # fmt: skip
    if variants:
        table("Other FAISS types (raw index, no wrapper)",
              ["type", "knob", "build s", "index B/vec", "recall@10", "p50 ms", "p99 ms"],
              variants)  # fmt: skip


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
    p.add_argument("--ef-construction", type=int, default=IndexSettings().hnsw_ef_construction)
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
