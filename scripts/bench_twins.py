""" "Also offered by" on a photo search page: the twin searches, old paths and new, in one run.

Loads the index of `scripts/bench_api.py`'s catalog (built when missing), adds near-duplicates
(1-3 vectors at cosine 0.96-0.99, from other suppliers) of every fourth photo, in memory only,
and times the twin lookup for pages of 20 photos along four paths:
- a search filtered to image vectors, then every one of the 50 hits decoded (the first path);
- unfiltered, with the twin threshold as a score floor, at the index's beam (efSearch 128);
- the same with a beam of 50, as wide as the hits looked at;
- a first look 16 wide, and 50 wide again only for a photo whose 16 hits are all twins
  (the path in use).
Each path's twin recall is the share of the added near-duplicates it finds; the script stops
if the path in use misses one.

    python scripts/bench_twins.py --pages 100
"""

from __future__ import annotations

import argparse
import dataclasses
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from bench_api import bench_catalog

from sesame.core.filters import Payload
from sesame.embeddings.weights import resolve_weights
from sesame.index.base import Hit, VectorIndex
from sesame.index.factory import open_index
from sesame.index.faiss_index import FaissIndex
from sesame.search.offers import FIRST_LOOK, NEIGHBOURS, twin_hits
from sesame.settings import SearchSettings

THRESHOLD = SearchSettings().duplicate_threshold  # the default twin threshold
PAGE = 20  # photos on a full page of results
NEW_IDS = 10**12  # ids of the near-duplicates, far above the catalog's


def twins(batches: list[list[Hit]]) -> list[set[int]]:
    return [{h.id for h in hits if h.payload.kind == "image" and h.score >= THRESHOLD}
            for hits in batches]  # fmt: skip


def add_near_duplicates(index: VectorIndex, photos: np.ndarray) -> list[set[int]]:
    """Near-duplicates of every fourth photo, each from its own new supplier; their ids."""
    rng = np.random.default_rng(0)
    added: list[set[int]] = [set() for _ in photos]
    ids: list[int] = []
    vectors: list[np.ndarray] = []
    payloads: list[Payload] = []
    for i in range(0, len(photos), 4):
        source = photos[i] / np.linalg.norm(photos[i])
        own = index.search(source.astype(np.float32), 1)[0].payload
        for j in range(int(rng.integers(1, 4))):
            cos = rng.uniform(0.96, 0.99)
            noise = rng.standard_normal(len(source))
            noise -= noise.dot(source) * source
            vectors.append(cos * source + np.sqrt(1 - cos**2) * noise / np.linalg.norm(noise))
            ids.append(NEW_IDS + len(ids))
            payloads.append(dataclasses.replace(own, product_id=ids[-1],
                                                supplier_id=NEW_IDS + j))  # fmt: skip
            added[i].add(ids[-1])
    index.upsert(ids, np.asarray(vectors, dtype=np.float32), payloads)
    return added


def timed_pages(
    index: VectorIndex,
    photos: np.ndarray,
    search: Callable[[VectorIndex, np.ndarray], list[list[Hit]]],
) -> tuple[list[float], list[set[int]]]:
    """Milliseconds per page, and each photo's twins."""
    times: list[float] = []
    found: list[set[int]] = []
    for start in range(0, len(photos), PAGE):
        began = time.perf_counter()
        batches = search(index, photos[start : start + PAGE])
        times.append((time.perf_counter() - began) * 1000)
        found += twins(batches)
    return times, found


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
    added = add_near_duplicates(index, photos)
    paths: dict[str, Callable[[VectorIndex, np.ndarray], list[list[Hit]]]] = {
        "filtered to image vectors": lambda ix, q: ix.search_many(q, NEIGHBOURS, kind="image"),
        f"score floor, beam {index.ef_search}": lambda ix, q: ix.search_many(
            q, NEIGHBOURS, min_score=THRESHOLD
        ),
        f"score floor, beam {NEIGHBOURS}": lambda ix, q: ix.search_many(
            q, NEIGHBOURS, min_score=THRESHOLD, beam=NEIGHBOURS
        ),
        f"first look {FIRST_LOOK} wide, {NEIGHBOURS} if full (in use)": lambda ix, q: twin_hits(
            ix, q, THRESHOLD
        ),
    }
    print(f"{index.count()} vectors ({index.index_type}, {index.storage}), pages of {PAGE} photos")
    print("| path | ms per page, p50 | twins found | twin recall |")
    print("| --- | --- | --- | --- |")
    recall = 0.0
    for name, search in paths.items():
        times, found = timed_pages(index, photos, search)
        hit = sum(len(want & got) for want, got in zip(added, found, strict=True))
        recall = hit / sum(map(len, added))
        print(f"| {name} | {statistics.median(times):.1f} | {sum(map(len, found))} "
              f"| {recall:.3f} |")  # fmt: skip
    if recall < 1.0:
        raise SystemExit("the path in use missed near-duplicates")


if __name__ == "__main__":
    main()
