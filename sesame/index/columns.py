"""Payload columns for the FAISS backend: typed numpy arrays per position, string
vocabularies, and the filter mask over them, all derived from the payload contract.

Keywords become small int codes, flags booleans, numbers float64 with NaN for None
(NaN fails every comparison, as "price on request" must fail every price bound).
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from sesame.core.filters import Condition, Op, Payload, ValueType, payload_types
from sesame.index.base import Hit

R = TypeVar("R")
# What a search makes of its FAISS result row: (columns, vocabularies, scores, positions).
Decoder = Callable[["Columns", dict[str, "Vocab"], NDArray[np.float32], NDArray[np.int64]], R]
TYPES = payload_types()
VOCAB_FIELDS = tuple(name for name, t in TYPES.items() if t is ValueType.KEYWORD)
_DTYPES = {ValueType.KEYWORD: np.int32, ValueType.FLAG: np.bool_}
SCHEMA: dict[str, type[np.generic]] = {
    "id": np.int64,
    "alive": np.bool_,
    "product_id": np.int64,
    "supplier_id": np.int64,
} | {name: _DTYPES.get(t, np.float64) for name, t in TYPES.items()}


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


def encode_payloads(
    ids: NDArray[np.int64], payloads: Sequence[Payload], vocab: dict[str, Vocab]
) -> dict[str, NDArray[Any]]:
    """Column arrays for a batch (new keywords are added to ``vocab``)."""
    cols: dict[str, NDArray[Any]] = {"id": ids, "alive": np.ones(len(ids), dtype=np.bool_)}
    cols["product_id"] = np.asarray([p.product_id for p in payloads], dtype=np.int64)
    cols["supplier_id"] = np.asarray([p.supplier_id for p in payloads], dtype=np.int64)
    for name, value_type in TYPES.items():
        values = [getattr(p, name) for p in payloads]
        if value_type is ValueType.KEYWORD:
            values = [vocab[name].encode(v) for v in values]
        elif value_type is not ValueType.FLAG:
            values = [np.nan if v is None else v for v in values]
        cols[name] = np.asarray(values, dtype=SCHEMA[name])
    return cols


# ``decode_payloads`` builds payloads positionally: ids first, then the typed fields.
if [f.name for f in dataclasses.fields(Payload)] != ["product_id", "supplier_id", *TYPES]:
    raise TypeError("Payload's fields must be its two ids, then its typed fields, in order.")


def decode_payloads(cols: Columns, vocab: dict[str, Vocab], positions: NDArray[np.int64]
                    ) -> list[Payload]:  # fmt: skip
    """The payloads at ``positions``, one column at a time (a search decodes hundreds)."""
    fields: dict[str, list[Any]] = {
        "product_id": cols["product_id"][positions].tolist(),
        "supplier_id": cols["supplier_id"][positions].tolist(),
    }
    for name, value_type in TYPES.items():
        raw = cols[name][positions]
        match value_type:
            case ValueType.KEYWORD:
                names = vocab[name].names
                fields[name] = [names[code] for code in raw.tolist()]
            case ValueType.FLAG:
                fields[name] = [bool(v) for v in raw.tolist()]
            case ValueType.INTEGER:
                fields[name] = [None if v != v else int(v) for v in raw.tolist()]  # NaN: None
            case _:
                fields[name] = [None if v != v else float(v) for v in raw.tolist()]
    # Positional: half the time of keyword arguments, for the hundreds a search decodes.
    return [Payload(*row) for row in zip(*fields.values(), strict=True)]


def filter_mask(
    cols: Columns, vocab: dict[str, Vocab], conditions: Sequence[Condition]
) -> NDArray[np.bool_]:
    """Alive positions that pass every condition (the semantics of ``matches``), vectorised."""
    m = cols["alive"].copy()
    for c in conditions:
        m &= _condition_mask(cols[c.payload], vocab.get(c.payload), c)
    return m


def _condition_mask(column: NDArray[Any], vocab: Vocab | None, c: Condition) -> NDArray[np.bool_]:
    match c.op:
        case Op.EQUALS if vocab is not None:
            return np.asarray(column == vocab.codes.get(c.value, -1))
        case Op.ONE_OF if vocab is not None:
            return np.asarray(vocab.table(frozenset(c.value))[column], dtype=np.bool_)
        case Op.EQUALS:
            return np.asarray(column == c.value)
        case Op.IS_TRUE:
            return column.astype(np.bool_)
        case Op.AT_LEAST:
            return np.asarray(column >= c.value)
        case Op.AT_MOST:
            return np.asarray(column <= c.value)
        case _:
            raise ValueError(f"The FAISS backend cannot apply {c.op!r} to {c.payload!r}.")


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


def hits_at(cols: Columns, vocab: dict[str, Vocab], scores: NDArray[np.float32],
            positions: NDArray[np.int64]) -> list[Hit]:  # fmt: skip
    """The hits at FAISS result positions (-1: none), by score desc then id asc."""
    ok = positions >= 0
    found = positions[ok].astype(np.int64)
    payloads = decode_payloads(cols, vocab, found)
    ids = cols["id"][found].tolist()
    hits = [
        Hit(id=int(i), score=float(s), payload=p)
        for i, s, p in zip(ids, scores[ok].tolist(), payloads, strict=True)
    ]
    hits.sort(key=lambda h: (-h.score, h.id))
    return hits


def best_products_at(cols: Columns, vocab: dict[str, Vocab], scores: NDArray[np.float32],
                     positions: NDArray[np.int64]) -> dict[int, float]:  # fmt: skip
    """Product id -> its best score among the FAISS result positions (-1: none)."""
    ok = positions >= 0
    order = np.argsort(-scores[ok], kind="stable")
    products = cols["product_id"][positions[ok][order]]
    best = scores[ok][order]
    unique, first = np.unique(products, return_index=True)
    return dict(zip(unique.tolist(), best[first].tolist(), strict=True))
