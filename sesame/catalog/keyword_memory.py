"""SQLite FTS5's bm25, answered from memory: the same tokens and formula, no table scan.

FTS5 scores every product that matches any query word before it keeps the best
(31 ms for the 38k matches of a three-word query at 100k products), and its index
cannot stop early. This index keeps, per term, the products holding it with their
counts, and each product's length in tokens, and computes FTS5's own bm25
(``fts5_aux.c``: k1 1.2, b 0.75, idf floored at 1e-6, counts summed over the three
columns, one phrase per query word) with numpy over those arrays. The figures are
FTS5's to the last bit, which the tests check on random catalogs with edits. Tokens
come from FTS5's own tokenizer on a private in-memory database, so stemming and
diacritics agree by construction.

It is derived data, like the vector index: built from ``products`` in the background
at start-up, then kept fresh from ``keyword_log`` (SQLite triggers, migration 0008).
Each search first applies the products changed since the index last looked, so it
sees every committed edit. ``search`` answers None, and the caller asks FTS5, until
the index is built, while it is too far behind to catch up within one search, and
for a word the tokenizer splits in two (``e_mail``: FTS5 matches it as a phrase).
"""

from __future__ import annotations

import logging
import math
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from itertools import groupby
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sesame.catalog.models import KeywordLog, Product

logger = logging.getLogger(__name__)
K1, B = 1.2, 0.75  # FTS5's bm25 constants
TOKENIZE = "porter unicode61 remove_diacritics 2"  # products_fts's (migration 0001)
Row = tuple[int, str | None, str | None, str | None]  # product id, title, description, category
Count = tuple[str, int, int]  # term, product id, occurrences in the three columns
Chunk = tuple[NDArray[np.int32], NDArray[np.float32]]  # slots, counts
LOAD_BATCH = 20_000
MAX_PHRASES = 10_000  # query words whose tokens are kept


class Fts5Tokens:
    """FTS5's tokenizer, on a private contentless table of an in-memory database."""

    def __init__(self) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            "CREATE VIRTUAL TABLE t USING fts5(title, description, category, content='', "
            f"tokenize='{TOKENIZE}')"
        )
        self._db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        self._lock = threading.Lock()
        self._phrases: dict[str, tuple[str, ...]] = {}

    def counts(self, rows: Sequence[Row]) -> list[Count]:
        """Each term of each row with its count, by term and then product id."""
        with self._lock:
            self._db.executemany(
                "INSERT INTO t(rowid, title, description, category) VALUES (?, ?, ?, ?)", rows
            )
            try:
                return self._db.execute(
                    "SELECT term, doc, count(*) FROM v GROUP BY term, doc ORDER BY term, doc"
                ).fetchall()
            finally:
                self._db.execute("INSERT INTO t(t) VALUES ('delete-all')")

    def phrase(self, word: str) -> tuple[str, ...]:
        """The tokens FTS5 makes of one query word, in order (most words: one)."""
        with self._lock:
            tokens = self._phrases.get(word)
            if tokens is None:
                self._db.execute("INSERT INTO t(rowid, title) VALUES (1, ?)", (word,))
                try:
                    found = self._db.execute("SELECT term FROM v ORDER BY offset").fetchall()
                finally:
                    self._db.execute("INSERT INTO t(t) VALUES ('delete-all')")
                tokens = tuple(term for (term,) in found)
                if len(self._phrases) >= MAX_PHRASES:
                    self._phrases.clear()
                self._phrases[word] = tokens
            return tokens


class _Postings:
    """Terms -> (slot, count) arrays; a product gets a new slot each time it changes."""

    def __init__(self, mark: int) -> None:
        self.mark = mark  # the last keyword_log entry applied
        self.slot_of: dict[int, int] = {}
        self.pids = np.zeros(1024, np.int64)
        self.lengths = np.zeros(1024, np.float64)
        self.alive = np.zeros(1024, np.bool_)
        self.used = self.rows = self.tokens = 0
        self.terms: dict[str, Chunk] = {}
        self.pending: dict[str, list[Chunk]] = {}

    def remove(self, product_ids: Sequence[int]) -> None:
        for pid in product_ids:
            slot = self.slot_of.pop(pid, None)
            if slot is not None:
                self.alive[slot] = False
                self.rows -= 1
                self.tokens -= int(self.lengths[slot])

    def add(self, rows: Sequence[Row], counts: list[Count]) -> None:
        """New products (not already here), with their terms' counts."""
        self._grow(self.used + len(rows))
        for pid, *_ in rows:
            self.slot_of[pid] = self.used
            self.pids[self.used], self.alive[self.used] = pid, True
            self.used += 1
        self.rows += len(rows)
        if not counts:
            return
        slots = np.fromiter((self.slot_of[doc] for _, doc, _ in counts), np.int32, len(counts))
        freq = np.fromiter((n for _, _, n in counts), np.float32, len(counts))
        np.add.at(self.lengths, slots, freq)
        self.tokens += int(freq.sum())
        start = 0
        for term, group in groupby(term for term, _, _ in counts):
            end = start + sum(1 for _ in group)
            self.pending.setdefault(term, []).append((slots[start:end], freq[start:end]))
            start = end

    def postings(self, term: str) -> Chunk:
        """The live products holding ``term``; merges what came since, drops the dead."""
        chunks = self.pending.pop(term, [])
        if term in self.terms:
            chunks.insert(0, self.terms[term])
        if not chunks:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        slots = np.concatenate([c[0] for c in chunks])
        freq = np.concatenate([c[1] for c in chunks])
        keep = self.alive[slots]
        if not keep.all():
            slots, freq = slots[keep], freq[keep]
        self.terms[term] = (slots, freq)
        return slots, freq

    def settle(self) -> None:
        for term in list(self.pending):
            self.postings(term)

    def top(self, terms: Sequence[str], limit: int) -> list[tuple[int, float]]:
        """FTS5's bm25 of every product holding a term, best ``limit`` (ties: lower id)."""
        scores = np.zeros(self.used, np.float64)
        matched = np.zeros(self.used, np.bool_)
        avgdl = self.tokens / self.rows if self.rows else 1.0
        for term in terms:  # one phrase per query word, repeats included, as in FTS5
            slots, counts = self.postings(term)
            if not len(slots):
                continue
            idf = math.log((self.rows - len(slots) + 0.5) / (len(slots) + 0.5))
            freq = counts.astype(np.float64)
            norm = K1 * (1 - B + B * self.lengths[slots] / avgdl)
            scores[slots] += (idf if idf > 0.0 else 1e-6) * ((freq * (K1 + 1.0)) / (freq + norm))
            matched[slots] = True
        found = np.flatnonzero(matched)
        if len(found) > limit:  # every product tied with the last one, then ids decide
            cut = np.partition(scores[found], len(found) - limit)[len(found) - limit]
            found = found[scores[found] >= cut]
        best = found[np.lexsort((self.pids[found], -scores[found]))[:limit]]
        return list(zip(self.pids[best].tolist(), scores[best].tolist(), strict=True))

    def _grow(self, size: int) -> None:
        if size <= len(self.pids):
            return
        capacity = max(size, 2 * len(self.pids))
        for name in ("pids", "lengths", "alive"):
            old = getattr(self, name)
            new = np.zeros(capacity, old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)


