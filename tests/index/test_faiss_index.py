"""What only the FAISS backend does: its file, its index types, compaction, checks."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import IO, Any

import numpy as np
import pytest

import sesame.index.faiss_store as faiss_store
from sesame.core.filters import Filters, Payload
from sesame.index.faiss_index import FILE_NAME, FaissIndex, FaissParams
from tests.index import (
    FILTER_CASES,
    Reference,
    assert_same_hits,
    find,
    make_payloads,
    unit_vectors,
)

MODEL = "test-model"
DIM = 32
QUERIES = unit_vectors(3, DIM, seed=99)
# Float rows, so every route is exact where these tests say so; SQ8 has test_sq8.py.
HNSW = FaissParams(
    index_type="hnsw", hnsw_m=16, ef_construction=64, exact_filter_max=0, hnsw_storage="flat"
)


def filled(
    n: int, directory: Path | None = None, params: FaissParams | None = None, seed: int = 1
) -> tuple[FaissIndex, Reference]:
    index = FaissIndex(dim=DIM, model_id=MODEL, directory=directory, params=params)
    reference = Reference()
    ids, vectors, payloads = (
        list(range(n)),
        unit_vectors(n, DIM, seed),
        make_payloads(range(n), seed),
    )
    index.upsert(ids, vectors, payloads)
    reference.upsert(ids, vectors, payloads)
    return index, reference


def assert_matches(index: FaissIndex, reference: Reference, limit: int = 10) -> None:
    for f in FILTER_CASES.values():
        for q in QUERIES:
            assert_same_hits(find(index, q, limit, f), find(reference, q, limit, f))


# --- persistence ---------------------------------------------------------------------


@pytest.mark.parametrize("params", [FaissParams(index_type="flat"), HNSW])
def test_a_flushed_index_reopens_with_the_same_results(tmp_path: Path, params: FaissParams) -> None:
    index, reference = filled(600, tmp_path, params)
    index.delete(list(range(0, 60, 3)))
    reference.delete(range(0, 60, 3))
    before = [find(index, q, 10, f) for q in QUERIES for f in FILTER_CASES.values()]
    index.flush()
    reopened = FaissIndex(dim=DIM, model_id=MODEL, directory=tmp_path, params=params)
    assert reopened.index_type == index.index_type
    assert reopened.ids() == index.ids() == set(reference.items)
    assert reopened.tombstones == index.tombstones == 20
    after = [find(reopened, q, 10, f) for q in QUERIES for f in FILTER_CASES.values()]
    assert after == before


def test_a_failed_write_leaves_the_previous_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index, _ = filled(100, tmp_path)
    index.flush()
    index.upsert([500], unit_vectors(1, DIM, seed=5), make_payloads([500], seed=5))

    def crash(f: IO[bytes], arrays: dict[str, Any]) -> None:
        f.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(faiss_store, "dump", crash)
    with pytest.raises(OSError, match="disk full"):
        index.flush()
    assert [p.name for p in tmp_path.iterdir()] == [FILE_NAME]  # no temp file left behind
    assert FaissIndex(dim=DIM, model_id=MODEL, directory=tmp_path).count() == 100


def test_flush_writes_only_when_something_changed(tmp_path: Path) -> None:
    index, _ = filled(20, tmp_path)
    index.flush()
    written = (tmp_path / FILE_NAME).stat().st_mtime_ns
    index.flush()
    index.delete([999])  # unknown: nothing changes
    index.flush()
    assert (tmp_path / FILE_NAME).stat().st_mtime_ns == written
    index.delete([0])
    index.flush()
    assert FaissIndex(dim=DIM, model_id=MODEL, directory=tmp_path).count() == 19


def test_an_index_built_by_another_model_is_not_loaded(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    filled(50, tmp_path)[0].flush()
    with caplog.at_level(logging.WARNING):
        other = FaissIndex(dim=DIM, model_id="another-model", directory=tmp_path)
    assert other.count() == 0
    assert "another-model" in caplog.text
    other.flush()  # replaces the other model's file
    assert FaissIndex(dim=DIM, model_id="another-model", directory=tmp_path).count() == 0
    assert FaissIndex(dim=DIM, model_id=MODEL, directory=tmp_path).count() == 0


def test_an_index_of_another_width_is_not_loaded(tmp_path: Path) -> None:
    filled(50, tmp_path)[0].flush()
    assert FaissIndex(dim=DIM * 2, model_id=MODEL, directory=tmp_path).count() == 0


def test_a_corrupt_file_is_logged_and_the_index_starts_empty(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / FILE_NAME).write_bytes(b"not a zip file")
    with caplog.at_level(logging.ERROR):
        index = FaissIndex(dim=DIM, model_id=MODEL, directory=tmp_path)
    assert index.count() == 0
    assert "starting empty" in caplog.text


def test_an_index_without_a_directory_flushes_nowhere() -> None:
    index, _ = filled(10)
    index.flush()
    index.close()


# --- index types, compaction ---------------------------------------------------------


def test_auto_switches_from_exact_to_hnsw_at_the_threshold() -> None:
    params = FaissParams(exact_below=300, hnsw_m=16, ef_construction=64, hnsw_storage="flat")
    index, reference = filled(299, params=params)
    before = index.index_type
    more = list(range(299, 310))
    vectors, payloads = unit_vectors(len(more), DIM, seed=7), make_payloads(more, seed=7)
    index.upsert(more, vectors, payloads)
    reference.upsert(more, vectors, payloads)
    assert (before, index.index_type) == ("flat", "hnsw")
    assert index.count() == 310
    assert_matches(index, reference)  # filtered searches of this size are exact


def test_a_flat_setting_converts_a_stored_hnsw_index(tmp_path: Path) -> None:
    filled(200, tmp_path, HNSW)[0].flush()
    index = FaissIndex(
        dim=DIM, model_id=MODEL, directory=tmp_path, params=FaissParams(index_type="flat")
    )
    assert (index.index_type, index.count()) == ("flat", 200)


@pytest.mark.parametrize("params", [FaissParams(index_type="flat"), HNSW])
def test_many_deletes_compact_the_index(params: FaissParams) -> None:
    index, reference = filled(1000, params=params)
    index.delete(list(range(0, 190)))
    reference.delete(range(0, 190))
    assert index.tombstones == 190
    index.delete(list(range(190, 220)))
    reference.delete(range(190, 220))
    assert index.tombstones == 0  # 220 of 1000 is over the 20 % threshold
    assert index.count() == 780
    assert_matches(index, reference, limit=1000)


def test_replacing_vectors_leaves_tombstones_that_are_never_returned() -> None:
    index, reference = filled(300, params=HNSW)
    ids = list(range(0, 40))
    vectors, payloads = unit_vectors(40, DIM, seed=3), make_payloads(ids, seed=3)
    index.upsert(ids, vectors, payloads)
    reference.upsert(ids, vectors, payloads)
    assert (index.tombstones, index.count()) == (40, 300)
    assert_matches(index, reference, limit=300)


def test_hnsw_returns_every_match_of_a_selective_filter() -> None:
    index, reference = filled(2000, params=HNSW)
    f = FILTER_CASES["very-selective"]
    want = find(reference, QUERIES[0], 100, f)
    assert 0 < len(want) < 100
    assert_same_hits(find(index, QUERIES[0], 100, f), want)


def test_the_last_of_repeated_ids_in_a_batch_wins() -> None:
    index = FaissIndex(dim=DIM, model_id=MODEL)
    vectors, payloads = unit_vectors(3, DIM, seed=4), make_payloads([1, 1, 2], seed=4)
    index.upsert([1, 1, 2], vectors, payloads)
    assert index.count() == 2
    top = index.search(vectors[1], 1)[0]
    assert (top.id, top.payload) == (1, payloads[1])


def test_searches_and_writes_can_run_concurrently() -> None:
    index, _ = filled(500, params=HNSW)
    errors: list[BaseException] = []

    def search() -> None:
        try:
            for q in unit_vectors(50, DIM, seed=8):
                assert len(index.search(q, 5, Filters(verified_only=True))) == 5
        except BaseException as exc:  # handed to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=search) for _ in range(3)]
    for t in threads:
        t.start()
    for step in range(20):
        ids = list(range(step * 10, step * 10 + 10))
        index.upsert(ids, unit_vectors(10, DIM, seed=step), make_payloads(ids, seed=step))
        index.delete(ids[:3])
    for t in threads:
        t.join()
    assert errors == []


# --- bad input -----------------------------------------------------------------------


def one_payload() -> list[Payload]:
    return make_payloads([1], seed=0)


@pytest.mark.parametrize(
    ("ids", "vectors", "payloads", "message"),
    [
        ([1], unit_vectors(1, DIM + 1, 0), one_payload(), r"shape \(n, 32\)"),
        ([1, 2], unit_vectors(2, DIM, 0), one_payload(), "same length"),
        ([-1], unit_vectors(1, DIM, 0), one_payload(), "between 0 and 2"),
        ([2**63], unit_vectors(1, DIM, 0), one_payload(), "between 0 and 2"),
        ([1], np.full((1, DIM), np.nan, np.float32), one_payload(), "finite; row 0"),
        ([1], unit_vectors(1, DIM, 0) * 3, one_payload(), "L2-normalised"),
        ([1], np.zeros((1, DIM), np.float32), one_payload(), "L2-normalised"),
    ],
)
def test_bad_upserts_are_refused_with_a_clear_message(
    ids: list[int], vectors: np.ndarray[Any, Any], payloads: list[Payload], message: str
) -> None:
    index = FaissIndex(dim=DIM, model_id=MODEL)
    with pytest.raises(ValueError, match=message):
        index.upsert(ids, vectors, payloads)
    assert index.count() == 0


def test_a_payload_of_an_unknown_kind_is_refused() -> None:
    bad = Payload(1, 1, "video", "CN", "", "", "toys", True, 4.0, 1, 1.0, 2.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="kind"):
        FaissIndex(dim=DIM, model_id=MODEL).upsert([1], unit_vectors(1, DIM, 0), [bad])


@pytest.mark.parametrize(
    ("vector", "limit", "message"),
    [
        (unit_vectors(1, DIM + 1, 0)[0], 10, "must have 32 values"),
        (np.full(DIM, np.inf, np.float32), 10, "finite"),
        (unit_vectors(1, DIM, 0)[0] * 2, 10, "L2-normalised"),
        (unit_vectors(1, DIM, 0)[0], 0, "limit must be at least 1"),
    ],
)
def test_bad_queries_are_refused_with_a_clear_message(
    vector: np.ndarray[Any, Any], limit: int, message: str
) -> None:
    index, _ = filled(10)
    with pytest.raises(ValueError, match=message):
        index.search(vector, limit)
