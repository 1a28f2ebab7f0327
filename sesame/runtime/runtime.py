"""The running parts of a Sesame process, and the services wired to them.

Each part sits in a ``Slot``: the web server fills them in the background while
it already answers, the CLI fills the ones a command needs before it runs.
Services are built at once and reach their parts through the slots, so a part
still loading answers 503 and a part that failed answers its own error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from sqlalchemy.orm import Session

from sesame.accounts.service import Accounts
from sesame.catalog.keyword_memory import KeywordMemory
from sesame.chat.service import ChatService
from sesame.chat.translating import MessageTranslations
from sesame.core.pools import Overloaded
from sesame.core.slots import Slot
from sesame.embeddings.base import Encoder
from sesame.index.base import VectorIndex
from sesame.ingest.embedder import Embedder, IndexingEmbedder, PendingEmbedder
from sesame.ingest.follower import ChangeFollower
from sesame.ingest.pipeline import Ingestor, IngestReport
from sesame.ingest.uploads import UploadProcessor, ZipLimits
from sesame.ingest.worker import IndexWorker
from sesame.media.store import MediaStore
from sesame.runtime import parts
from sesame.runtime.parts import Database, Translation
from sesame.search.browse import CatalogBrowser
from sesame.search.matching import match_suppliers
from sesame.search.offers import Offers
from sesame.search.preferences import Preferences
from sesame.search.product_text import ProductTexts, TextLimits
from sesame.search.query_language import QueryTranslator, UntranslatedQueries
from sesame.search.service import Queries, SearchService
from sesame.settings import Settings
from sesame.shop.products import Caps, ProductService
from sesame.shop.profiles import SupplierProfiles
from sesame.shop.trust import Verifications
from sesame.shop.uploads import CatalogUploads
from sesame.trade.quotes import QuoteDesk
from sesame.trade.reviews import Reviews
from sesame.trade.rfqs import RfqBoard, RfqLimits, RfqQuery
from sesame.trade.texts import FreeTexts
from sesame.translation.base import Translator
from sesame.translation.detect import LanguageDetector

logger = logging.getLogger(__name__)


@dataclass
class Slots:
    database: Slot[Database] = field(default_factory=lambda: Slot("the database"))
    encoder: Slot[Encoder] = field(default_factory=lambda: Slot("the embedding model"))
    index: Slot[VectorIndex] = field(default_factory=lambda: Slot("the vector index"))
    translation: Slot[Translation] = field(default_factory=lambda: Slot("the translator"))
    demo: Slot[IngestReport] = field(default_factory=lambda: Slot("the demo catalog"))


class Runtime:
    """Slots for the parts, and the services that use them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.slots = Slots()
        self.pools = parts.make_pools(settings)
        self.media: MediaStore = parts.media_store(settings)
        self.accounts = Accounts(
            sessions=self.session,
            languages=set(settings.translation.languages),
            token_ttl=timedelta(days=settings.accounts.token_ttl_days),
            ticket_ttl=timedelta(seconds=settings.accounts.ticket_ttl_s),
        )
        texts = self._product_texts()
        # Loaded by the server's start-up on SQLite (``Startup.keywords``); FTS5 until then.
        self.keywords = KeywordMemory(self.session)
        self.offers = Offers(
            sessions=self.session, encoder=self.slots.encoder.get, index=self.slots.index.get,
            threshold=settings.search.duplicate_threshold,
        )  # fmt: skip
        self.search = SearchService(
            sessions=self.session,
            options=parts.search_options(settings),
            encoder=self.slots.encoder.get,
            index=self.slots.index.get,
            queries=self._queries(),
            texts=texts,
            twins=self.offers.counts,
            keywords=self.keywords,
        )
        self.preferences = Preferences(sessions=self.session)
        self.browse = CatalogBrowser(sessions=self.session, media=self.media, texts=texts)
        self.translations = MessageTranslations(sessions=self.session, translator=self.translator)
        self.chat = ChatService(
            sessions=self.session, translations=self.translations, detector=self.detector
        )
        self.products = self._product_service()
        self.profiles = SupplierProfiles(sessions=self.session)
        self.verifications = Verifications(sessions=self.session)
        self.uploads = CatalogUploads(sessions=self.session, uploads_dir=settings.uploads_dir)
        self._trade()
        self.follower: ChangeFollower | None = None  # set once the index has loaded

    def _trade(self) -> None:
        """Reviews, requests for quotation and quotes."""
        self.free_texts = FreeTexts(
            translator=self.translator, sessions=self.session, background=self._in_background,
            budget=self.settings.translation.title_budget,
        )  # fmt: skip
        self.reviews = Reviews(sessions=self.session, detector=self.detector, texts=self.free_texts)
        self.rfqs = self._rfq_board()
        self.quotes = QuoteDesk(sessions=self.session, board=self.rfqs, talk=self.chat,
                                texts=self.free_texts, detector=self.detector)  # fmt: skip

    def _product_texts(self) -> ProductTexts:
        cfg = self.settings.translation
        return ProductTexts(
            translator=self.translator, sessions=self.session,
            catalog_language=cfg.catalog_language, languages=cfg.languages,
            background=self._in_background,
            limits=TextLimits(cfg.title_budget, cfg.description_chars),
        )  # fmt: skip

    def _product_service(self) -> ProductService:
        shop = self.settings.shop
        return ProductService(
            sessions=self.session, media=self.media, limits=parts.image_limits(self.settings),
            caps=Caps(shop.max_products_per_supplier, shop.max_images_per_product),
        )  # fmt: skip

    def _rfq_board(self) -> RfqBoard:
        trade = self.settings.trade
        limits = RfqLimits(trade.max_open_rfqs, trade.rfqs_per_day, trade.rfq_matches,
                           trade.rfq_max_days)  # fmt: skip

        def matcher(query: RfqQuery) -> list[tuple[int, float]]:
            return match_suppliers(
                self.search, text=query.text, language=query.language, image=query.image,
                countries=query.countries, verified_only=query.verified_only, limit=query.limit,
            )  # fmt: skip

        return RfqBoard(sessions=self.session, matcher=matcher, media=self.media,
                        detector=self.detector, images=parts.image_limits(self.settings),
                        limits=limits)  # fmt: skip

    # -- what services reach through ------------------------------------------------

    def session(self) -> Session:
        """A database session; NotReady while the database is still loading."""
        return self.slots.database.get().sessions()

    def encoder(self) -> Encoder:
        """The embedding model; NotReady (or why it failed) until it has loaded."""
        return self.slots.encoder.get()

    def index(self) -> VectorIndex:
        return self.slots.index.get()

    def translator(self) -> Translator:
        return self.slots.translation.get().translator

    def detector(self) -> LanguageDetector:
        return self.slots.translation.get().detector

    def _in_background(self, job: Callable[[], None]) -> None:
        """Translation work a request had no budget for; dropped when the pool is full."""
        try:
            self.pools.translation.submit(job)
        except Overloaded:
            logger.info("Translation pool full: background translation skipped")

    def _queries(self) -> Queries:
        cfg = self.settings.translation
        languages = set(cfg.languages)
        if cfg.translate_queries:
            return QueryTranslator(
                detector=self.detector, translator=self.translator,
                catalog_language=cfg.catalog_language, languages=languages,
            )  # fmt: skip
        return UntranslatedQueries(
            detector=self.detector, catalog_language=cfg.catalog_language, languages=languages
        )

    # -- ingestion ------------------------------------------------------------------

    def embedder(self) -> Embedder:
        """Encode and index when the model is ready; otherwise store products as pending."""
        encoder, index = self.slots.encoder.peek(), self.slots.index.peek()
        if encoder is None or index is None:
            return PendingEmbedder()
        return IndexingEmbedder(encoder, index)

    def ingestor(
        self,
        *,
        batch_size: int | None = None,
        progress: Callable[[int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        queued: bool = False,
    ) -> Ingestor:
        """An ingestion run; ``queued`` leaves the embedding to the indexing workers."""
        return Ingestor(
            sessions=self.session,
            media=self.media,
            embedder=PendingEmbedder() if queued else self.embedder(),
            limits=parts.image_limits(self.settings),
            batch_size=batch_size or self.settings.embeddings.batch_size,
            progress=progress,
            should_stop=should_stop,
        )

    def index_worker(self) -> IndexWorker:
        """A worker for the job queue: it waits (NotReady) until model and index are loaded."""
        shop = self.settings.shop
        uploads = UploadProcessor(
            sessions=self.session, ingestor=partial(self.ingestor, queued=True),
            uploads_dir=self.settings.uploads_dir,
            limits=ZipLimits(shop.max_upload_files, shop.max_upload_unpacked_bytes),
            max_products=shop.max_products_per_supplier,
        )  # fmt: skip
        return IndexWorker(
            sessions=self.session, media=self.media, limits=parts.image_limits(self.settings),
            embedder=lambda: IndexingEmbedder(self.encoder(), self.index()), uploads=uploads,
            lease=timedelta(seconds=shop.lease_s),
        )  # fmt: skip

    # -- life cycle -----------------------------------------------------------------

    def close(self) -> None:
        """Release what was opened: the pools' threads, the index (flushed), the engine."""
        self.pools.shutdown()
        index = self.slots.index.peek()
        if index is not None:
            try:
                index.flush()
            except OSError as exc:  # a full disk: the index is rebuilt from the database
                logger.error("Could not write the vector index (%s); it will be reconciled", exc)
            index.close()
        database = self.slots.database.peek()
        if database is not None:
            database.close()
