"""Loading the parts: the database first, then the model with its index and the
translation models side by side, then (if asked) the demo catalog.

The web server runs these steps on its executor after it starts answering
(``load_in_background``); the CLI runs the ones it needs in its own thread. A
step that fails records its error in its slot and the process carries on: what
does not need that part keeps working, and what does answers with the error.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path
from typing import Any, TypeVar

from sesame.catalog import repository as repo
from sesame.catalog.changes import latest_change
from sesame.core.errors import NotReady, SesameError
from sesame.core.slots import Slot
from sesame.ingest.follower import ChangeFollower
from sesame.ingest.pipeline import IngestReport
from sesame.runtime import parts
from sesame.runtime.runtime import Runtime
from sesame.settings import Settings

logger = logging.getLogger(__name__)
T = TypeVar("T")


class Startup:
    """The loading steps of one runtime; each fills its slots and never raises."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        self.cancelled = threading.Event()

    def database(self) -> None:
        _fill(self.runtime.slots.database, lambda: parts.open_database(self.settings))

    def translation(self) -> None:
        _fill(self.runtime.slots.translation, lambda: parts.load_translation(self.settings))

    def model(self) -> None:
        """The encoder, then its index (which needs the database to reconcile)."""
        slots = self.runtime.slots
        parts.prefetch_index_file(self.settings)
        encoder = _fill(slots.encoder, lambda: parts.load_encoder(self.settings))
        if encoder is None or self.cancelled.is_set():
            slots.index.fail(_why_missing(slots.encoder))
            return
        database = slots.database.peek()
        if database is None:
            slots.index.fail(_why_missing(slots.database))
            return
        with database.sessions() as session:
            cursor = latest_change(session)  # read before the index catches up with the database
        index = _fill(
            slots.index, lambda: parts.open_vector_index(self.settings, encoder, database)
        )
        if index is not None:
            self.runtime.follower = ChangeFollower(
                sessions=database.sessions, index=index, model_id=encoder.model_id, cursor=cursor
            )

    def keywords(self) -> None:
        """SQLite: the in-memory keyword index (PostgreSQL ranks in the database)."""
        database = self.runtime.slots.database.peek()
        if (database is None or database.engine.dialect.name != "sqlite"
                or not self.settings.search.keyword_memory):  # fmt: skip
            return
        try:
            self.runtime.keywords.load()
        except Exception:  # keyword search stays on FTS5, which gives the same ranking
            logger.exception("Could not build the keyword index; FTS5 answers instead")

    def demo(self) -> None:
        """Generate and ingest the demo catalog when the store has no products."""
        report = _fill(self.runtime.slots.demo, lambda: load_demo_if_empty(self.runtime))
        if report is not None and report.products_changed:
            logger.info("Demo catalog: %d products", report.products_changed)

    def load_all(self) -> None:
        """Every part, one after the other, in this thread."""
        self.database()
        self.translation()
        self.model()


def open_runtime(settings: Settings) -> Runtime:
    """A runtime with every part loaded now (the CLI and tests); raises if the database fails."""
    runtime = Runtime(settings)
    Startup(runtime).load_all()
    try:
        runtime.slots.database.get()
    except BaseException:
        runtime.close()
        raise
    return runtime


async def load_in_background(startup: Startup, executor: Executor) -> None:
    """The web server's start-up: every step on the executor, none on the event loop."""
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(executor, startup.database)
    if not startup.cancelled.is_set():
        steps = [startup.translation, startup.model, startup.keywords]
        await asyncio.gather(*(loop.run_in_executor(executor, step) for step in steps))
    if startup.settings.demo.autoload and not startup.cancelled.is_set():
        await loop.run_in_executor(executor, startup.demo)
    logger.info("Start-up finished")


def load_demo_if_empty(runtime: Runtime) -> IngestReport:
    """Generate and ingest the demo catalog unless the store already has products."""
    with runtime.session() as session:
        if repo.count_products(session):
            return IngestReport()
    from sesame.demo.catalog import generate_demo_catalog

    settings = runtime.settings
    demo = settings.data_dir / "demo-catalog"
    if not (demo / "products.jsonl").is_file():
        generate_demo_catalog(demo, products=settings.demo.products, seed=settings.demo.seed)
    logger.info("Store is empty: loading the demo catalog from %s", demo)
    return runtime.ingestor().run(Path(demo))


def _fill(slot: Slot[T], load: Callable[[], T]) -> T | None:
    """Run ``load`` into ``slot``; a failure is logged and kept in the slot."""
    try:
        value = load()
    except SesameError as exc:
        logger.error("%s", exc.message)
        slot.fail(exc)
        return None
    except Exception as exc:
        logger.exception("Could not load %s", slot.what)
        slot.fail(NotReady(f"{slot.what.capitalize()} failed to load ({exc}); see the server log."))
        return None
    slot.set(value)
    logger.info("Loaded %s", slot.what)
    return value


def _why_missing(slot: Slot[Any]) -> SesameError:
    try:
        slot.get()
    except SesameError as exc:
        return exc
    return NotReady(f"{slot.what.capitalize()} did not load.")
