"""An indexing job that read a product before a change does not report the stale state.

A supplier adds a photo while a worker is embedding the product's previous version: the
worker must not mark the product ``indexed`` (a buyer would then search for the photo and
not find it), and the newer job must index the photo.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sesame.accounts.tokens import Principal
from sesame.catalog import jobs
from sesame.catalog.db import session_scope
from sesame.catalog.models import Embedding, IndexJob, Product
from sesame.ingest.worker import _Loaded
from sesame.runtime.runtime import Runtime
from sesame.runtime.startup import open_runtime
from tests.api.conftest import api_settings
from tests.api.shop_world import jpeg, photo_of


@pytest.fixture
def runtime(ingested_data_dir: Path, tiny_clip_checkpoint: Path, tmp_path: Path
            ) -> Iterator[Runtime]:  # fmt: skip
    """A runtime over a copy of the ingested demo catalog."""
    data = tmp_path / "data"
    shutil.copytree(ingested_data_dir, data)
    opened = open_runtime(api_settings(data, tiny_clip_checkpoint))
    try:
        yield opened
    finally:
        opened.close()


def queue_first_product(runtime: Runtime) -> tuple[int, str, int]:
    """An indexing job for the first product; its row id, external id and supplier."""
    with runtime.session() as session:
        product = session.scalars(select(Product).order_by(Product.id).limit(1)).one()
        row, external, owner = product.id, product.external_id, product.supplier_id
    with session_scope(runtime.session) as session:
        jobs.enqueue(session, "product", row)
    return row, external, owner


def test_a_job_that_read_the_product_before_a_new_photo_leaves_it_to_the_newer_job(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    row, external, owner = queue_first_product(runtime)
    seller = Principal(account_id=1, kind="supplier", language="en", supplier_id=owner,
                       name="Wei")  # fmt: skip
    photo = jpeg(photo_of("table", 99, colour="purple", pattern="dotted"), 95)
    worker = runtime.index_worker()
    read = worker._load
    added: list[str] = []

    def read_then_change(product_id: int) -> _Loaded | None:
        loaded = read(product_id)  # the worker has the old version in hand...
        if not added:  # ...when the supplier adds a photo
            added.append(runtime.products.add_image(seller, external, photo).sha256)
        return loaded

    monkeypatch.setattr(worker, "_load", read_then_change)

    assert worker.run_once() == 1
    # Not "indexed": the photo is not searchable yet, and the newer job is queued.
    assert state(runtime, row, added[0]) == ("pending", 0, 1)
    assert worker.run_once() == 1
    assert state(runtime, row, added[0]) == ("indexed", 1, 0)


def test_a_job_superseded_before_it_starts_reads_and_encodes_nothing(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    row, _, _ = queue_first_product(runtime)
    claim = jobs.claim

    def claim_then_change(session: Session, *args: Any, **kwargs: Any) -> list[jobs.Claimed]:
        claimed = claim(session, *args, **kwargs)
        jobs.enqueue(session, "product", row)  # the product changes before the work starts
        return claimed

    worker = runtime.index_worker()
    read, loads = worker._load, []
    monkeypatch.setattr(worker, "_load", lambda pid: loads.append(pid) or read(pid))
    monkeypatch.setattr(jobs, "claim", claim_then_change)
    assert worker.run_once() == 1
    assert loads == []  # nothing read, decoded or encoded for the stale job...
    assert queued(runtime, row) == 1  # ...which is done, and the newer one waits
    monkeypatch.setattr(jobs, "claim", claim)
    assert worker.run_once() == 1
    assert loads == [row]
    assert queued(runtime, row) == 0
    with runtime.session() as session:
        assert session.get_one(Product, row).status == "indexed"


def state(runtime: Runtime, row: int, sha: str) -> tuple[str, int, int]:
    """The product's status, its vectors for the photo, and its queued jobs."""
    with runtime.session() as session:
        status = session.get_one(Product, row).status
        photo = Embedding.product_id == row, Embedding.source_key == f"image:{sha}"
        vectors = session.scalar(select(func.count()).where(*photo))
        queued = IndexJob.target_id == row, IndexJob.state == "queued"
        waiting = session.scalar(select(func.count()).where(*queued))
    return status, vectors or 0, waiting or 0


def queued(runtime: Runtime, row: int) -> int:
    with runtime.session() as session:
        waiting = IndexJob.target_id == row, IndexJob.state == "queued"
        return session.scalar(select(func.count()).where(*waiting)) or 0
