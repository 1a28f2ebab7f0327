"""The same scenarios on every index backend, compared with a brute-force reference.

Exact backends (FAISS flat, Qdrant local mode) must return the reference's ids
with scores within 1e-5; HNSW must return the right number of hits with true
scores and high overlap.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.base import Filters, VectorIndex
from index.factory import open_index
from index.faiss_index import FILE_NAME, FaissIndex, FaissParams
from index.qdrant_index import QdrantIndex
from sesame.settings import IndexBackend, IndexSettings
from tests.index import (
    FILTER_CASES,
    Reference,
    assert_close_hits,
    assert_same_hits,
    make_payloads,
    unit_vectors,
)

MODEL = "test-model"
N, DIM = 2000, 64
BACKENDS = ("faiss-flat", "faiss-hnsw", "faiss-hnsw-selector", "qdrant-memory", "qdrant-path")
EXACT = {"faiss-flat", "qdrant-memory", "qdrant-path"}
# Default routing searches every filtered query exactly at this size.
EXACT_WHEN_FILTERED = EXACT | {"faiss-hnsw"}
QUERIES = unit_vectors(4, DIM, seed=99)


def open_backend(name: str, tmp: Path, dim: int = DIM) -> VectorIndex:
    hnsw = FaissParams(index_type="hnsw", hnsw_m=16, ef_construction=64, ef_search=128)
    match name:
        case "faiss-flat":
            return FaissIndex(dim=dim, model_id=MODEL, params=FaissParams(index_type="flat"))
        case "faiss-hnsw":
            return FaissIndex(dim=dim, model_id=MODEL, params=hnsw)
        case "faiss-hnsw-selector":
            # Every filtered search goes through the graph with a selector.
            params = FaissParams(
                index_type="hnsw", hnsw_m=16, ef_construction=64, exact_filter_max=0
            )
            return FaissIndex(dim=dim, model_id=MODEL, params=params)
        case "qdrant-memory":
            return QdrantIndex.connect(dim=dim, model_id=MODEL, collection="test")
        case "qdrant-path":
            path = str(tmp / "qdrant")
            return QdrantIndex.connect(dim=dim, model_id=MODEL, collection="test", path=path)
        case _:
            raise ValueError(name)


def load_scenario(index: VectorIndex, reference: Reference) -> dict[str, set[int]]:
    """Upsert, replace some, delete some (and some unknown ids), on both."""
    ids = [*range(0, 2 * (N - 1), 2), 2**62]
    steps: list[tuple[list[int], int]] = [(ids, 1), (ids[100:300], 2)]
    for step_ids, seed in steps:
        vectors = unit_vectors(len(step_ids), DIM, seed=seed)
        payloads = make_payloads(step_ids, seed=seed)
        index.upsert(step_ids, vectors, payloads)
        reference.upsert(step_ids, vectors, payloads)
    deleted = ids[250:400]
    index.delete([*deleted, 1, 3, 2**63 - 1])
    reference.delete(deleted)
    return {"replaced": set(ids[100:250]), "deleted": set(deleted)}


@pytest.fixture(scope="module", params=BACKENDS)
def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, VectorIndex, Reference, dict[str, set[int]]]]:
    name: str = request.param
    index = open_backend(name, tmp_path_factory.mktemp(name))
    reference = Reference()
    changed = load_scenario(index, reference)
    yield name, index, reference, changed
    index.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_empty_index_finds_nothing(backend: str, tmp_path: Path) -> None:
    index = open_backend(backend, tmp_path)
    assert index.search(QUERIES[0], 10) == []
    assert index.search(QUERIES[0], 10, Filters(verified_only=True)) == []
    assert index.count() == 0
    assert index.ids() == set()
    index.delete([1, 2])
    index.close()


def test_count_and_ids_follow_upserts_replacements_and_deletes(
    loaded: tuple[str, VectorIndex, Reference, dict[str, set[int]]],
) -> None:
    _, index, reference, changed = loaded
    assert index.count() == len(reference.items) == N - len(changed["deleted"])
    assert index.ids() == set(reference.items)


@pytest.mark.parametrize("case", list(FILTER_CASES))
def test_search_agrees_with_brute_force(
    loaded: tuple[str, VectorIndex, Reference, dict[str, set[int]]], case: str
) -> None:
    name, index, reference, _ = loaded
    f = FILTER_CASES[case]
    exact = name in EXACT or (name in EXACT_WHEN_FILTERED and f != Filters())
    recalls = []
    for q in QUERIES:
        got, want = index.search(q, 10, f), reference.search(q, 10, f)
        if exact:
            assert_same_hits(got, want)
        else:
            recalls.append(assert_close_hits(got, want, reference, q))
    assert not recalls or float(np.mean(recalls)) >= 0.9


@pytest.mark.parametrize("case", ["none", "very-selective", "combined", "no-countries"])
def test_a_limit_larger_than_the_matches_returns_every_match(
    loaded: tuple[str, VectorIndex, Reference, dict[str, set[int]]], case: str
) -> None:
    _, index, reference, _ = loaded
    f = FILTER_CASES[case]
    got, want = index.search(QUERIES[0], 5000, f), reference.search(QUERIES[0], 5000, f)
    assert_same_hits(got, want)  # every match, so even HNSW must be exact


def test_a_replaced_vector_is_found_with_its_new_payload(
    loaded: tuple[str, VectorIndex, Reference, dict[str, set[int]]],
) -> None:
    _, index, reference, changed = loaded
    for i in sorted(changed["replaced"])[:5]:
        vector, payload = reference.items[i]
        top = index.search(vector, 1)[0]
        assert (top.id, top.payload) == (i, payload)
        assert top.score == pytest.approx(1.0, abs=1e-5)


def test_deleted_ids_are_never_returned(
    loaded: tuple[str, VectorIndex, Reference, dict[str, set[int]]],
) -> None:
    _, index, _, changed = loaded
    deleted_vectors = unit_vectors(N, DIM, seed=1)[250:260]
    for q in deleted_vectors:
        found = {h.id for h in index.search(q, 50)}
        assert not found & changed["deleted"]


def test_exact_backends_agree_with_each_other(tmp_path: Path) -> None:
    indexes = [open_backend(name, tmp_path) for name in ("faiss-flat", "qdrant-memory")]
    for index in indexes:
        load_scenario(index, Reference())
    for f in FILTER_CASES.values():
        for q in QUERIES[:2]:
            first, second = (index.search(q, 25, f) for index in indexes)
            assert_same_hits(first, second)


operations = st.lists(
    st.one_of(
        st.tuples(st.just("upsert"), st.lists(st.integers(0, 40), min_size=1, max_size=12)),
        st.tuples(st.just("delete"), st.lists(st.integers(0, 45), max_size=8)),
        st.tuples(st.just("search"), st.sampled_from(list(FILTER_CASES)), st.integers(1, 30)),
    ),
    max_size=12,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations)
def test_any_sequence_of_operations_matches_the_reference(ops: list[tuple[object, ...]]) -> None:
    dim = 8
    backends = ("faiss-flat", "faiss-hnsw-selector", "qdrant-memory")
    indexes = [open_backend(name, Path("."), dim=dim) for name in backends]
    reference = Reference()
    targets: list[VectorIndex | Reference] = [*indexes, reference]
    for step, op in enumerate(ops):
        match op:
            case ("upsert", list() as ids):
                vectors = unit_vectors(len(ids), dim, seed=1000 + step)
                payloads = make_payloads(ids, seed=step)
                for target in targets:
                    target.upsert(ids, vectors, payloads)
            case ("delete", list() as ids):
                for target in targets:
                    target.delete(ids)
            case ("search", str() as case, int() as limit):
                q = unit_vectors(1, dim, seed=step)[0]
                want = reference.search(q, limit, FILTER_CASES[case])
                for index in indexes:
                    assert_same_hits(index.search(q, limit, FILTER_CASES[case]), want)
    for index in indexes:
        assert index.ids() == set(reference.items)
        index.close()


# --- the factory ---------------------------------------------------------------------


def test_the_factory_keeps_faiss_in_the_data_dirs_index_folder(tmp_path: Path) -> None:
    index = open_index(IndexSettings(), dim=DIM, model_id=MODEL, data_dir=tmp_path)
    assert isinstance(index, FaissIndex)
    index.upsert([7], unit_vectors(1, DIM, seed=0), make_payloads([7], seed=0))
    index.flush()
    assert (tmp_path / "index" / FILE_NAME).is_file()


def test_the_factory_opens_qdrant_local_mode_under_the_data_dir(tmp_path: Path) -> None:
    s = IndexSettings(backend=IndexBackend.QDRANT)
    index = open_index(s, dim=DIM, model_id=MODEL, data_dir=tmp_path)
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
    s = IndexSettings.model_construct(backend="milvus")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="SESAME_INDEX__BACKEND"):
        open_index(s, dim=DIM, model_id=MODEL, data_dir=tmp_path)


def test_a_missing_qdrant_extra_says_which_extra_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "index.qdrant_index", None)
    s = IndexSettings(backend=IndexBackend.QDRANT)
    with pytest.raises(ImportError, match=r"sesame\[qdrant\]"):
        open_index(s, dim=DIM, model_id=MODEL, data_dir=tmp_path)
