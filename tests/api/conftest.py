"""An API over the ingested demo catalog and the tiny model, shared by the API tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from sesame.runtime import Runtime
from sesame.settings import Settings
from tests.conftest import TINY_MODEL


def api_settings(data_dir: Path, checkpoint: Path, **overrides: object) -> Settings:
    return Settings(
        data_dir=data_dir,
        embeddings={"model": TINY_MODEL, "pretrained": str(checkpoint)},
        api={"executor_threads": 2},
        **overrides,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="session")
def ingested_data_dir(
    tmp_path_factory: pytest.TempPathFactory, demo_catalog: Path, tiny_clip_checkpoint: Path
) -> Path:
    """A data dir holding the demo catalog, ingested once for all API tests."""
    data_dir = tmp_path_factory.mktemp("api-data")
    runtime = Runtime.open(api_settings(data_dir, tiny_clip_checkpoint))
    try:
        report = runtime.ingestor().run(demo_catalog)
    finally:
        runtime.close()
    assert not report.errors, report.errors
    return data_dir


@pytest.fixture(scope="session")
def client(ingested_data_dir: Path, tiny_clip_checkpoint: Path) -> Iterator[TestClient]:
    app = create_app(api_settings(ingested_data_dir, tiny_clip_checkpoint))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def catalog_products(demo_catalog: Path) -> dict[str, dict[str, object]]:
    lines = (demo_catalog / "products.jsonl").read_text().splitlines()
    return {row["id"]: row for row in map(json.loads, lines)}


@pytest.fixture(scope="session")
def catalog_suppliers(demo_catalog: Path) -> dict[str, dict[str, object]]:
    lines = (demo_catalog / "suppliers.jsonl").read_text().splitlines()
    return {row["id"]: row for row in map(json.loads, lines)}
