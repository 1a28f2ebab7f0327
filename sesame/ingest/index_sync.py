"""Keep the vector index (derived data) in step with the database (the truth)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from sesame.catalog import repository as repo
from sesame.index.base import VectorIndex

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SyncResult:
    added: int
    removed: int
    total: int


def reconcile_index(
    index: VectorIndex, factory: Callable[[], Session], model_id: str
) -> SyncResult:
    """Add stored vectors the index lacks and drop ids the database no longer has.

    Vectors come from the database, so nothing is re-encoded.
    """
    with factory() as session:
        stored = repo.embedding_ids(session, model_id)
        held = index.ids()
        extra = sorted(held - stored)
        missing = sorted(stored - held)
        if extra:
            index.delete(extra)
        for ids, vectors, payloads in repo.iter_index_entries(session, model_id, ids=missing):
            index.upsert(ids, vectors, payloads)
    if extra or missing:
        logger.info("Index reconciled: %d added, %d removed", len(missing), len(extra))
    return SyncResult(added=len(missing), removed=len(extra), total=index.count())


def rebuild_index(index: VectorIndex, factory: Callable[[], Session], model_id: str) -> int:
    """Empty the index and fill it again from the stored vectors; returns the count."""
    held = sorted(index.ids())
    if held:
        index.delete(held)
    return fill_index(index, factory, model_id)


def fill_index(index: VectorIndex, factory: Callable[[], Session], model_id: str) -> int:
    """Fill an empty index (built beside the live one) with every stored vector, and flush."""
    with factory() as session:
        for ids, vectors, payloads in repo.iter_index_entries(session, model_id):
            index.upsert(ids, vectors, payloads)
    index.flush()
    return index.count()
