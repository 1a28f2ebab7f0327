"""The markdown tables bench_index.py prints."""

from __future__ import annotations

from index_bench.data import Rows
from index_bench.measure import Ctx, Result


def fmt(v: float | None, spec: str) -> str:
    return "–" if v is None else format(v, spec)


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
              ["storage", "efSearch", "recall@10", "p50 ms", "p99 ms"], ctx.sweep)  # fmt: skip
    if ctx.routing:
        headers = ["storage", "filter", "kept", "route", "recall@10", "p50 ms", "p99 ms"]
        table("Filtered search: exact over the mask vs HNSW with a selector", headers, ctx.routing)
    if ctx.omp:
        table("FAISS OpenMP threads during single-query search (unfiltered)",
              ["index", "threads", "p50 ms", "p99 ms", ""], ctx.omp)  # fmt: skip
    if variants:
        table("Other FAISS types (raw index, no wrapper)",
              ["type", "knob", "build s", "index B/vec", "recall@10", "p50 ms", "p99 ms"],
              variants)  # fmt: skip
