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

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from catalog import repository as repo
from catalog.db import make_engine, make_session_factory, migrate
from embeddings.base import Encoder
from embeddings.clip import OpenClipEncoder
from index.base import VectorIndex
from index.factory import open_index
from sesame.chat import ChatService
from sesame.errors import ModelUnavailable, NotReady, SesameError
from sesame.index_sync import reconcile_index
from sesame.ingest import ImageLimits, Ingestor, IngestReport
from sesame.media import MediaStore
from sesame.query_language import QueryTranslator
from sesame.search import SearchService
from sesame.settings import Settings
from translation.base import Translator
from translation.detect import LanguageDetector

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
    translator_value: Translator | None = None
    detector_value: LanguageDetector | None = None
    search: SearchService = field(init=False)
    _reload_translation: Callable[[], None] | None = None
    _packages_stamp: float = -1.0

    def __post_init__(self) -> None:
        self.search = SearchService(
            session_factory=self.session_factory,
            settings=self.settings.search,
            encoder=self.encoder,
            index=self.index,
        )

    @classmethod
    def open(
        cls, settings: Settings, *, load_model: bool = True, load_translation: bool = True
    ) -> Runtime:
        """Migrate the database and load the model, the index and the translators."""
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
        if load_translation:
            runtime.load_translation()
        return runtime

    def load_translation(self) -> None:
        """Load the installed Argos packages (offline-safe) and the language detector."""
        from translation.argos import ArgosTranslator, DecodingOptions
        from translation.cache import CachingTranslator
        from translation.detect import LinguaDetector

        cfg = self.settings.translation
        argos = ArgosTranslator(
            self.settings.argos_packages_dir,
            decoding=DecodingOptions(beam_size=cfg.beam_size),
            intra_threads=cfg.intra_threads,
            inter_threads=self.settings.api.executor_threads,
        )
        cache = CachingTranslator(argos, maxsize=cfg.cache_size)

        def reload() -> None:
            self._packages_stamp = _folder_stamp(self.settings.argos_packages_dir)
            argos.load()

        reload()
        self._reload_translation = reload
        self.translator_value = cache
        self.detector_value = LinguaDetector(set(cfg.languages))

    def translator(self) -> Translator:
        """The translator; packages installed since the last call are loaded first."""
        if self.translator_value is None or self._reload_translation is None:
            raise NotReady("Translation is not loaded.")
        if _folder_stamp(self.settings.argos_packages_dir) != self._packages_stamp:
            logger.info("Translation packages changed on disk: reloading")
            self._reload_translation()
        return self.translator_value

    def detector(self) -> LanguageDetector:
        if self.detector_value is None:
            raise NotReady("Language detection is not loaded.")
        return self.detector_value

    def chat(self) -> ChatService:
        return ChatService(
            session_factory=self.session_factory,
            translator=self.translator,
            detector=self.detector(),
        )

    def query_translator(self) -> QueryTranslator:
        cfg = self.settings.translation
        return QueryTranslator(
            detector=self.detector(),
            translator=self.translator,
            catalog_language=cfg.catalog_language,
            languages=set(cfg.languages),
            enabled=cfg.translate_queries,
        )

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
        self,
        *,
        batch_size: int | None = None,
        progress: Callable[[int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
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
            should_stop=should_stop,
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


def _folder_stamp(folder: Path) -> float:
    """Changes when a package folder is added or removed (installs are atomic renames)."""
    try:
        return folder.stat().st_mtime
    except FileNotFoundError:
        return 0.0
