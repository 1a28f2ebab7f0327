"""An API over the ingested demo catalog and the tiny model, shared by the API tests."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sesame.runtime.startup import open_runtime
from sesame.runtime.web import create_app
from sesame.settings import Settings, ShopSettings
from tests.api.chat_world import World, bearer, install, staff_token
from tests.api.shop_world import Shop, shop_of
from tests.conftest import TINY_MODEL, serving


def api_settings(data_dir: Path, checkpoint: Path, **overrides: object) -> Settings:
    """The tiny model; packages installed during a test are seen at once (no reload throttle)."""
    values: dict[str, object] = {
        "data_dir": data_dir,
        "embeddings": {"model": TINY_MODEL, "pretrained": str(checkpoint)},
        "api": {"executor_threads": 2},
        "translation": {"reload_interval_s": 0},
        "limits": {"enabled": False},  # the tests that need rate limits turn them on
    }
    return Settings(**(values | overrides))  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def ingested_data_dir(
    tmp_path_factory: pytest.TempPathFactory, demo_catalog: Path, tiny_clip_checkpoint: Path
) -> Path:
    """A data dir holding the demo catalog, ingested once for all API tests."""
    data_dir = tmp_path_factory.mktemp("api-data")
    runtime = open_runtime(api_settings(data_dir, tiny_clip_checkpoint))
    try:
        report = runtime.ingestor().run(demo_catalog)
    finally:
        runtime.close()
    assert not report.errors, report.errors
    return data_dir


@pytest.fixture(scope="session")
def client(ingested_data_dir: Path, tiny_clip_checkpoint: Path) -> Iterator[TestClient]:
    app = create_app(api_settings(ingested_data_dir, tiny_clip_checkpoint))
    with serving(app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def catalog_products(demo_catalog: Path) -> dict[str, dict[str, object]]:
    lines = (demo_catalog / "products.jsonl").read_text().splitlines()
    return {row["id"]: row for row in map(json.loads, lines)}


@pytest.fixture(scope="session")
def catalog_suppliers(demo_catalog: Path) -> dict[str, dict[str, object]]:
    lines = (demo_catalog / "suppliers.jsonl").read_text().splitlines()
    return {row["id"]: row for row in map(json.loads, lines)}


@contextmanager
def world_of(
    ingested_data_dir: Path,
    checkpoint: Path,
    packages: dict[str, Path],
    tmp_path: Path,
    **overrides: object,
) -> Iterator[World]:
    """A server with the tiny Argos packages, two buyers, and staff of two suppliers."""
    data = tmp_path / "data"
    shutil.copytree(ingested_data_dir, data)
    settings = api_settings(data, checkpoint, **overrides)
    install(settings, packages, "es-en", "en-es", "zh-en", "en-zh")
    with serving(create_app(settings)) as client:
        supplier = client.post("/v1/search/text", json={"query": "mug"}).json()["results"][0][
            "supplier"
        ]["id"]
        other = client.post("/v1/search/text", json={"query": "chair"}).json()["results"]
        other_supplier = next(
            group["supplier"]["id"] for group in other if group["supplier"]["id"] != supplier
        )
        buyer = client.post("/v1/accounts", json={"name": "Ana", "language": "es"}).json()
        other_buyer = client.post("/v1/accounts", json={"name": "Bob", "language": "en"}).json()
        yield World(
            client=client,
            settings=settings,
            buyer=bearer(buyer["token"]),
            staff=bearer(staff_token(settings, supplier, "zh")),
            other_buyer=bearer(other_buyer["token"]),
            other_staff=bearer(staff_token(settings, other_supplier, "zh")),
            supplier=supplier,
            other_supplier=other_supplier,
        )


@pytest.fixture
def world(
    ingested_data_dir: Path,
    tiny_clip_checkpoint: Path,
    tiny_packages: dict[str, Path],
    tmp_path: Path,
) -> Iterator[World]:
    with world_of(ingested_data_dir, tiny_clip_checkpoint, tiny_packages, tmp_path) as built:
        yield built


@pytest.fixture
def shop(ingested_data_dir: Path, tiny_clip_checkpoint: Path, tmp_path: Path) -> Iterator[Shop]:
    data = tmp_path / "data"
    shutil.copytree(ingested_data_dir, data)
    settings = api_settings(data, tiny_clip_checkpoint, shop=ShopSettings(poll_s=0.2))
    with shop_of(settings) as built:
        yield built
