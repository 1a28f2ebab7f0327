"""Settings to parts: the one place that maps ``Settings`` onto component parameters.

Each function builds one part with plain parameters. Heavy libraries (torch,
open_clip, CTranslate2) are imported inside the function that needs them, so
that importing the composition root (and starting the web server) stays fast.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from sesame.catalog.db import make_engine, make_session_factory, migrate
from sesame.core.files import fsync_dir, read_through
from sesame.core.pools import BoundedPool, Pools
from sesame.embeddings.base import Encoder
from sesame.index.base import VectorIndex
from sesame.index.factory import QdrantOptions, faiss_folder, open_index
from sesame.index.faiss_index import FILE_NAME, FaissIndex
from sesame.index.faiss_search import FaissParams
from sesame.ingest.index_sync import fill_index, rebuild_index, reconcile_index
from sesame.media.images import ImageLimits
from sesame.media.store import MediaStore
from sesame.search.results import SearchOptions
from sesame.settings import IndexBackend, Settings
from sesame.translation.base import Translator
from sesame.translation.detect import LanguageDetector

if TYPE_CHECKING:  # imported where used: torch and ONNX Runtime load slowly
    from sesame.embeddings.clip import OpenClipEncoder
    from sesame.embeddings.onnx import OnnxEncoder

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Database:
    engine: Engine
    sessions: sessionmaker[Session]

    def ping(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            logger.exception("Database check failed")
            return False
        return True

    def close(self) -> None:
        self.engine.dispose()


@dataclass(frozen=True, slots=True)
class Translation:
    translator: Translator
    detector: LanguageDetector


def open_database(settings: Settings) -> Database:
    """Connect and bring the schema to the newest migration."""
    engine = make_engine(settings.database_url, echo=settings.database.echo)
    try:
        migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return Database(engine, make_session_factory(engine))


def load_encoder(settings: Settings) -> Encoder:
    """The open_clip model on its runtime, warmed up; raises ModelUnavailable without weights."""
    from sesame.embeddings.microbatch import MicroBatcher

    cfg = settings.embeddings
    encoder = _onnx_encoder(settings) if cfg.runtime == "onnx" else _torch_encoder(settings)
    encoder.warm_up()
    if cfg.batch_window_ms <= 0:
        return encoder
    return MicroBatcher(encoder, window_s=cfg.batch_window_ms / 1000)


def _onnx_encoder(settings: Settings) -> OnnxEncoder:
    from sesame.embeddings.onnx import OnnxEncoder

    cfg = settings.embeddings
    return OnnxEncoder.load(
        cfg.model, cfg.pretrained, onnx_dir=settings.onnx_dir, cache_dir=cfg.cache_dir,
        allow_download=cfg.allow_download, batch_size=cfg.batch_size,
        threads=cfg.onnx_threads, precision=cfg.precision,
    )  # fmt: skip


def _torch_encoder(settings: Settings) -> OpenClipEncoder:
    from sesame.embeddings.clip import OpenClipEncoder

    cfg = settings.embeddings
    return OpenClipEncoder.load(
        cfg.model, cfg.pretrained, cache_dir=cfg.cache_dir, allow_download=cfg.allow_download,
        batch_size=cfg.batch_size, torch_threads=cfg.torch_threads,
    )  # fmt: skip


def faiss_params(settings: Settings) -> FaissParams:
    cfg = settings.index
    return FaissParams(
        index_type=cfg.faiss_type,
        exact_below=cfg.exact_below,
        hnsw_m=cfg.hnsw_m,
        ef_construction=cfg.hnsw_ef_construction,
        ef_search=cfg.hnsw_ef_search,
        hnsw_storage=cfg.hnsw_storage,
    )


def open_vector_index(settings: Settings, encoder: Encoder, database: Database) -> VectorIndex:
    """The index for ``encoder``'s vectors, reconciled with the stored embeddings."""
    cfg = settings.index
    index = open_index(
        cfg.backend.value,
        dim=encoder.dim,
        model_id=encoder.model_id,
        data_dir=settings.data_dir,
        faiss=faiss_params(settings),
        qdrant=QdrantOptions(
            url=cfg.url, path=cfg.path, api_key=cfg.api_key, collection=cfg.collection
        ),
    )
    try:
        reconcile_index(index, database.sessions, encoder.model_id)
    except BaseException:
        index.close()
        raise
    return index


