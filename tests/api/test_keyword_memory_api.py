"""Text search with keywords ranked from memory gives FTS5's own results, over HTTP."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sesame.runtime.web import create_app
from tests.api.conftest import api_settings
from tests.conftest import serving


@pytest.fixture(scope="module")
def fts5_client(
    ingested_data_dir: Path, tiny_clip_checkpoint: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """The same catalog with keywords ranked by FTS5 itself, not the in-memory index."""
    data = tmp_path_factory.mktemp("fts5-keywords") / "data"
    shutil.copytree(ingested_data_dir, data)
    settings = api_settings(data, tiny_clip_checkpoint, search={"keyword_memory": False})
    with serving(create_app(settings)) as c:
        yield c


def test_keywords_from_memory_give_fts5s_own_results(
    client: TestClient, fts5_client: TestClient
) -> None:
    search = client.app.state.services.search  # type: ignore[attr-defined]
    deadline = time.monotonic() + 60
    while not search.keywords_in_memory and time.monotonic() < deadline:
        time.sleep(0.1)  # built in the background after start-up
    assert search.keywords_in_memory
    assert not fts5_client.app.state.services.search.keywords_in_memory  # type: ignore[attr-defined]
    for query in ("red mug", "striped ceramic bowls", "chair legs", "zzz unknown"):
        for filters in ({}, {"countries": ["CN"]}):
            body = {"query": query, "min_score": -1, "limit": 50, "filters": filters}
            ours, theirs = (c.post("/v1/search/text", json=body).json()
                            for c in (client, fts5_client))  # fmt: skip
            assert _ids(ours) == _ids(theirs)


def _ids(body: Any) -> list[str]:
    return [p["id"] for group in body["results"] for p in group["products"]]
