"""Payload columns for the FAISS backend: typed numpy arrays per position,
string vocabularies, the filter mask over them, and a readers-writer lock.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from index.base import Filters
from index.checks import KINDS

SCHEMA: dict[str, type[np.generic]] = {
    "id": np.int64,
    "alive": np.bool_,
    "product_id": np.int64,
    "supplier_id": np.int64,
    "kind": np.uint8,
    "country": np.int32,
    "category": np.int32,
    "verified": np.bool_,
    "rating": np.float64,
    "moq": np.int64,
    "price_min_usd": np.float64,
    "price_max_usd": np.float64,
}
VOCAB_FIELDS = ("country", "category")


class Vocab:
    """Strings to small int codes, in first-seen order."""

    def __init__(self, names: Sequence[str] = ()) -> None:
        self.names = list(names)
        self.codes = {name: i for i, name in enumerate(self.names)}

    def encode(self, name: str) -> int:
        code = self.codes.get(name)
        if code is None:
            code = self.codes[name] = len(self.names)
            self.names.append(name)
        return code

    def table(self, wanted: frozenset[str]) -> NDArray[np.bool_]:
        """A lookup table: code -> is the name wanted."""
        table = np.zeros(len(self.names) + 1, dtype=np.bool_)
        table[[self.codes[w] for w in wanted if w in self.codes]] = True
        return table


class Columns:
    """Typed numpy columns per position, grown by doubling."""

    def __init__(self, arrays: dict[str, NDArray[Any]] | None = None) -> None:
        self.size = 0 if arrays is None else len(arrays["id"])
        self._data = arrays or {k: np.zeros(0, dtype=t) for k, t in SCHEMA.items()}

    def __getitem__(self, name: str) -> NDArray[Any]:
        return self._data[name][: self.size]

    def append(self, values: dict[str, NDArray[Any]]) -> None:
        n = len(values["id"])
        if self.size + n > len(self._data["id"]):
            cap = max(self.size + n, 2 * len(self._data["id"]), 1024)
            for k, arr in self._data.items():
                grown = np.zeros(cap, dtype=arr.dtype)
                grown[: self.size] = arr[: self.size]
                self._data[k] = grown
        for k, arr in values.items():
            self._data[k][self.size : self.size + n] = arr
        self.size += n

    def take(self, positions: NDArray[np.int64]) -> Columns:
        return Columns({k: self[k][positions] for k in SCHEMA})


def filter_mask(cols: Columns, vocab: dict[str, Vocab], f: Filters) -> NDArray[np.bool_]:
    """Alive positions that match ``f`` (the semantics of ``Filters.matches``), vectorised."""
    m = cols["alive"].copy()
    if f.kind is not None:
        m &= cols["kind"] == KINDS.index(f.kind)
    if f.countries is not None:
        m &= vocab["country"].table(f.countries)[cols["country"]]
    if f.categories is not None:
        m &= vocab["category"].table(f.categories)[cols["category"]]
    if f.verified_only:
        m &= cols["verified"]
    if f.min_rating is not None:
        m &= cols["rating"] >= f.min_rating
    if f.max_moq is not None:
        m &= cols["moq"] <= f.max_moq
    if f.price_min_usd is not None:
        m &= cols["price_max_usd"] >= f.price_min_usd
    if f.price_max_usd is not None:
        m &= cols["price_min_usd"] <= f.price_max_usd
    return m


class RWLock:
    """Many concurrent searches, or one writer; a waiting writer goes first."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writers = 0  # waiting or writing
        self._writing = False

    @contextlib.contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: self._writers == 0)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._writers += 1
            self._cond.wait_for(lambda: not self._writing and self._readers == 0)
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._writers -= 1
                self._cond.notify_all()
