"""Self-service across real server processes, on SQLite (WAL) and PostgreSQL: a write
to one process is searchable on another within 5 s, a delete is gone at once, and
indexing jobs pending when a server is killed with SIGKILL are all done exactly once."""

from __future__ import annotations

import shutil
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select

from sesame.catalog.models import Embedding, IndexJob, Product
from sesame.runtime.startup import open_runtime
from sesame.settings import Settings
from tests.api.shop_world import jpeg, photo_of, product_body
from tests.conftest import TINY_MODEL, postgres_url, reset_postgres
from tests.processes import Server, tiny_server_env


@dataclass
class Market:
    env: dict[str, str]
    settings: Settings


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def market(
    request: pytest.FixtureRequest, tmp_path: Path, tiny_clip_checkpoint: Path,
    ingested_data_dir: Path, small_catalog: Path,
) -> Market:  # fmt: skip
    """A catalog already searchable, in a data folder the servers share (photos, uploads)."""
    data = tmp_path / "data"
    env = tiny_server_env(data, tiny_clip_checkpoint, SHOP__POLL_S="0.3", SHOP__LEASE_S="3")
    settings = Settings(
        data_dir=data, embeddings={"model": TINY_MODEL, "pretrained": str(tiny_clip_checkpoint)}
    )
    if request.param == "sqlite":
        shutil.copytree(ingested_data_dir, data)
    else:
        url = postgres_url()
        reset_postgres(url)
        env["SESAME_DATABASE__URL"] = url
        settings = settings.model_copy(update={"database": settings.database.model_copy(
            update={"url": url})})  # fmt: skip
        runtime = open_runtime(settings)
        try:
            runtime.ingestor().run(small_catalog)
        finally:
            runtime.close()
    return Market(env, settings)


@pytest.fixture
def servers(market: Market) -> Iterator[list[Server]]:
    started: list[Server] = []
    try:
        started += [Server(market.env), Server(market.env)]
        yield started
    finally:
        for server in started:
            server.stop()


def call(server: Server, method: str, path: str, token: str | None = None,
         **kwargs: Any) -> httpx.Response:  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.request(method, server.url + path, headers=headers, timeout=60, **kwargs)


def seller(server: Server) -> tuple[str, str]:
    """A company that signs up and opens its shop; returns its token and supplier id."""
    signed = call(server, "POST", "/v1/accounts", json={"name": "Wei", "language": "zh"})
    token = signed.json()["token"]
    shop = call(server, "POST", "/v1/suppliers", token,
                json={"name": "Foshan Gates", "country": "CN"})  # fmt: skip
    assert shop.status_code == 201, shop.text
    return token, str(shop.json()["id"])


def photo_ids(server: Server, photo: Image.Image) -> list[str]:
    copy = jpeg(photo.resize((224, 224)), quality=55)
    found = call(server, "POST", "/v1/search/image", files={"image": ("q.jpg", copy)})
    assert found.status_code == 200, found.text
    return [p["id"] for group in found.json()["results"] for p in group["products"]]


def test_a_write_to_one_process_is_found_on_another_and_a_delete_is_gone_at_once(
    servers: list[Server],
) -> None:
    writer, reader = servers
    token, supplier = seller(writer)
    made = call(writer, "POST", f"/v1/suppliers/{supplier}/products", token, json=product_body())
    assert made.status_code == 201, made.text
    product = made.json()["id"]
    photo = photo_of("table", 77, colour="brown", pattern="striped")
    added = call(writer, "POST", f"/v1/products/{product}/images", token,
                 files={"image": ("t.jpg", jpeg(photo, 95))})  # fmt: skip
    assert added.status_code == 201, added.text
    time.sleep(5.0)  # the acceptance: a search issued 5 s after the upload returned
    assert photo_ids(reader, photo)[0] == product
    assert call(reader, "GET", f"/v1/products/{product}").json()["status"] == "indexed"
    assert call(writer, "DELETE", f"/v1/products/{product}", token).status_code == 204
    assert product not in photo_ids(reader, photo)  # the very next search, on the other one
    assert call(reader, "GET", f"/v1/products/{product}").status_code == 404


def test_jobs_pending_at_a_kill_are_all_done_exactly_once_after_restart(market: Market) -> None:
    # A worker that waits long between polls: the jobs are still queued at the kill.
    first = Server(market.env | {"SESAME_SHOP__POLL_S": "60"})
    products = []
    try:
        token, supplier = seller(first)
        for n in range(8):
            made = call(first, "POST", f"/v1/suppliers/{supplier}/products", token,
                        json=product_body(f"Gate hinge {n}"))  # fmt: skip
            products.append(made.json()["id"])
            photo = jpeg(photo_of("clock", n, colour="orange"))
            added = call(first, "POST", f"/v1/products/{products[-1]}/images", token,
                         files={"image": ("c.jpg", photo)})  # fmt: skip
            assert added.status_code == 201, added.text
    finally:
        first.stop(signal.SIGKILL)
    assert waiting_jobs(market.settings) == len(products)
    second = Server(market.env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(
            call(second, "GET", f"/v1/products/{p}").json()["status"] != "indexed" for p in products
        ):
            time.sleep(0.3)
    finally:
        second.stop()
    assert_indexed_once(market.settings, products)


def assert_indexed_once(settings: Settings, products: list[str]) -> None:
    """Each product indexed, each vector stored once and held once by the index."""
    runtime = open_runtime(settings)
    try:
        with runtime.session() as session:
            rows = session.execute(
                select(Product.external_id, Product.status, func.count(Embedding.id))
                .join(Embedding, Embedding.product_id == Product.id)
                .where(Product.external_id.in_(products))
                .group_by(Product.external_id, Product.status)
            ).all()
            stored = set(session.scalars(select(Embedding.id)))
            left = session.scalar(select(func.count(IndexJob.id)).where(IndexJob.state != "done"))
        # each product: one photo vector and one text vector, not two of either
        assert sorted(rows) == sorted((p, "indexed", 2) for p in products)
        assert left == 0
        assert runtime.index().ids() == stored  # the index holds each vector once
    finally:
        runtime.close()


def waiting_jobs(settings: Settings) -> int:
    runtime = open_runtime(settings)
    try:
        with runtime.session() as session:
            return int(session.scalar(
                select(func.count(IndexJob.id)).where(IndexJob.state == "queued")
            ) or 0)  # fmt: skip
    finally:
        runtime.close()
