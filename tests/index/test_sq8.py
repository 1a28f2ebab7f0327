"""HNSW over SQ8 codes: the default graph storage, its scores, compaction and files."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sesame.index.faiss_index import FaissIndex, FaissParams
from sesame.index.idmap import MERGE_AT, IdMap
from tests.index import FILTER_CASES, Reference, find, make_payloads, unit_vectors

MODEL = "test-model"
DIM = 64
SCORE_TOL = 0.01  # as in the congruence suite
QUERIES = unit_vectors(8, DIM, seed=99)
SQ8 = FaissParams(index_type="hnsw", hnsw_m=16, ef_construction=64)
FLOAT = FaissParams(index_type="hnsw", hnsw_m=16, ef_construction=64, hnsw_storage="flat")


def filled(
    n: int, params: FaissParams, directory: Path | None = None
) -> tuple[FaissIndex, Reference]:
    index = FaissIndex(dim=DIM, model_id=MODEL, directory=directory, params=params)
    reference = Reference()
    ids, vectors, payloads = list(range(n)), unit_vectors(n, DIM, 1), make_payloads(range(n), 1)
    index.upsert(ids, vectors, payloads)
    reference.upsert(ids, vectors, payloads)
    return index, reference


def scores(index: FaissIndex) -> list[list[tuple[int, float]]]:
    return [[(h.id, h.score) for h in index.search(q, 10)] for q in QUERIES]


def test_sq8_is_the_default_once_auto_switches_to_hnsw() -> None:
    params = FaissParams(exact_below=500, hnsw_m=16, ef_construction=64)
    index, _ = filled(499, params)
    assert (index.index_type, index.storage) == ("flat", "flat")
    index.upsert([499], unit_vectors(1, DIM, 5), make_payloads([499], 5))
    assert (index.index_type, index.storage) == ("hnsw", "sq8")


def test_sq8_scores_are_close_to_the_true_cosines_and_recall_holds() -> None:
    index, reference = filled(3000, SQ8)
    recalls = []
    for case in ("none", "combined", "very-selective"):
        for q in QUERIES:
            got, want = (
                find(index, q, 10, FILTER_CASES[case]),
                find(reference, q, 10, FILTER_CASES[case]),
            )
            for hit in got:
                vector, payload = reference.items[hit.id]
                assert hit.payload == payload
                assert abs(hit.score - float(vector @ q)) <= SCORE_TOL
            assert len(got) == len(want)
            if want:
                recalls.append(len({h.id for h in got} & {h.id for h in want}) / len(want))
    assert float(np.mean(recalls)) >= 0.9


def test_sq8_keeps_one_byte_per_dimension_instead_of_four() -> None:
    sq8, _ = filled(2000, SQ8)
    flat, _ = filled(2000, FLOAT)
    saved = flat.serialized_size() - sq8.serialized_size()
    assert saved >= 0.99 * 2000 * DIM * 3


def test_compaction_keeps_the_very_same_codes() -> None:
    index, _ = filled(1000, SQ8)
    index.delete(list(range(900, 1000)))
    before = scores(index)
    index.delete(list(range(790, 900)))  # 210 of 1000 dead: over the threshold, rebuilt
    assert index.tombstones == 0
    after = scores(index)
    kept = [[hit for hit in hits if hit[0] < 790] for hits in before]
    for old, new in zip(kept, after, strict=True):
        found = dict(new)
        assert all(found[i] == s for i, s in old if i in found)  # same codes, same scores


def test_an_sq8_index_reopens_with_the_same_results(tmp_path: Path) -> None:
    index, _ = filled(600, SQ8, tmp_path)
    before = scores(index)
    index.flush()
    reopened = FaissIndex(dim=DIM, model_id=MODEL, directory=tmp_path, params=SQ8)
    assert reopened.storage == "sq8"
    assert scores(reopened) == before


def test_a_stored_float_graph_becomes_sq8_when_sq8_is_wanted(tmp_path: Path) -> None:
    filled(600, FLOAT, tmp_path)[0].flush()
    index = FaissIndex(dim=DIM, model_id=MODEL, directory=tmp_path, params=SQ8)
    assert (index.storage, index.count()) == ("sq8", 600)


def test_stored_sq8_codes_are_not_passed_off_as_floats(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    filled(600, SQ8, tmp_path)[0].flush()
    with caplog.at_level(logging.WARNING):
        index = FaissIndex(dim=DIM, model_id=MODEL, directory=tmp_path, params=FLOAT)
    assert index.count() == 0  # to be filled from the database by the reconcile
    assert "filled from the database" in caplog.text


# --- the id map ----------------------------------------------------------------------

ops = st.lists(
    st.tuples(st.booleans(), st.lists(st.integers(0, 3 * MERGE_AT), max_size=50)), max_size=40
)


@given(ops=ops)
def test_the_id_map_behaves_like_a_dict(ops: list[tuple[bool, list[int]]]) -> None:
    mapped, truth, position = IdMap(), {}, 0
    for adding, ids in ops:
        if adding:
            fresh = sorted(set(ids) - truth.keys())
            positions = list(range(position, position + len(fresh)))
            position += len(fresh)
            mapped.add(np.asarray(fresh, dtype=np.int64), np.asarray(positions, dtype=np.int64))
            truth.update(zip(fresh, positions, strict=True))
        else:
            want = sorted(truth.pop(i) for i in set(ids) if i in truth)
            assert sorted(mapped.pop(np.asarray(ids, dtype=np.int64))) == want
        assert len(mapped) == len(truth)
    assert mapped.keys() == truth.keys()


def test_the_id_map_merges_its_recent_ids_into_the_arrays() -> None:
    mapped = IdMap(np.arange(10, dtype=np.int64))
    ids = np.arange(100, 100 + MERGE_AT, dtype=np.int64)
    mapped.add(ids, ids + 1)
    assert len(mapped) == 10 + MERGE_AT
    assert sorted(mapped.pop(np.asarray([5, 150, 10**9], dtype=np.int64))) == [5, 151]
    assert len(mapped) == 8 + MERGE_AT
