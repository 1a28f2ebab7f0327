"""Where the factory puts each backend, and what it refuses."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sesame.index.factory import open_index
from sesame.index.faiss_index import FILE_NAME, FaissIndex
from sesame.index.qdrant_index import QdrantIndex
from tests.index import make_payloads, unit_vectors

MODEL = "test-model"
DIM = 64


def test_the_factory_keeps_faiss_in_the_data_dirs_index_folder(tmp_path: Path) -> None:
    index = open_index("faiss", dim=DIM, model_id=MODEL, data_dir=tmp_path)
    assert isinstance(index, FaissIndex)
    index.upsert([7], unit_vectors(1, DIM, seed=0), make_payloads([7], seed=0))
    index.flush()
    assert (tmp_path / "index" / FILE_NAME).is_file()


def test_the_factory_opens_qdrant_local_mode_under_the_data_dir(tmp_path: Path) -> None:
    index = open_index("qdrant", dim=DIM, model_id=MODEL, data_dir=tmp_path)
    assert isinstance(index, QdrantIndex)
    index.upsert([7], unit_vectors(1, DIM, seed=0), make_payloads([7], seed=0))
    assert index.count() == 1
    index.close()
    assert (tmp_path / "qdrant").is_dir()


def test_two_models_never_share_a_qdrant_collection() -> None:
    names = {
        QdrantIndex.connect(dim=d, model_id=m, collection="s").collection
        for m, d in [("ViT-B-32/laion", 512), ("ViT-B-32/openai", 512), ("ViT-B-32/laion", 768)]
    }
    assert len(names) == 3


def test_an_unknown_backend_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="SESAME_INDEX__BACKEND"):
        open_index("milvus", dim=DIM, model_id=MODEL, data_dir=tmp_path)


def test_a_missing_qdrant_extra_says_which_extra_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "sesame.index.qdrant_index", None)
    with pytest.raises(ImportError, match=r"sesame\[qdrant\]"):
        open_index("qdrant", dim=DIM, model_id=MODEL, data_dir=tmp_path)
