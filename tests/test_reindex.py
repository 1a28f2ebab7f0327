"""`sesame reindex`: a fresh index from the stored vectors, built beside the live file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sesame.catalog import repository as repo
from sesame.index.faiss_index import FILE_NAME, FaissIndex
from sesame.runtime import parts
from sesame.runtime.startup import open_runtime
from sesame.settings import Settings
from tests.conftest import ONNX_CACHE


@pytest.fixture
def ingested(
    small_catalog: Path, tmp_path: Path, make_settings: Callable[..., Settings]
) -> Settings:
    settings = make_settings()
    catalog = tmp_path / "catalog"
    shutil.copytree(small_catalog, catalog)
    runtime = open_runtime(settings)
    try:
        assert runtime.ingestor().run(catalog).errors == []
    finally:
        runtime.close()  # flushes the index file
    return settings


def stored_ids(settings: Settings) -> tuple[str, set[int], int]:
    database = parts.open_database(settings)
    encoder = parts.load_encoder(settings)
    try:
        with database.sessions() as session:
            return encoder.model_id, repo.embedding_ids(session, encoder.model_id), encoder.dim
    finally:
        database.close()


def test_reindex_replaces_a_stale_index_file_with_the_databases_vectors(ingested: Settings) -> None:
    model_id, ids, dim = stored_ids(ingested)
    folder = ingested.data_dir / "index"
    stale = FaissIndex(dim=dim, model_id=model_id, directory=folder)
    gone = sorted(ids)[:5]
    stale.delete(gone)  # drift: the file lacks vectors the database has
    stale.flush()
    (folder / ".rebuilding").mkdir()
    (folder / ".rebuilding" / FILE_NAME).write_bytes(b"left by a crashed rebuild")
    env = {
        "SESAME_DATA_DIR": str(ingested.data_dir),
        "SESAME_EMBEDDINGS__MODEL": ingested.embeddings.model,
        "SESAME_EMBEDDINGS__PRETRAINED": ingested.embeddings.pretrained,
        "SESAME_EMBEDDINGS__ONNX_DIR": str(ONNX_CACHE),
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run([sys.executable, "-m", "sesame", "reindex"], env=env, capture_output=True,
                          text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"Index rebuilt: {len(ids)} vectors" in done.stdout
    rebuilt = FaissIndex(dim=dim, model_id=model_id, directory=folder)
    assert rebuilt.ids() == ids
    assert not (folder / ".rebuilding").exists()


def test_a_failed_rebuild_leaves_the_live_file_whole(
    ingested: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = ingested.data_dir / "index" / FILE_NAME
    before = live.read_bytes()

    def broken(*_: object) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(parts, "fill_index", broken)
    database, encoder = parts.open_database(ingested), parts.load_encoder(ingested)
    try:
        with pytest.raises(OSError, match="disk full"):
            parts.rebuild_vector_index(ingested, encoder, database)
    finally:
        database.close()
    assert live.read_bytes() == before
