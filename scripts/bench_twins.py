""" "Also offered by" on a photo search page: the twin searches, old path and new, in one run.

Loads the index of `scripts/bench_api.py`'s catalog (built when missing) and times the
twin lookup for pages of 20 photos: the old call (a search filtered to image vectors,
then every one of the 50 hits decoded) against the new one (unfiltered, with the twin
threshold as a score floor, so hits under it are never decoded). It checks that both find
the same twins for every photo (each photo finds at least its own vector).

    python scripts/bench_twins.py --pages 100
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from bench_api import bench_catalog

from sesame.embeddings.weights import resolve_weights
from sesame.index.base import Hit, VectorIndex
from sesame.index.factory import open_index
from sesame.index.faiss_index import FaissIndex
from sesame.search.offers import NEIGHBOURS
from sesame.settings import SearchSettings

THRESHOLD = SearchSettings().duplicate_threshold  # the default twin threshold
PAGE = 20  # photos on a full page of results


def twins(batches: list[list[Hit]]) -> list[set[int]]:
    return [{h.id for h in hits if h.payload.kind == "image" and h.score >= THRESHOLD}
            for hits in batches]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--data", type=Path, default=Path(".cache/bench-api"))
    args = parser.parse_args()
    data, ckpt = bench_catalog(args.data, args.products)
    model_id = resolve_weights("ViT-B-32", str(ckpt)).model_id
    index = open_index("faiss", dim=512, model_id=model_id, data_dir=data)
    assert isinstance(index, FaissIndex)
    with sqlite3.connect(data / "sesame.db") as db:
        rows = db.execute(
            "SELECT vector FROM embeddings WHERE kind = 'image' LIMIT ?", (args.pages * PAGE,)
        ).fetchall()
    photos = np.frombuffer(b"".join(r[0] for r in rows), dtype=np.float32).reshape(-1, 512)
    paths: dict[str, Callable[[VectorIndex, np.ndarray], list[list[Hit]]]] = {
        "old: filtered to image vectors": lambda ix, q: ix.search_many(q, NEIGHBOURS, kind="image"),
        "new: unfiltered, score floor": lambda ix, q: ix.search_many(
            q, NEIGHBOURS, min_score=THRESHOLD
        ),
    }
    print(f"{index.count()} vectors ({index.index_type}, {index.storage}), pages of {PAGE} photos")
    print("| path | ms per page, p50 | twins found |")
    print("| --- | --- | --- |")
    results: list[list[set[int]]] = []
    for name, search in paths.items():
        times, found = [], []
        for start in range(0, len(photos), PAGE):
            page = photos[start : start + PAGE]
            began = time.perf_counter()
            batches = search(index, page)
            times.append((time.perf_counter() - began) * 1000)
            found += twins(batches)
        results.append(found)
        print(f"| {name} | {statistics.median(times):.1f} | {sum(map(len, found))} |")
    same = sum(a == b for a, b in zip(*results, strict=True))
    print(f"same twins for {same} of {len(photos)} photos")
    if same != len(photos):
        raise SystemExit("the two paths found different twins")


if __name__ == "__main__":
    main()
