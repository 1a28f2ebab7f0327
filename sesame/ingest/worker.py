"""The indexing worker: takes jobs from the durable queue and does them.

A product job decodes the product's stored photos, encodes what it lacks (with
no transaction open), then in one short transaction stores the vectors, marks
the product indexed, logs the change and finishes the job, so a job's effect
is applied exactly once even when a worker dies or loses its lease midway.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from PIL import Image
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from sesame.catalog import jobs
from sesame.catalog.changes import prune_changes, record_change
from sesame.catalog.db import session_scope
from sesame.catalog.keyword_memory import prune_keyword_log
from sesame.catalog.models import Product, utcnow
from sesame.core.errors import NotReady, SesameError
from sesame.ingest.embedder import Embedder, EmbedResult, IndexingEmbedder, Work, commit_batch
from sesame.media.images import ImageLimits, check_photo
from sesame.media.store import MediaStore

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
HOUSEKEEPING_S = 600.0
KEEP_DONE = timedelta(days=1)
KEEP_CHANGES = timedelta(hours=1)  # far longer than any follower lags behind
ProductLoader = Callable[[], IndexingEmbedder]
UploadHandler = Callable[[int, Callable[[], None]], None]  # (upload id, renew the lease)


@dataclass
class _Loaded:
    product_id: int
    external_id: str
    work: Work
    failure: str | None = None


class IndexWorker:
    """Claims jobs with a lease; ``run_once`` does one batch, ``run`` loops until stopped."""

    def __init__(
        self,
        *,
        sessions: Callable[[], Session],
        embedder: ProductLoader,
        media: MediaStore,
        limits: ImageLimits,
        uploads: UploadHandler | None = None,
        name: str | None = None,
        lease: timedelta = jobs.LEASE,
    ) -> None:
        self._sessions = sessions
        self._embedder = embedder
        self._media = media
        self._limits = limits
        self._uploads = uploads
        self._lease = lease
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"

    def run(self, stop: threading.Event, interval: float = 0.5) -> None:
        """Work until ``stop`` is set; sleeps ``interval`` when the queue is empty."""
        tidied = 0.0
        while not stop.is_set():
            if time.monotonic() - tidied > HOUSEKEEPING_S:
                tidied = time.monotonic()
                self._tidy()
            try:
                done = self.run_once()
            except SesameError as exc:  # the database or the model is not ready yet
                logger.debug("Indexing paused: %s", exc.message)
                done = 0
            except Exception:
                logger.exception("Indexing worker failed; retrying")
                done = 0
            if not done:
                stop.wait(interval)

    def _tidy(self) -> None:
        """Keep the queue and the change logs from growing without end."""
        try:
            with session_scope(self._sessions) as session:
                jobs.prune_done(session, KEEP_DONE)
                prune_changes(session, KEEP_CHANGES)
                prune_keyword_log(session)
        except (SesameError, SQLAlchemyError) as exc:
            logger.info("Housekeeping skipped: %s", exc)

    def run_once(self, limit: int = 8) -> int:
        """Claim and do up to ``limit`` jobs; returns how many were done."""
        embedder = self._embedder()  # NotReady while the model loads: claim nothing yet
        with session_scope(self._sessions) as session:
            claimed = jobs.claim(session, self.name, limit=limit, lease=self._lease)
        for job in claimed:
            self._do(job, embedder)
        return len(claimed)

    def _do(self, job: jobs.Claimed, embedder: Embedder) -> None:
        try:
            if job.kind == "upload" and self._uploads is not None:
                self._uploads(job.target_id, lambda: self._renew(job))
                self._finish(job)
            else:
                self._index(job, embedder)
        except NotReady as exc:
            logger.info("Job %s waits: %s", job.id, exc.message)
            with session_scope(self._sessions) as session:
                jobs.release(session, job, self.name)
        except Exception as exc:
            logger.exception("Job %s (%s %s) failed", job.id, job.kind, job.target_id)
            with session_scope(self._sessions) as session:
                if job.attempts < MAX_ATTEMPTS:
                    jobs.release(session, job, self.name)
                elif jobs.finish(session, job, self.name, error=str(exc)):
                    product = session.get(Product, job.target_id) if job.kind == "product" else None
                    if product is not None:
                        product.status, product.status_reason = "failed", str(exc)[:500]

    def _renew(self, job: jobs.Claimed) -> None:
        with session_scope(self._sessions) as session:
            jobs.extend(session, job, self.name, self._lease)

    def _finish(self, job: jobs.Claimed, error: str | None = None) -> None:
        with session_scope(self._sessions) as session:
            jobs.finish(session, job, self.name, error=error)

    def _index(self, job: jobs.Claimed, embedder: Embedder) -> None:
        with self._sessions() as session:  # checked before the photos are decoded and encoded
            stale = jobs.superseded(session, job)
        loaded = None if stale else self._load(job.target_id)
        if loaded is None:  # a newer job does the work, or it was deleted since it was queued
            self._finish(job)
            return
        encoded = embedder.encode(self._sessions, [loaded.work]) if not loaded.failure else None

        def write(session: Session) -> EmbedResult:
            if not jobs.finish(session, job, self.name, error=loaded.failure):
                session.rollback()  # our lease ran out and another worker took the job
                return EmbedResult()
            # Locked (PostgreSQL) before the check, so a change cannot land in between.
            product = session.get(Product, loaded.product_id, with_for_update=True)
            if product is None or jobs.superseded(session, job):
                return EmbedResult()  # what we read may be stale; the product stays pending
            result = EmbedResult()
            if encoded is not None:
                result = embedder.store(session, encoded, {loaded.external_id: product.id})
            product.status = "failed" if loaded.failure else "indexed"
            product.status_reason = loaded.failure
            product.updated_at = utcnow()
            record_change(session, "product", product.id)
            return result

        commit_batch(self._sessions, embedder, write)

    def _load(self, product_id: int) -> _Loaded | None:
        """The product's text and decoded photos; a photo that fails fails the product."""
        with self._sessions() as session:
            product = session.get(Product, product_id)
            if product is None:
                return None
            photos = [(image.sha256, image.path) for image in product.images]
            text = f"{product.title}. {product.description}".strip()
            external = product.external_id
        decoded: dict[str, Image.Image | None] = {}
        for sha, path in photos:
            try:
                data = self._media.path(path).read_bytes()
                decoded[sha] = check_photo(data, self._limits).image
            except (SesameError, OSError) as exc:
                why = exc.message if isinstance(exc, SesameError) else str(exc)
                return _Loaded(product_id, external, Work(external, product_id, {}, text), why)
        return _Loaded(product_id, external, Work(external, product_id, decoded, text))
