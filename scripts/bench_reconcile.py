"""First-start index build from the stored vectors: batch by batch into a live index (what
``reconcile_index`` does) against one bulk add of everything (built beside, then swapped
in), over the same vectors.

Uses the catalog database `scripts/bench_api.py` builds (one photo and one description
vector per product, 512-d):

    python scripts/bench_reconcile.py .cache/bench-api/100000
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from sqlalchemy import select

from sesame.catalog import repository as repo
from sesame.catalog.db import make_engine, make_session_factory
from sesame.catalog.models import Embedding
from sesame.index.faiss_index import FaissIndex


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="a data folder made by scripts/bench_api.py")
    args = parser.parse_args()
    sessions = make_session_factory(make_engine(f"sqlite:///{args.data / 'sesame.db'}"))
    with sessions() as session:
        model_id = session.scalars(select(Embedding.model_id).limit(1)).one()
        dim = len(repo.vector_from_bytes(session.scalars(select(Embedding.vector).limit(1)).one()))
    print(f"{args.data}: model {model_id}, dim {dim}")
    print("| path | vectors | seconds |")
    print("| --- | --- | --- |")
    old = FaissIndex(dim=dim, model_id=model_id)
    started = time.perf_counter()
    with sessions() as session:
        for ids, vectors, payloads in repo.iter_index_entries(session, model_id):
            old.upsert(ids, vectors, payloads)
    print(f"| batches of 2,048 into a live index (reconcile_index) | {old.count()} | "
          f"{time.perf_counter() - started:.1f} |", flush=True)  # fmt: skip
    new = FaissIndex(dim=dim, model_id=model_id)
    started = time.perf_counter()
    with sessions() as session:
        parts = list(repo.iter_index_entries(session, model_id))
    new.upsert([i for ids, _, _ in parts for i in ids],
               np.concatenate([vectors for _, vectors, _ in parts]),
               [p for _, _, payloads in parts for p in payloads])  # fmt: skip
    print(f"| one bulk add | {new.count()} | "
          f"{time.perf_counter() - started:.1f} |", flush=True)  # fmt: skip
    with sessions() as session:
        blobs = session.scalars(select(Embedding.vector).order_by(Embedding.id).limit(100))
        probe = np.stack([repo.vector_from_bytes(blob) for blob in blobs])
    same = np.mean([
        len({h.id for h in old.search(q, 10)} & {h.id for h in new.search(q, 10)}) / 10
        for q in probe
    ])  # fmt: skip
    print(f"top-10 overlap of the two indexes on 100 stored vectors: {same:.3f}")


if __name__ == "__main__":
    main()