def prefetch_index_file(settings: Settings) -> None:
    """Read the FAISS index file into the page cache on a thread of its own, while the model
    loads: after a reboot the file (about 870 MB at 1M vectors) then loads from memory."""
    path = faiss_folder(settings.data_dir) / FILE_NAME
    if settings.index.backend is IndexBackend.FAISS and path.is_file():
        threading.Thread(target=read_through, args=(path,), name="sesame-index-prefetch",
                         daemon=True).start()  # fmt: skip


def rebuild_vector_index(settings: Settings, encoder: Encoder, database: Database) -> int:
    """A fresh index from the stored vectors; returns how many it holds.

    FAISS builds a new file beside the live one, without reading it, and renames it
    over the old file only once complete: until then the old file stays whole, and
    a server loads whichever is there. Qdrant empties and refills its collection.
    """
    if settings.index.backend is not IndexBackend.FAISS:
        index = open_vector_index(settings, encoder, database)
        try:
            return rebuild_index(index, database.sessions, encoder.model_id)
        finally:
            index.close()
    live = faiss_folder(settings.data_dir)
    side = live / ".rebuilding"
    shutil.rmtree(side, ignore_errors=True)  # what a crashed rebuild left
    params = faiss_params(settings)
    index = FaissIndex(dim=encoder.dim, model_id=encoder.model_id, directory=side, params=params)
    count = fill_index(index, database.sessions, encoder.model_id)
    os.replace(side / FILE_NAME, live / FILE_NAME)
    fsync_dir(live)
    shutil.rmtree(side, ignore_errors=True)
    return count


def load_translation(settings: Settings) -> Translation:
    """The installed Argos packages (offline-safe, reloaded when they change) and lingua."""
    from sesame.translation.argos import ArgosTranslator, DecodingOptions
    from sesame.translation.cache import CachingTranslator
    from sesame.translation.detect import LinguaDetector
    from sesame.translation.reloading import ReloadingTranslator, folder_stamp

    cfg = settings.translation
    folder = settings.argos_packages_dir
    argos = ArgosTranslator(
        folder,
        decoding=DecodingOptions(beam_size=cfg.beam_size),
        intra_threads=cfg.intra_threads,
        inter_threads=settings.api.executor_threads,
    )
    reloading = ReloadingTranslator(
        argos, lambda: folder_stamp(folder), interval=cfg.reload_interval_s
    )
    reloading.load()
    translator = CachingTranslator(reloading, maxsize=cfg.cache_size)
    return Translation(translator, LinguaDetector(set(cfg.languages)))


def media_store(settings: Settings) -> MediaStore:
    return MediaStore(settings.media_dir)


def image_limits(settings: Settings) -> ImageLimits:
    cfg = settings.images
    return ImageLimits(
        max_pixels=cfg.max_pixels, max_bytes=cfg.max_upload_bytes, min_side=cfg.decode_min_side
    )


def search_options(settings: Settings) -> SearchOptions:
    cfg = settings.search
    return SearchOptions(
        default_limit=cfg.default_limit,
        max_limit=cfg.max_limit,
        max_query_chars=cfg.max_query_chars,
        candidate_pool=cfg.candidate_pool,
        trust_weight=cfg.trust_weight,
        rrf_k=cfg.rrf_k,
        min_score_image=cfg.min_score_image,
        min_score_text=cfg.min_score_text,
        query_cache=cfg.query_cache,
    )


def make_pools(settings: Settings) -> Pools:
    """Threads start on first use, so a CLI command that never submits work pays nothing."""
    api = settings.api
    return Pools(
        database=BoundedPool(
            "database", workers=api.executor_threads, queue=api.database_queue,
            what="database work",
        ),
        model=BoundedPool(
            "model", workers=api.model_workers, queue=api.model_queue, what="searches"
        ),
        translation=BoundedPool(
            "translation", workers=api.translation_workers, queue=api.translation_queue,
            what="translations",
        ),
    )  # fmt: skip
