"""A beam as narrow as the limit (``search_many(beam=)``) still finds near-duplicates.

"Also offered by" searches each photo of a page with such a beam: twins score far above
everything else, so the walk reaches them first. Every backend must find all of them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from qdrant_client import QdrantClient

from sesame.index.qdrant_index import QdrantIndex
from sesame.search.offers import FIRST_LOOK, NEIGHBOURS, twin_hits
from tests.index import make_payloads, unit_vectors
from tests.index.test_congruence import BACKENDS, DIM, open_backend

TWINS_EACH, SOURCES = 3, 20


def near(sources: NDArray[np.float32], seed: int) -> NDArray[np.float32]:
    """``TWINS_EACH`` unit vectors per source at cosine 0.965-0.99 to it."""
    rng = np.random.default_rng(seed)
    out = []
    for source in sources:
        for _ in range(TWINS_EACH):
            cos = rng.uniform(0.965, 0.99)
            noise = rng.standard_normal(DIM)
            noise -= noise.dot(source) * source
            out.append(cos * source + np.sqrt(1 - cos**2) * noise / np.linalg.norm(noise))
    return np.asarray(out, dtype=np.float32)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_beam_as_narrow_as_the_limit_finds_every_near_duplicate(
    backend: str, tmp_path: Path
) -> None:
    index = open_backend(backend, tmp_path)
    n = 300 if backend == "qdrant-path" else 2000
    base = unit_vectors(n, DIM, seed=5)
    index.upsert(list(range(n)), base, make_payloads(range(n), seed=5))
    twin_ids = list(range(10_000, 10_000 + SOURCES * TWINS_EACH))
    index.upsert(twin_ids, near(base[:SOURCES], seed=6), make_payloads(twin_ids, seed=6))
    narrow = index.search_many(base[:SOURCES], 10, min_score=0.95, beam=10)
    wide = index.search_many(base[:SOURCES], 10, min_score=0.95)
    for i, (hits, wider) in enumerate(zip(narrow, wide, strict=True)):
        own = {i, *twin_ids[i * TWINS_EACH : (i + 1) * TWINS_EACH]}
        assert {h.id for h in hits} == own == {h.id for h in wider}
    index.close()


def test_a_qdrant_server_is_sent_the_beam_and_local_mode_is_not(tmp_path: Path) -> None:
    # Local mode searches exactly and warns about search parameters it ignores: a client
    # that believes it talks to a server shows that the beam goes out as ``hnsw_ef``.
    client = QdrantClient(location=":memory:")
    with pytest.warns(UserWarning, match="Payload indexes"):
        server = QdrantIndex(client, collection="beam", dim=DIM, server=True)
    server.upsert([1, 2], unit_vectors(2, DIM, seed=7), make_payloads([1, 2], seed=7))
    with pytest.warns(UserWarning, match="search_params"):
        server.search_many(unit_vectors(1, DIM, seed=8), 2, beam=2)
    local = open_backend("qdrant-memory", tmp_path)
    local.upsert([1, 2], unit_vectors(2, DIM, seed=7), make_payloads([1, 2], seed=7))
    assert len(local.search_many(unit_vectors(1, DIM, seed=8), 2, beam=2)[0]) == 2  # no warning


@pytest.mark.parametrize("backend", ["faiss-flat", "faiss-hnsw-sq8", "qdrant-memory"])
def test_twin_hits_look_wider_only_for_a_photo_with_many_twins(
    backend: str, tmp_path: Path
) -> None:
    index = open_backend(backend, tmp_path)
    base = unit_vectors(2000, DIM, seed=9)
    index.upsert(list(range(2000)), base, make_payloads(range(2000), seed=9))
    crowd = np.repeat(base[:1], 30, axis=0)  # 30 twins of photo 0: more than a first look
    twins = np.concatenate([near(crowd, seed=10)[::TWINS_EACH], near(base[1:2], seed=11)])
    ids = list(range(10_000, 10_000 + len(twins)))
    index.upsert(ids, twins, make_payloads(ids, seed=10))
    found = twin_hits(index, base[:3], threshold=0.95)
    assert [len(hits) for hits in found] == [31, TWINS_EACH + 1, 1]  # each photo finds itself
    assert FIRST_LOOK < 31 <= NEIGHBOURS
    wide = index.search_many(base[:3], NEIGHBOURS, min_score=0.95)
    assert [{h.id for h in hits} for hits in found] == [{h.id for h in hits} for hits in wide]
    index.close()
