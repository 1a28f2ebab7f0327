"""How the FAISS backend answers one query: the plain index, exact search over a
filter mask, or HNSW with the mask as a selector, whichever is right for the mask."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any, Literal

import faiss
import numpy as np
from numpy.typing import NDArray

logger = logging.getLogger(__name__)

FaissType = Literal["auto", "flat", "hnsw"]
Result = tuple[NDArray[np.float32], NDArray[np.int64]]


@dataclass(frozen=True, slots=True)
class FaissParams:
    """How the FAISS backend picks, builds, searches and compacts its index."""

    index_type: FaissType = "auto"
    exact_below: int = 50_000
    hnsw_m: int = 32
    # efConstruction 48 builds 2.7x faster than 100 at the same recall@10 (0.987 at 200k,
    # SQ8, efSearch 128) and keeps 1M at >= 0.95 (docs/benchmarks.md).
    ef_construction: int = 48
    ef_search: int = 128
    # How an HNSW graph holds its rows: SQ8 codes (a third of the memory, faster, scores
    # within ~0.003) or float32. The exact index below ``exact_below`` is always float32.
    hnsw_storage: Literal["flat", "sq8"] = "sq8"
    # Rebuild once this fraction of positions are tombstones.
    compact_fraction: float = 0.2
    # A filter keeping at most this many vectors is searched exactly: the measured
    # crossover with HNSW + selector is ~11k kept at 100k vectors and ~13k at 1M.
    exact_filter_max: int = 12_000
    # OpenMP threads for one query: 1 is fastest (2 made a flat search 4x slower, measured).
    search_threads: int = 1


@dataclass(frozen=True, slots=True)
class Searcher:
    """One query against a built index; ``storage`` holds the raw float32 rows."""

    index: Any
    storage: Any
    hnsw: bool
    ef_search: int
    exact_filter_max: int

    def route(self, q: NDArray[np.float32], k: int, mask: NDArray[np.bool_] | None,
              alive: NDArray[np.bool_], kept: int) -> Result:  # fmt: skip
        """Plain index, exact over the mask, or HNSW with the mask as selector; one row of
        hits per query row."""
        if mask is None:
            scores, pos = self.ann(q, k, None, 1.0)
        elif not self.hnsw or kept <= self.exact_filter_max:
            return self.exact(q, k, mask)
        else:
            scores, pos = self.ann(q, k, mask, kept / len(mask))
        short = np.flatnonzero(np.count_nonzero(pos >= 0, axis=1) < k)
        if short.size:
            # The graph search came back short; exact search always finds k.
            logger.debug("ANN returned fewer than %d hits; searching exactly", k)
            scores[short], pos[short] = self.exact(q[short], k, alive if mask is None else mask)
        return scores, pos

    def ann(self, q: NDArray[np.float32], k: int, mask: NDArray[np.bool_] | None,
            fraction: float) -> Result:  # fmt: skip
        if not self.hnsw:
            scores, pos = self.index.search(q, k)
            return scores, pos
        # A selective mask hides most of what the graph walk visits: widen the beam.
        ef = math.ceil(max(self.ef_search, k) / math.sqrt(fraction))
        selector = None if mask is None else Selector(mask)  # must outlive the search
        scores, pos = self.index.search(q, k, params=hnsw_params(ef, selector))
        return scores, pos

    def exact(self, q: NDArray[np.float32], k: int, mask: NDArray[np.bool_]) -> Result:
        """Exact inner product over masked positions of the flat storage, in place."""
        selector = Selector(mask)  # must outlive the search
        params = faiss.SearchParameters()
        params.sel = selector.sel
        scores, pos = self.storage.search(q, k, params=params)
        return scores, pos


class Selector:
    """A FAISS bitmap selector over a mask; FAISS only borrows ``bitmap``."""

    def __init__(self, mask: NDArray[np.bool_]) -> None:
        self.bitmap = np.packbits(mask, bitorder="little")
        self.sel = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(self.bitmap))


def hnsw_params(ef: int, selector: Selector | None) -> Any:
    params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]  # not in faiss's stubs
    params.efSearch = ef
    if selector is not None:
        params.sel = selector.sel
    return params


def set_threads(n: int) -> None:
    """OpenMP threads for FAISS calls made by this thread (libgomp keeps it per thread)."""
    if faiss.omp_get_max_threads() != n:
        faiss.omp_set_num_threads(n)
