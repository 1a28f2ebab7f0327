"""Open the vector index a backend name asks for, with plain parameters."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sesame.index.base import VectorIndex
from sesame.index.faiss_index import FaissIndex
from sesame.index.faiss_search import FaissParams

logger = logging.getLogger(__name__)
BACKENDS = ("faiss", "qdrant")


@dataclass(frozen=True, slots=True)
class QdrantOptions:
    """A Qdrant server (``url``), or local mode at ``path`` (``":memory:"`` for RAM)."""

    url: str | None = None
    path: str | None = None
    api_key: str | None = None
    collection: str = "sesame"

    def __post_init__(self) -> None:
        if self.url and self.path:
            raise ValueError("Give Qdrant either a server url or a local path, not both.")


def faiss_folder(data_dir: Path) -> Path:
    """Where the FAISS backend keeps its file under the data folder."""
    return data_dir / "index"


def open_index(
    backend: str,
    *,
    dim: int,
    model_id: str,
    data_dir: Path,
    faiss: FaissParams | None = None,
    qdrant: QdrantOptions | None = None,
) -> VectorIndex:
    """Open (or create) the index for vectors of ``model_id``, ``dim`` wide.

    FAISS keeps its file in ``data_dir/index``; Qdrant uses the server at
    ``qdrant.url``, local mode at ``qdrant.path``, or else ``data_dir/qdrant``.
    """
    match backend:
        case "faiss":
            params = faiss or FaissParams()
            logger.info("Opening the FAISS index (%s) in %s", params.index_type, data_dir)
            return FaissIndex(
                dim=dim, model_id=model_id, directory=faiss_folder(data_dir), params=params
            )
        case "qdrant":
            return _open_qdrant(qdrant or QdrantOptions(), dim=dim, model_id=model_id,
                                data_dir=data_dir)  # fmt: skip
        case _:
            raise ValueError(
                f"Unknown index backend {backend!r}; "
                f"set SESAME_INDEX__BACKEND to one of {list(BACKENDS)}."
            )


def _open_qdrant(options: QdrantOptions, *, dim: int, model_id: str, data_dir: Path) -> VectorIndex:
    try:
        from sesame.index.qdrant_index import QdrantIndex
    except ImportError as exc:
        raise ImportError(
            "SESAME_INDEX__BACKEND=qdrant needs qdrant-client: pip install 'sesame[qdrant]'."
        ) from exc
    path = None if options.url else options.path or str(data_dir / "qdrant")
    logger.info("Opening Qdrant at %s", options.url or path)
    return QdrantIndex.connect(
        dim=dim,
        model_id=model_id,
        collection=options.collection,
        url=options.url,
        api_key=options.api_key,
        path=path,
    )
