"""Each serving process follows the change log, so its index sees every other process's
writes within a second or two, with no restart.

Entries name what changed: a product (its vectors and payloads are re-read), a
supplier (every vector of its products), or a vector that was removed. Applying
an entry re-reads the database, so applying it twice is harmless. PostgreSQL may
commit ids out of order: a missing id is waited for a while before it is taken
as a transaction that rolled back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from sesame.catalog import repository as repo
from sesame.catalog.changes import changes_after, latest_change
from sesame.catalog.models import Embedding, Product
from sesame.core.errors import SesameError
from sesame.index.base import VectorIndex

logger = logging.getLogger(__name__)
GAP_WAIT_S = 30.0


class ChangeFollower:
    def __init__(
        self, *, sessions: Callable[[], Session], index: VectorIndex, model_id: str, cursor: int = 0
    ) -> None:
        self._sessions = sessions
        self._index = index
        self._model_id = model_id
        self.cursor = cursor  # every id up to here is applied
        self._applied: set[int] = set()  # applied ids above the cursor
        self._gap_since: float | None = None

    def start_at_latest(self) -> None:
        """Follow from now on (read before the start-up reconcile, so nothing slips by)."""
        with self._sessions() as session:
            self.cursor = latest_change(session)

    def run(self, stop: threading.Event, interval: float = 0.5) -> None:
        while not stop.is_set():
            try:
                self.poll()
            except SesameError as exc:
                logger.debug("Change log not followed: %s", exc.message)
            except Exception:
                logger.exception("Following the change log failed; retrying")
            stop.wait(interval)

    def poll(self) -> int:
        """Apply what was logged since the last poll; returns how many entries were new."""
        with self._sessions() as session:
            rows = [
                row for row in changes_after(session, self.cursor) if row[0] not in self._applied
            ]
        if not rows:
            return 0
        products = {entity for _, kind, entity in rows if kind == "product"}
        suppliers = {entity for _, kind, entity in rows if kind == "supplier"}
        removed = sorted({entity for _, kind, entity in rows if kind == "vector"})
        if removed:
            self._index.delete(removed)
        self._refresh(products, suppliers)
        self._applied.update(row[0] for row in rows)
        self._advance()
        return len(rows)

    def _refresh(self, products: set[int], suppliers: set[int]) -> None:
        """Re-send the vectors and payloads of these products (and of these suppliers')."""
        with self._sessions() as session:
            if suppliers:
                products |= set(
                    session.scalars(select(Product.id).where(Product.supplier_id.in_(suppliers)))
                )
            if not products:
                return
            held = set(
                session.scalars(
                    select(Embedding.id).where(
                        Embedding.product_id.in_(sorted(products)),
                        Embedding.model_id == self._model_id,
                    )
                )
            )
            for ids, vectors, payloads in repo.iter_index_entries(
                session, self._model_id, ids=sorted(held)
            ):
                self._index.upsert(ids, vectors, payloads)

    def _advance(self) -> None:
        """Move the cursor over applied ids; skip a gap once it has waited long enough."""
        while True:
            while self.cursor + 1 in self._applied:
                self.cursor += 1
                self._applied.discard(self.cursor)
            if not self._applied:
                self._gap_since = None
                return
            now = time.monotonic()
            self._gap_since = self._gap_since or now
            if now - self._gap_since < GAP_WAIT_S:
                return
            logger.debug("Change %d never appeared; going on without it", self.cursor + 1)
            self.cursor += 1
            self._gap_since = None
