"""The in-memory keyword index against SQLite FTS5 itself: same products, same bm25 figures.

Every comparison runs the real FTS5 query (``keyword_search`` without the index) on the
same database, after random catalogs and random edits, so a difference in tokens,
counts, lengths or the formula shows as a failure.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from sesame.catalog.db import make_engine, make_session_factory, migrate
from sesame.catalog.keyword import keyword_search, query_terms
from sesame.catalog.keyword_memory import KeywordMemory, prune_keyword_log
from sesame.catalog.models import KeywordLog, Product, Supplier

# Stems that meet (table/tables, forged/forging), diacritics that fold (forgé), digits.
WORDS = ["table", "tables", "leg", "legs", "iron", "forgé", "forged", "forging", "red", "mug",
         "mugs", "ceramic", "Céramique", "blue", "chair", "2040", "xk", "oak", "the", "a"]  # fmt: skip
texts = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)
product = st.tuples(texts, texts, st.sampled_from(["furniture", "kitchenware", "iron"]))
queries = st.lists(st.sampled_from([*WORDS, "missing"]), min_size=1, max_size=4).map(" ".join)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'kw.db'}")
    migrate(engine)
    yield engine
    engine.dispose()


def _add(session: Session, title: str, description: str, category: str) -> int:
    supplier = session.scalar(select(Supplier).limit(1))
    if supplier is None:
        supplier = Supplier(external_id="s", name="S", country="CN", city="Foshan",
                            languages=["en"], content_hash="x")  # fmt: skip
        session.add(supplier)
        session.flush()
    count = session.scalar(select(func.count(Product.id))) or 0
    item = Product(external_id=f"p{count}-{time.monotonic_ns()}", supplier_id=supplier.id,
                   title=title, description=description, category=category,
                   content_hash="x")  # fmt: skip
    session.add(item)
    session.flush()
    return item.id


def _both(sessions: sessionmaker[Session], memory: KeywordMemory, query: str,
          limit: int) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:  # fmt: skip
    with sessions() as session:
        fts5 = keyword_search(session, query, limit=limit)
        fast = keyword_search(session, query, limit=limit, memory=memory)
        assert memory.search(session, query_terms(query), limit) == fast
    return fts5, fast


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    catalog=st.lists(product, min_size=1, max_size=30),
    edits=st.lists(st.tuples(st.integers(0, 29), st.one_of(st.none(), product)), max_size=10),
    asked=st.lists(queries, min_size=1, max_size=5),
)
def test_memory_ranks_exactly_as_fts5_through_random_edits(
    engine: Engine, catalog: list[tuple[str, str, str]],
    edits: list[tuple[int, tuple[str, str, str] | None]], asked: list[str],
) -> None:  # fmt: skip
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        session.execute(delete(Product))
        ids = [_add(session, *row) for row in catalog]
    memory = KeywordMemory(sessions)
    memory.load()
    with sessions.begin() as session:  # after the load: the index reads them from the log
        for position, change in edits:
            target = ids[position % len(ids)]
            if change is None:
                session.execute(delete(Product).where(Product.id == target))
            else:
                title, description, category = change
                session.execute(update(Product).where(Product.id == target).values(
                    title=title, description=description, category=category))  # fmt: skip
        ids.append(_add(session, "iron table", "forgé legs", "furniture"))
    for query in asked:
        fts5, fast = _both(sessions, memory, query, limit=1000)  # every match: no cut
        assert fast == fts5  # same ids, same order, same float figures


def test_a_cut_keeps_every_product_above_it_and_breaks_ties_by_id(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        for n in range(40):
            _add(session, "iron table" if n % 3 else "iron", "legs " * (n % 5), "furniture")
    memory = KeywordMemory(sessions)
    memory.load()
    fts5, fast = _both(sessions, memory, "iron table legs", limit=7)
    every, _ = _both(sessions, memory, "iron table legs", limit=1000)
    assert fast == every[:7]  # the best seven, ties in id order
    assert [score for _, score in fts5] == [score for _, score in fast]


def test_a_search_sees_a_committed_edit_at_once(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        first = _add(session, "red mug", "", "kitchenware")
    memory = KeywordMemory(sessions)
    memory.load()
    with sessions.begin() as session:
        second = _add(session, "blue chair", "oak", "furniture")
        session.execute(update(Product).where(Product.id == first).values(title="oak stool"))
    with sessions() as session:
        assert [pid for pid, _ in memory.search(session, ["oak"], 10) or []] == [first, second]
        assert memory.search(session, ["mug"], 10) == []


def test_phrases_filters_and_an_unbuilt_index_are_left_to_fts5(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        _add(session, "e mail iron", "", "furniture")
    memory = KeywordMemory(sessions)
    with sessions() as session:
        assert memory.search(session, ["iron"], 10) is None  # not built yet
        memory.load()
        assert memory.search(session, ["e_mail"], 10) is None  # FTS5 matches a phrase
        assert keyword_search(session, "e_mail", memory=memory) == keyword_search(session, "e_mail")
        assert memory.search(session, ["iron"], 10) is not None


def _wait_ready(memory: KeywordMemory, sessions: sessionmaker[Session], word: str) -> list[int]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with sessions() as session:
            found = memory.search(session, [word], 100)
        if found is not None:
            return [pid for pid, _ in found]
        time.sleep(0.05)
    raise AssertionError("the keyword index was not rebuilt")


def test_far_behind_or_past_a_pruned_log_it_rebuilds_while_fts5_answers(engine: Engine) -> None:
    sessions = make_session_factory(engine)
    memory = KeywordMemory(sessions, catch_up_limit=5)
    memory.load()
    with sessions.begin() as session:
        many = [_add(session, f"oak {n}", "", "furniture") for n in range(8)]
    with sessions() as session:
        assert memory.search(session, ["oak"], 100) is None  # 8 changes > 5: rebuilt aside
    assert sorted(_wait_ready(memory, sessions, "oak")) == many
    with sessions.begin() as session:
        late = _add(session, "oak late", "", "furniture")
        _add(session, "iron", "", "furniture")
        assert prune_keyword_log(session, keep=1) > 0  # the entry for ``late`` is gone
        assert session.scalar(select(func.count(KeywordLog.id))) == 1
    with sessions() as session:
        assert memory.search(session, ["oak"], 100) is None
    assert late in _wait_ready(memory, sessions, "oak")
