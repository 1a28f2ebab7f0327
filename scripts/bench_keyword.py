"""The keyword side of text search: SQLite FTS5's bm25 against the in-memory index, one run.

Opens `scripts/bench_api.py`'s catalog (built when missing), builds the in-memory keyword
index (``sesame.catalog.keyword_memory``) and times both paths on the API benchmark's
queries, each made unique by a number as there. It checks that both return the same 400
products with the same scores for every query, and prints the build time and the memory
the index takes.

    python scripts/bench_keyword.py --queries 200
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench_api import QUERIES, bench_catalog
from sqlalchemy.orm import Session

from sesame.catalog.db import make_engine, make_session_factory, migrate
from sesame.catalog.keyword import keyword_search
from sesame.catalog.keyword_memory import KeywordMemory

POOL = 400  # the candidate pool text search asks the keyword side for


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--data", type=Path, default=Path(".cache/bench-api"))
    args = parser.parse_args()
    data, _ = bench_catalog(args.data, args.products)
    engine = make_engine(f"sqlite:///{data / 'sesame.db'}")
    migrate(engine)  # the keyword log (0008), as `sesame serve` would
    sessions = make_session_factory(engine)
    memory = KeywordMemory(sessions)
    before = rss_mb()
    started = time.perf_counter()
    memory.load()
    print(f"in-memory keyword index: built in {time.perf_counter() - started:.1f} s, "
          f"{rss_mb() - before:.0f} MB of RSS, {args.products} products")  # fmt: skip
    queries = [f"{QUERIES[i % len(QUERIES)]} {i}" for i in range(args.queries)]
    with sessions() as session:
        for query in queries:  # the same products, the same figures
            fts5 = keyword_search(session, query, limit=POOL)
            fast = keyword_search(session, query, limit=POOL, memory=memory)
            if [score for _, score in fts5] != [score for _, score in fast]:
                raise SystemExit(f"{query!r}: the scores differ")
            cut = fts5[-1][1]  # ties at the last place may be any of the tied products
            if {p for p, s in fts5 if s > cut} != {p for p, s in fast if s > cut}:
                raise SystemExit(f"{query!r}: the products differ")
        print(f"{len(queries)} queries: the same {POOL} products and scores on both paths")
        print("| keyword side, 400 best | p50 ms | p99 ms |")
        print("| --- | --- | --- |")
        figures = {}
        for name, use in (("SQLite FTS5 bm25", None), ("in-memory index", memory)):
            figures[name] = per_query(session, queries, use)
            print(f"| {name} | {figures[name][0]:.2f} | {figures[name][1]:.2f} |")
        ratio = figures["SQLite FTS5 bm25"][0] / figures["in-memory index"][0]
        print(f"p50 ratio: {ratio:.1f}x")


def per_query(
    session: Session, queries: list[str], memory: KeywordMemory | None
) -> tuple[float, float]:
    spent = []
    for query in queries:
        started = time.perf_counter()
        keyword_search(session, query, limit=POOL, memory=memory)
        spent.append((time.perf_counter() - started) * 1000)
    spent.sort()
    return statistics.median(spent), spent[max(0, int(len(spent) * 0.99) - 1)]


if __name__ == "__main__":
    main()
