"""The FAISS backend's file: one ``.npz`` holding the index, its columns and vocabularies.

The file names the model and dimension it was built for, so an index built by
another model is never loaded; it is written atomically (``sesame.core.files``).
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import faiss
import numpy as np
from numpy.typing import NDArray

from sesame.core.files import atomic_write
from sesame.index.columns import SCHEMA, VOCAB_FIELDS, Columns, Vocab

FORMAT_VERSION = 2
FILE_NAME = "faiss_index.npz"
READ_ERRORS = (OSError, ValueError, KeyError, RuntimeError, zipfile.BadZipFile)


@dataclass
class Snapshot:
    """Everything the index holds, as read from or written to the file."""

    index: Any
    cols: Columns
    vocab: dict[str, Vocab]


def to_arrays(snapshot: Snapshot, *, dim: int, model_id: str) -> dict[str, NDArray[Any]]:
    arrays = {f"col_{k}": snapshot.cols[k].copy() for k in SCHEMA}
    vocab = {f: v.names for f, v in snapshot.vocab.items()}
    return arrays | {
        "format_version": np.asarray(FORMAT_VERSION),
        "dim": np.asarray(dim),
        "model_id": np.asarray(model_id),
        "vocab": np.asarray(json.dumps(vocab)),
        "index": faiss.serialize_index(snapshot.index),
    }


def write(path: Path, arrays: dict[str, NDArray[Any]]) -> None:
    atomic_write(path, lambda handle: dump(handle, arrays))


def dump(handle: IO[bytes], arrays: dict[str, NDArray[Any]]) -> None:
    np.savez(handle, **arrays)  # type: ignore[arg-type]


def mismatch(npz: Any, *, dim: int, model_id: str) -> str | None:
    """Why the file cannot be used for ``model_id``/``dim``; None if it can."""
    version = int(npz["format_version"])
    if version != FORMAT_VERSION:
        return f"format version {version}, expected {FORMAT_VERSION}"
    found_dim, model = int(npz["dim"]), str(npz["model_id"])
    if model != model_id or found_dim != dim:
        return f"built by model {model!r} (dim {found_dim}), not {model_id!r} (dim {dim})"
    return None


def restore(npz: Any, *, dim: int) -> Snapshot:
    cols = Columns({k: np.asarray(npz[f"col_{k}"], dtype=t) for k, t in SCHEMA.items()})
    names = json.loads(str(npz["vocab"]))
    vocab = {f: Vocab(names[f]) for f in VOCAB_FIELDS}
    index = faiss.deserialize_index(np.asarray(npz["index"], dtype=np.uint8))
    if index.ntotal != cols.size or index.d != dim:
        raise ValueError("the index and its columns disagree")
    return Snapshot(index, cols, vocab)
