"""What one (dataset, size) run shares, and the timing and recall measurements."""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from index_bench.data import Dataset, K, Rows, filter_cases, payloads
from sesame.index.base import Hit, VectorIndex


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


def measure(ctx: Ctx, res: Result, index: VectorIndex, nq: int, nfq: int) -> None:
    xq = ctx.xq
    found, res.p50, res.p99 = run_queries(lambda q: index.search(q, K), xq[:nq])
    res.recall = recall(found, ctx.truth[0][:nq])
    case = ctx.cases[0]
    found, res.f_p50, _ = run_queries(lambda q: index.search(q, K, case.filters), xq[:nfq])
    res.f_recall = recall(found, ctx.truth[1][:nfq])


def measure_unfiltered(ctx: Ctx, res: Result, index: VectorIndex, nq: int) -> None:
    found, res.p50, res.p99 = run_queries(lambda q: index.search(q, K), ctx.xq[:nq])
    res.recall = recall(found, ctx.truth[0][:nq])
