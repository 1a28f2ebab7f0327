"""The running parts of a Sesame process, built once at start-up.

Shared by the web app (built in its lifespan) and the CLI. A part that cannot
load (weights missing) is recorded with its reason; what does not need it keeps
working and what does raises that reason as a NotReady error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.factory import open_index
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from catalog import repository as repo
from catalog.db import make_engine, make_session_factory, migrate
from embeddings.base import Encoder
from embeddings.clip import OpenClipEncoder
from index.base import VectorIndex
from sesame.errors import ModelUnavailable, NotReady, SesameError
from sesame.index_sync import reconcile_index
from sesame.ingest import ImageLimits, Ingestor, IngestReport
from sesame.media import MediaStore
from sesame.search import SearchService
from sesame.settings import Settings

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    media: MediaStore
    encoder_value: Encoder | None = None
    encoder_error: SesameError | None = None
    index_value: VectorIndex | None = None
    search: SearchService = field(init=False)

    def __post_init__(self) -> None:
        self.search = SearchService(
            session_factory=self.session_factory,
            settings=self.settings.search,
            encoder=self.encoder,
            index=self.index,
        )

    @classmethod
    def open(cls, settings: Settings, *, load_model: bool = True) -> Runtime:
        """Migrate the database and load the model and the index."""
        engine = make_engine(settings.database_url, echo=settings.database.echo)
        migrate(engine)
        runtime = cls(
            settings=settings,
            engine=engine,
            session_factory=make_session_factory(engine),
            media=MediaStore(settings.media_dir),
        )
        if load_model:
            runtime.load_model()
        return runtime

    def load_model(self) -> None:
        cfg = self.settings.embeddings
        try:
            encoder = OpenClipEncoder.load(
                cfg.model,
                cfg.pretrained,
                cache_dir=cfg.cache_dir,
                allow_download=cfg.allow_download,
                batch_size=cfg.batch_size,
                torch_threads=cfg.torch_threads,
            )
        except ModelUnavailable as exc:
            logger.error("%s", exc.message)
            self.encoder_error = exc
            return
        encoder.warm_up()
        self.encoder_value = encoder
        self.index_value = open_index(
            self.settings.index,
            dim=encoder.dim,
            model_id=encoder.model_id,
            data_dir=self.settings.data_dir,
        )
        reconcile_index(self.index_value, self.session_factory, encoder.model_id)

    def encoder(self) -> Encoder:
        if self.encoder_value is None:
            raise self.encoder_error or NotReady("The embedding model is not loaded yet.")
        return self.encoder_value

    def index(self) -> VectorIndex:
        if self.index_value is None:
            raise self.encoder_error or NotReady("The vector index is not loaded yet.")
        return self.index_value

    def ingestor(
        self, *, batch_size: int | None = None, progress: Callable[[int], None] | None = None
    ) -> Ingestor:
        return Ingestor(
            session_factory=self.session_factory,
            media=self.media,
            encoder=self.encoder_value,
            index=self.index_value,
            limits=ImageLimits(
                max_pixels=self.settings.images.max_pixels,
                max_bytes=self.settings.images.max_upload_bytes,
            ),
            batch_size=batch_size or self.settings.embeddings.batch_size,
            progress=progress,
        )

    def database_ok(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            logger.exception("Database check failed")
            return False
        return True

    def load_demo_if_empty(self) -> IngestReport | None:
        """Generate and ingest the demo catalog when the store has no products."""
        with self.session_factory() as session:
            if repo.count_products(session):
                return None
        from sesame.demo.catalog import generate_demo_catalog

        demo = self.settings.data_dir / "demo-catalog"
        if not (demo / "products.jsonl").is_file():
            generate_demo_catalog(
                demo, products=self.settings.demo.products, seed=self.settings.demo.seed
            )
        logger.info("Store is empty: loading the demo catalog from %s", demo)
        return self.ingestor().run(Path(demo))

    def close(self) -> None:
        if self.index_value is not None:
            self.index_value.flush()
            self.index_value.close()
        self.engine.dispose()
