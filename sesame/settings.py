"""All of Sesame's settings, in one pydantic-settings object.

Environment variables use the prefix ``SESAME_`` and ``__`` for nesting, e.g.
``SESAME_DATABASE__URL`` or ``SESAME_EMBEDDINGS__PRETRAINED``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class IndexBackend(StrEnum):
    FAISS = "faiss"
    QDRANT = "qdrant"


class DatabaseSettings(BaseModel):
    # None means SQLite at ``{data_dir}/sesame.db``.
    url: str | None = None
    echo: bool = False


class EmbeddingSettings(BaseModel):
    model: str = "ViT-B-32"
    # An open_clip pretrained tag, or a path to a local checkpoint (state_dict) file.
    pretrained: str = "laion2b_s34b_b79k"
    batch_size: int = Field(default=32, ge=1, le=1024)
    # Torch intra-op threads per batch. 1 by default: with more, OpenMP spin-waits made
    # encoding 10x slower whenever the cores were shared (docs/benchmarks.md).
    torch_threads: int = Field(default=1, ge=1, le=256)
    # Where open_clip caches downloaded weights (None: the Hugging Face default).
    cache_dir: Path | None = None
    # Download missing weights at start-up (off: serving reads the local cache only).
    allow_download: bool = False
    # onnx: the towers exported to ONNX once (cached by weights) and run by ONNX Runtime;
    # torch: the reference, open_clip's own modules.
    runtime: Literal["onnx", "torch"] = "onnx"
    # Where ONNX exports are cached (None: {data_dir}/models/onnx).
    onnx_dir: Path | None = None
    # ONNX Runtime intra-op threads (it does not spin-wait, so 2 shares the cores well).
    onnx_threads: int = Field(default=2, ge=1, le=256)
    # Concurrent photo encodings wait this long to share one forward pass (0: never).
    batch_window_ms: float = Field(default=3.0, ge=0.0, le=100.0)
    # auto: int8 once `sesame models quantize` approved it for these weights, else fp32.
    precision: Literal["auto", "fp32", "int8"] = "auto"


class IndexSettings(BaseModel):
    backend: IndexBackend = IndexBackend.FAISS
    # FAISS: "auto" is exact below ``exact_below`` vectors and HNSW above.
    faiss_type: Literal["auto", "flat", "hnsw"] = "auto"
    exact_below: int = Field(default=50_000, ge=0)
    hnsw_m: int = Field(default=32, ge=4, le=128)
    hnsw_ef_construction: int = Field(default=48, ge=8)
    hnsw_ef_search: int = Field(default=128, ge=8)
    # HNSW rows: "sq8" codes (a third of the memory, same recall: docs/benchmarks.md) or float32.
    hnsw_storage: Literal["flat", "sq8"] = "sq8"
    # Qdrant: a server URL, or a local path / ":memory:" for local mode.
    url: str | None = None
    path: str | None = None
    api_key: str | None = None
    collection: str = "sesame"

    @model_validator(mode="after")
    def _one_qdrant_location(self) -> IndexSettings:
        if self.url and self.path:
            raise ValueError(
                "Set either SESAME_INDEX__URL (a Qdrant server) or SESAME_INDEX__PATH "
                "(Qdrant local mode), not both."
            )
        return self


class SearchSettings(BaseModel):
    default_limit: int = Field(default=10, ge=1, le=100)
    max_limit: int = Field(default=50, ge=1, le=500)
    max_query_chars: int = Field(default=500, ge=1)
    candidate_pool: int = Field(default=400, ge=10)  # product hits grouped, then paged
    # Weight of the supplier trust score in the final ranking (0 = similarity only).
    trust_weight: float = Field(default=0.02, ge=0.0, le=1.0)
    rrf_k: int = Field(default=60, ge=1)  # reciprocal-rank fusion's k (hybrid text search)
    # Relevance floors, per request as min_score: photo search (photo-to-photo cosine)
    # and text search (query-to-photo/description cosine; keyword matches never cut).
    min_score_image: float = Field(default=0.5, ge=-1.0, le=1.0)
    min_score_text: float = Field(default=0.2, ge=-1.0, le=1.0)
    # Query embeddings kept (LRU) so a repeated query skips the text tower; 0 turns it off.
    query_cache: int = Field(default=2048, ge=0, le=1_000_000)
    # Photos this similar (image-vector cosine) are one item offered by several suppliers.
    duplicate_threshold: float = Field(default=0.95, ge=0.5, le=1.0)
    # SQLite: rank keywords from an in-memory copy of FTS5's index (same bm25, faster).
    keyword_memory: bool = True


class ImageSettings(BaseModel):
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    # Decompression-bomb guard: images with more pixels are refused before decoding
    # (48 MP admits the largest common phone photos, 8000x6000).
    max_pixels: int = Field(default=48_000_000, ge=10_000)
    # Photos are decoded and reduced to about this many pixels on their short side (after
    # the crop): twice what the encoder looks at, so crops and resizing keep their detail.
    decode_min_side: int = Field(default=448, ge=32, le=8192)


class ApiSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # Threads for database work (sign-in, conversations, catalog reads).
    executor_threads: int = Field(default=4, ge=1, le=64)
    # Each kind of blocking work has its own pool: workers, and calls allowed to wait.
    # Beyond that a request gets 503 with Retry-After instead of queueing without end.
    database_queue: int = Field(default=64, ge=0, le=10_000)
    model_workers: int = Field(default=2, ge=1, le=64)
    model_queue: int = Field(default=8, ge=0, le=10_000)
    translation_workers: int = Field(default=2, ge=1, le=64)
    translation_queue: int = Field(default=16, ge=0, le=10_000)
    # Request bodies: JSON and forms without files, and each upload route's own limit.
    max_json_bytes: int = Field(default=64 * 1024, ge=1024)


class LimitSettings(BaseModel):
    """Rate limits ("N/second|minute|hour|day"), per client address or per account.

    Counts live in Redis when SESAME_EVENTS__REDIS_URL is set (shared by every
    server process), else in the process.
    """

    enabled: bool = True
    signup_per_ip: str = "20/hour"
    search_per_ip: str = "120/minute"
    upload_per_ip: str = "60/minute"
    messages_per_account: str = "60/minute"
    conversations_per_account: str = "30/minute"
    tickets_per_account: str = "60/minute"
    catalog_writes_per_account: str = "600/minute"
    catalog_uploads_per_account: str = "20/hour"
    key_prefix: str = "sesame-limits"

    @model_validator(mode="after")
    def _parseable(self) -> LimitSettings:
        from limits import parse

        for name, value in self.model_dump().items():
            if name.endswith(("_per_ip", "_per_account")):
                try:
                    parse(value)
                except ValueError as exc:
                    raise ValueError(
                        f"SESAME_LIMITS__{name.upper()}={value!r} is not a rate like '10/minute'."
                    ) from exc
        return self


class AccountSettings(BaseModel):
    # API tokens expire; a signed-in client gets a fresh one from POST /v1/me/tokens.
    token_ttl_days: float = Field(default=30.0, gt=0, le=3650)
    # WebSocket tickets: single use, and worthless after this many seconds.
    ticket_ttl_s: int = Field(default=60, ge=5, le=3600)


class LiveSettings(BaseModel):
    max_sockets_per_account: int = Field(default=5, ge=1, le=100)
    # Messages waiting for a slow reader; a reader this far behind is disconnected.
    outbound_queue: int = Field(default=100, ge=1, le=10_000)
    max_frame_bytes: int = Field(default=64 * 1024, ge=1024, le=16 * 1024 * 1024)
    # How often open sockets check that their token is still valid.
    recheck_s: float = Field(default=30.0, gt=0, le=3600)


class ShopSettings(BaseModel):
    """Self-service catalogs: per-supplier caps and catalog uploads (zip files)."""

    max_products_per_supplier: int = Field(default=10_000, ge=1)
    max_images_per_product: int = Field(default=10, ge=1, le=100)
    max_upload_bytes: int = Field(default=200 * 1024 * 1024, ge=1024)
    max_upload_files: int = Field(default=20_000, ge=1)
    max_upload_unpacked_bytes: int = Field(default=2 * 1024 * 1024 * 1024, ge=1024)
    # Each serving process runs an indexing worker (off: leave the jobs to other processes).
    worker: bool = True
    # How often the worker looks for jobs and the process reads the change log, in seconds.
    poll_s: float = Field(default=0.5, gt=0, le=60)
    # How long a claimed job is held before another worker may take it over (a dead worker).
    lease_s: float = Field(default=60.0, ge=1)


class TradeSettings(BaseModel):
    """Requests for quotation: per-buyer-company limits (429 past them) and matching."""

    max_open_rfqs: int = Field(default=20, ge=1)
    rfqs_per_day: int = Field(default=10, ge=1)
    rfq_matches: int = Field(default=20, ge=1, le=50)
    rfq_max_days: int = Field(default=180, ge=1, le=3650)


class DemoSettings(BaseModel):
    # Load the generated demo catalog when the store is empty at start-up.
    autoload: bool = False
    products: int = Field(default=300, ge=10)
    seed: int = 7


class TranslationSettings(BaseModel):
    # ISO 639-1 codes users may write and read in (language detection is limited to them).
    languages: list[str] = Field(
        default_factory=lambda: ["en", "zh", "es", "ja", "pt", "vi", "hi", "fr", "de", "tr", "id"]
    )
    # The language of product titles and descriptions; queries are translated into it.
    catalog_language: str = "en"
    # Where Argos packages are installed (None: ``{data_dir}/argos-packages``).
    packages_dir: Path | None = None
    cache_size: int = Field(default=10_000, ge=0)
    # CTranslate2 threads per translation: one keeps chat latency low on small machines
    # (docs/benchmarks.md); requests run in parallel on the executor instead.
    intra_threads: int = Field(default=1, ge=0, le=256)
    beam_size: int = Field(default=1, ge=1, le=8)
    # Translate text queries into the catalog language before searching. Turn off with a
    # multilingual text tower (e.g. SESAME_EMBEDDINGS__MODEL=xlm-roberta-base-ViT-B-32).
    translate_queries: bool = True
    # Seconds between checks of the packages folder for installed or removed packages.
    reload_interval_s: float = Field(default=2.0, ge=0.0, le=3600.0)
    # Model work per request: titles of a result page, and characters of a description,
    # translated while the buyer waits; the rest is translated in the background and kept.
    title_budget: int = Field(default=20, ge=0, le=1000)
    description_chars: int = Field(default=2000, ge=100, le=100_000)

    @model_validator(mode="after")
    def _catalog_language_supported(self) -> TranslationSettings:
        self.languages = [code.strip().lower() for code in self.languages]
        if self.catalog_language not in self.languages:
            raise ValueError(
                f"SESAME_TRANSLATION__CATALOG_LANGUAGE ({self.catalog_language}) must be one of "
                "SESAME_TRANSLATION__LANGUAGES."
            )
        return self


class EventSettings(BaseModel):
    # Redis for live delivery across server processes (None: in-process only).
    redis_url: str | None = None
    channel: str = "sesame:events"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SESAME_", env_nested_delimiter="__", extra="ignore"
    )

    data_dir: Path = Path("data")
    database: DatabaseSettings = DatabaseSettings()
    embeddings: EmbeddingSettings = EmbeddingSettings()
    index: IndexSettings = IndexSettings()
    search: SearchSettings = SearchSettings()
    images: ImageSettings = ImageSettings()
    api: ApiSettings = ApiSettings()
    demo: DemoSettings = DemoSettings()
    translation: TranslationSettings = TranslationSettings()
    events: EventSettings = EventSettings()
    limits: LimitSettings = LimitSettings()
    accounts: AccountSettings = AccountSettings()
    live: LiveSettings = LiveSettings()
    shop: ShopSettings = ShopSettings()
    trade: TradeSettings = TradeSettings()

    @property
    def database_url(self) -> str:
        if self.database.url:
            return self.database.url
        return f"sqlite:///{(self.data_dir / 'sesame.db').resolve()}"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def onnx_dir(self) -> Path:
        return self.embeddings.onnx_dir or self.data_dir / "models" / "onnx"

    @property
    def argos_packages_dir(self) -> Path:
        return self.translation.packages_dir or self.data_dir / "argos-packages"

    @model_validator(mode="after")
    def _limits_agree(self) -> Settings:
        if self.search.default_limit > self.search.max_limit:
            raise ValueError(
                "SESAME_SEARCH__DEFAULT_LIMIT must not exceed SESAME_SEARCH__MAX_LIMIT."
            )
        return self