class KeywordMemory:
    """FTS5's keyword ranking for unfiltered searches, from memory (SQLite only)."""

    def __init__(
        self, sessions: Callable[[], Session], *, catch_up_limit: int = 2000,
        tokens: Fts5Tokens | None = None,
    ) -> None:  # fmt: skip
        self._sessions = sessions
        self._tokens = tokens or Fts5Tokens()
        self._catch_up_limit = catch_up_limit
        self._lock = threading.Lock()
        self._state: _Postings | None = None
        self._loading = threading.Lock()
        self._stale = False  # a rebuild is on its way: FTS5 answers until it lands

    @property
    def ready(self) -> bool:
        return self._state is not None

    def load(self) -> None:
        """Build from every product (one read transaction), then swap it in."""
        with self._loading, self._sessions() as session:
            state = _Postings(_latest(session))
            for rows in _product_rows(session):
                state.add(rows, self._tokens.counts(rows))
            state.settle()
        with self._lock:
            self._state, self._stale = state, False
        logger.info("Keyword index: %d products, %d tokens", state.rows, state.tokens)

    def search(
        self, session: Session, words: Sequence[str], limit: int
    ) -> list[tuple[int, float]] | None:
        """(product id, FTS5 bm25 score) best first, or None: ask FTS5 instead."""
        if self._state is None or self._stale:
            return None
        phrases = [self._tokens.phrase(word) for word in words]
        if any(len(tokens) != 1 for tokens in phrases):
            return None
        with self._lock:
            state = self._state
            if not self._caught_up(session, state):
                return None
            return state.top([tokens[0] for tokens in phrases], limit)

    def _caught_up(self, session: Session, state: _Postings) -> bool:
        """Apply the products changed since ``state.mark``; False if too many or lost."""
        latest = _latest(session)
        if latest <= state.mark:  # nothing new (or this session's snapshot is older)
            return True
        entries = session.execute(
            select(KeywordLog.id, KeywordLog.product_id)
            .where(KeywordLog.id > state.mark, KeywordLog.id <= latest)
            .order_by(KeywordLog.id)
            .limit(self._catch_up_limit + 1)
        ).all()
        pruned = not entries or entries[0][0] != state.mark + 1
        if pruned or len(entries) > self._catch_up_limit or state.used > 2 * state.rows + 4096:
            self._reload()
            return False
        changed = sorted({int(pid) for _, pid in entries})
        rows = [tuple(r) for r in session.execute(_texts().where(Product.id.in_(changed)))]
        state.remove(changed)
        state.add(rows, self._tokens.counts(rows))
        state.mark = latest
        return True

    def _reload(self) -> None:
        """Rebuild in the background (one at a time); FTS5 answers meanwhile."""
        if self._stale:
            return
        self._stale = True

        def run() -> None:
            try:
                self.load()
            except Exception:  # FTS5 keeps answering; the next search tries again
                logger.exception("Could not rebuild the keyword index")
                self._stale = False

        threading.Thread(target=run, name="sesame-keyword-load", daemon=True).start()


def prune_keyword_log(session: Session, keep: int = 100_000) -> int:
    """Forget all but the newest ``keep`` entries (a process further behind rebuilds)."""
    result = session.execute(delete(KeywordLog).where(KeywordLog.id <= _latest(session) - keep))
    return int(getattr(result, "rowcount", 0) or 0)


def _latest(session: Session) -> int:
    # Plain SQL: this runs before every search, and the ORM's statement handling took 1 ms.
    found = session.connection().exec_driver_sql("SELECT max(id) FROM keyword_log").scalar()
    return int(found or 0)


def _texts() -> Any:
    return select(Product.id, Product.title, Product.description, Product.category)


def _product_rows(session: Session) -> Iterator[list[Row]]:
    result = session.execute(_texts().order_by(Product.id).execution_options(yield_per=LOAD_BATCH))
    for part in result.partitions():
        yield [tuple(row) for row in part]
