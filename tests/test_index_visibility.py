"""A product read as ``indexed`` is already searchable: its vectors enter the index just
before its transaction commits, and leave again if that commit fails.

The database, the encoder and the FAISS index are the real ones; the seam is a spy
around the index that, at each upsert, reads the products' status from another session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from sesame.catalog.models import Product
from sesame.core.filters import Payload
from sesame.ingest.embedder import EmbedResult, IndexingEmbedder, Work, commit_batch
from sesame.runtime.runtime import Runtime
from sesame.runtime.startup import open_runtime
from sesame.settings import Settings


class StatusSpy:
    """The real index; notes which products given new vectors others could read as indexed."""

    def __init__(self, inner: Any, sessions: Callable[[], Session]) -> None:
        self._inner, self._sessions = inner, sessions
        self.upserted: list[int] = []
        self.seen_indexed: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def upsert(self, ids: Sequence[int], vectors: Any, payloads: Sequence[Payload]) -> None:
        held = self._inner.ids()  # payload refreshes re-send vectors it holds: not counted
        products = sorted(
            {p.product_id for i, p in zip(ids, payloads, strict=True) if i not in held}
        )
        with self._sessions() as session:
            statuses = session.execute(
                select(Product.id, Product.status).where(Product.id.in_(products))
            ).all()
        self.upserted += products
        self.seen_indexed += [pid for pid, status in statuses if status == "indexed"]
        self._inner.upsert(ids, vectors, payloads)


@pytest.fixture
def runtime(make_settings: Callable[..., Settings]) -> Iterator[Runtime]:
    opened = open_runtime(make_settings())
    yield opened
    opened.close()


def test_ingest_puts_vectors_in_the_index_before_anyone_reads_indexed(
    runtime: Runtime, small_catalog: Path
) -> None:
    spy = StatusSpy(runtime.index(), runtime.session)
    runtime.slots.index.set(spy)
    report = runtime.ingestor(batch_size=4).run(small_catalog)
    assert report.embeddings_added > 0
    assert spy.upserted
    assert spy.seen_indexed == []
    with runtime.session() as session:
        statuses = set(session.scalars(select(Product.status)))
    assert statuses == {"indexed"}


def test_a_failed_commit_takes_its_vectors_back_out_of_the_index(
    runtime: Runtime, small_catalog: Path
) -> None:
    runtime.ingestor(batch_size=8).run(small_catalog)
    index = StatusSpy(runtime.index(), runtime.session)
    before = index.ids()
    embedder = IndexingEmbedder(runtime.encoder(), index)
    with runtime.session() as session:
        product = session.scalars(select(Product).limit(1)).one()
        work = Work(product.external_id, product.id, {}, "a brand new description")
    encoded = embedder.encode(runtime.session, [work])
    assert encoded.rows  # the new text needs a vector

    def write(session: Session) -> EmbedResult:
        result = embedder.store(session, encoded, {work.external_id: product.id})
        assert not index.upserted  # nothing is published while the batch is written

        def refuse(_: Session) -> None:
            raise RuntimeError("the disk is full")

        event.listen(session, "before_commit", refuse)
        return result

    with pytest.raises(RuntimeError, match="disk is full"):
        commit_batch(runtime.session, embedder, write)
    assert index.upserted == [product.id]  # published just before the commit was refused
    assert index.ids() == before
    with runtime.session() as session:
        assert session.get(Product, product.id) is not None
