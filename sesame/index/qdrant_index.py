"""Qdrant backend (the optional ``sesame[qdrant]`` extra): a server, or local mode.

Local mode (a path or ``":memory:"``) is qdrant-client's own brute-force engine:
fine for tests and small catalogs, slow beyond some tens of thousands of points.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from typing import Any

import numpy as np
from numpy.typing import NDArray
from qdrant_client import QdrantClient, models

from sesame.core.filters import (
    Condition,
    Filters,
    Op,
    Payload,
    ValueType,
    VectorKind,
    conditions_for,
    payload_types,
)
from sesame.index.base import Hit
from sesame.index.checks import check_batch, check_ids, check_queries, check_query

logger = logging.getLogger(__name__)

_BATCH = 512
_SCROLL_PAGE = 10_000
# The payload index a server needs for each value type of the contract.
_SCHEMA_TYPES = {
    ValueType.KEYWORD: models.PayloadSchemaType.KEYWORD,
    ValueType.FLAG: models.PayloadSchemaType.BOOL,
    ValueType.INTEGER: models.PayloadSchemaType.INTEGER,
    ValueType.DECIMAL: models.PayloadSchemaType.FLOAT,
}
_INDEXED_FIELDS = {name: _SCHEMA_TYPES[t] for name, t in payload_types().items()}


def collection_name(base: str, model_id: str, dim: int) -> str:
    """A collection per model, so vectors of two models never mix."""
    slug = re.sub(r"[^a-z0-9]+", "-", model_id.lower()).strip("-")[:40]
    digest = hashlib.sha256(model_id.encode()).hexdigest()[:8]
    return f"{base}-{slug}-{dim}-{digest}"


def to_qdrant_filter(conditions: list[Condition]) -> models.Filter | None:
    """Translate contract conditions into a Qdrant filter with the same semantics."""
    must: list[models.Condition] = [_condition(c) for c in conditions]
    return models.Filter(must=must) if must else None


def _condition(c: Condition) -> models.FieldCondition:
    match c.op:
        case Op.EQUALS:
            return models.FieldCondition(key=c.payload, match=models.MatchValue(value=c.value))
        case Op.ONE_OF:
            return models.FieldCondition(key=c.payload, match=models.MatchAny(any=sorted(c.value)))
        case Op.IS_TRUE:
            return models.FieldCondition(key=c.payload, match=models.MatchValue(value=True))
        case Op.AT_LEAST:
            return models.FieldCondition(key=c.payload, range=models.Range(gte=c.value))
        case Op.AT_MOST:
            return models.FieldCondition(key=c.payload, range=models.Range(lte=c.value))
        case _:
            raise ValueError(f"The Qdrant backend cannot apply {c.op!r} to {c.payload!r}.")


_COERCE: dict[ValueType, Any] = {
    ValueType.KEYWORD: str,
    ValueType.FLAG: bool,
    ValueType.INTEGER: int,
    ValueType.DECIMAL: float,
}


def _payload(raw: dict[str, Any] | None) -> Payload:
    if raw is None:
        raise ValueError("Qdrant returned a point without its payload.")
    values = {name: _coerce(t, raw.get(name)) for name, t in payload_types().items()}
    return Payload(product_id=int(raw["product_id"]), supplier_id=int(raw["supplier_id"]), **values)


def _coerce(value_type: ValueType, value: Any) -> Any:
    return None if value is None else _COERCE[value_type](value)


class QdrantIndex:
    """A ``VectorIndex`` over one Qdrant collection (cosine distance)."""

    def __init__(self, client: QdrantClient, *, collection: str, dim: int, server: bool) -> None:
        self.dim = dim
        self.collection = collection
        self._client = client
        # Local mode is not made for concurrent calls; a server client is.
        self._lock: threading.Lock | None = None if server else threading.Lock()
        self._ensure_collection(index_payload=server)

    @classmethod
    def connect(
        cls,
        *,
        dim: int,
        model_id: str,
        collection: str,
        url: str | None = None,
        api_key: str | None = None,
        path: str | None = None,
    ) -> QdrantIndex:
        """A server when ``url`` is set, else local mode at ``path`` (or ``":memory:"``)."""
        if url and path:
            raise ValueError("Give Qdrant either a server url or a local path, not both.")
        if url:
            client = QdrantClient(url=url, api_key=api_key)
        elif path is None or path == ":memory:":
            client = QdrantClient(location=":memory:")
        else:
            client = QdrantClient(path=path)
        name = collection_name(collection, model_id, dim)
        return cls(client, collection=name, dim=dim, server=bool(url))

    # -- VectorIndex ---------------------------------------------------------------

    def upsert(
        self, ids: Sequence[int], vectors: NDArray[np.float32], payloads: Sequence[Payload]
    ) -> None:
        """Add or replace points, in batches."""
        id_arr, vecs = check_batch(ids, vectors, payloads, self.dim)
        for start in range(0, len(id_arr), _BATCH):
            end = start + _BATCH
            batch = models.Batch(
                ids=id_arr[start:end].tolist(),
                vectors=vecs[start:end].tolist(),
                payloads=[asdict(p) for p in payloads[start:end]],
            )
            with self._guard():
                self._client.upsert(self.collection, points=batch, wait=True)

    def delete(self, ids: Sequence[int]) -> None:
        """Remove points by id; unknown ids are ignored."""
        id_arr = check_ids(ids)
        if not len(id_arr):
            return
        selector = models.PointIdsList(points=id_arr.tolist())
        with self._guard():
            self._client.delete(self.collection, points_selector=selector, wait=True)

    def search(
        self,
        vector: NDArray[np.float32],
        limit: int,
        filters: Filters | None = None,
        *,
        kind: VectorKind | None = None,
    ) -> list[Hit]:
        """The ``min(limit, matching)`` best hits, by score desc then id asc."""
        return _hits(self._query(vector, limit, filters, kind, with_payload=True))

    def best_products(
        self,
        vector: NDArray[np.float32],
        limit: int,
        filters: Filters | None = None,
        *,
        kind: VectorKind | None = None,
    ) -> dict[int, float]:
        """Product id -> its best score among ``search``'s hits; only ``product_id`` is sent."""
        best: dict[int, float] = {}
        for point in self._query(vector, limit, filters, kind, with_payload=["product_id"]):
            product, score = int((point.payload or {})["product_id"]), float(point.score)
            best[product] = max(score, best.get(product, score))
        return best

    def _query(self, vector: NDArray[np.float32], limit: int, filters: Filters | None,
               kind: VectorKind | None, *, with_payload: bool | list[str]
               ) -> list[models.ScoredPoint]:  # fmt: skip
        """One query's points, with as much of their payloads as asked for."""
        q = check_query(vector, self.dim, limit)
        query_filter = to_qdrant_filter(conditions_for(filters, kind))
        with self._guard():
            return self._client.query_points(
                self.collection, query=q[0].tolist(), limit=limit, query_filter=query_filter,
                with_payload=with_payload,
            ).points  # fmt: skip

    def search_many(
        self,
        vectors: NDArray[np.float32],
        limit: int,
        filters: Filters | None = None,
        *,
        kind: VectorKind | None = None,
        min_score: float | None = None,
        beam: int | None = None,
    ) -> list[list[Hit]]:
        """``search`` for each row, as one batch request."""
        q = check_queries(vectors, self.dim, limit)
        if not len(q):
            return []
        query_filter = to_qdrant_filter(conditions_for(filters, kind))
        # Qdrant keeps only scores above its threshold; a hit exactly at the floor stays.
        below = None if min_score is None else float(np.nextafter(np.float32(min_score), -1))
        server = self._lock is None  # local mode searches exactly: it has no beam to set
        params = models.SearchParams(hnsw_ef=max(beam, limit)) if beam and server else None
        requests = [
            models.QueryRequest(query=row.tolist(), limit=limit, filter=query_filter,
                                score_threshold=below, with_payload=True, params=params)
            for row in q
        ]  # fmt: skip
        with self._guard():
            answers = self._client.query_batch_points(self.collection, requests=requests)
        return [_hits(answer.points) for answer in answers]

    def count(self) -> int:
        with self._guard():
            return int(self._client.count(self.collection, exact=True).count)

    def ids(self) -> set[int]:
        """Every id, by scrolling the collection without payloads or vectors."""
        found: set[int] = set()
        offset: Any = None
        while True:
            with self._guard():
                records, offset = self._client.scroll(
                    self.collection,
                    limit=_SCROLL_PAGE,
                    offset=offset,
                    with_payload=False,
                    with_vectors=False,
                )
            found.update(int(r.id) for r in records)
            if offset is None:
                return found

    def flush(self) -> None:
        """Nothing to do: a server keeps a write-ahead log, local mode writes each call."""

    def close(self) -> None:
        with self._guard():
            self._client.close()

    # -- internals ----------------------------------------------------------------------

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        if self._lock is None:
            yield
            return
        with self._lock:
            yield

    def _ensure_collection(self, *, index_payload: bool) -> None:
        if self._client.collection_exists(self.collection):
            self._check_dim()
            return
        logger.info("Creating Qdrant collection %s (dim %d)", self.collection, self.dim)
        self._client.create_collection(
            self.collection,
            vectors_config=models.VectorParams(size=self.dim, distance=models.Distance.COSINE),
        )
        if index_payload:
            for key, schema in _INDEXED_FIELDS.items():
                self._client.create_payload_index(self.collection, key, field_schema=schema)

    def _check_dim(self) -> None:
        params = self._client.get_collection(self.collection).config.params.vectors
        size = params.size if isinstance(params, models.VectorParams) else None
        if size != self.dim:
            raise ValueError(
                f"Qdrant collection {self.collection!r} holds vectors of size {size}, "
                f"not {self.dim}; point SESAME_INDEX__COLLECTION at another collection."
            )


def _hits(points: Sequence[models.ScoredPoint]) -> list[Hit]:
    hits = [Hit(id=int(p.id), score=float(p.score), payload=_payload(p.payload)) for p in points]
    hits.sort(key=lambda h: (-h.score, h.id))
    return hits
