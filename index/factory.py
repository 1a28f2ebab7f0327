"""Open the vector index the settings name."""

from __future__ import annotations

import logging
from pathlib import Path

from index.base import VectorIndex
from index.faiss_index import FaissIndex, FaissParams
from sesame.settings import IndexBackend, IndexSettings

logger = logging.getLogger(__name__)


def open_index(settings: IndexSettings, *, dim: int, model_id: str, data_dir: Path) -> VectorIndex:
    """Open (or create) the index for vectors of ``model_id``, ``dim`` wide.

    FAISS keeps its file in ``data_dir/index``; Qdrant uses the server at
    ``settings.url``, local mode at ``settings.path``, or else ``data_dir/qdrant``.
    """
    match settings.backend:
        case IndexBackend.FAISS:
            logger.info("Opening the FAISS index (%s) in %s", settings.faiss_type, data_dir)
            return FaissIndex(
                dim=dim,
                model_id=model_id,
                directory=data_dir / "index",
                params=FaissParams.from_settings(settings),
            )
        case IndexBackend.QDRANT:
            return _open_qdrant(settings, dim=dim, model_id=model_id, data_dir=data_dir)
        case _:
            raise ValueError(
                f"Unknown index backend {settings.backend!r}; "
                f"set SESAME_INDEX__BACKEND to one of {[b.value for b in IndexBackend]}."
            )


def _open_qdrant(
    settings: IndexSettings, *, dim: int, model_id: str, data_dir: Path
) -> VectorIndex:
    try:
        from index.qdrant_index import QdrantIndex
    except ImportError as exc:
        raise ImportError(
            "SESAME_INDEX__BACKEND=qdrant needs qdrant-client: pip install 'sesame[qdrant]'."
        ) from exc
    path = None if settings.url else settings.path or str(data_dir / "qdrant")
    logger.info("Opening Qdrant at %s", settings.url or path)
    return QdrantIndex.connect(
        dim=dim,
        model_id=model_id,
        collection=settings.collection,
        url=settings.url,
        api_key=settings.api_key,
        path=path,
    )
