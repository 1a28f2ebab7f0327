"""Product text translation does bounded work per request and keeps what it made.

Real tiny Argos models and a real SQLite catalog; the background runner is the
seam (it collects the jobs so the test can run them when it wants).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from sesame.catalog import repository as repo
from sesame.catalog.db import make_engine, make_session_factory, migrate
from sesame.catalog.models import Product
from sesame.catalog.records import ProductRecord, SupplierRecord
from sesame.search.product_text import ProductTexts, TextLimits
from sesame.translation.argos import ArgosTranslator

TITLES = ["Red mug", "Blue chair", "Green bottle", "Black table", "White lamp"]


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 't.db'}")
    migrate(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        supplier, _ = repo.upsert_supplier(session, SupplierRecord(id="s", name="S", country="CN"))
        for number, title in enumerate(TITLES):
            record = ProductRecord(
                id=f"p{number}", supplier_id="s", title=title, category="home",
                description=". ".join(["Yes, we have it in stock"] * 40) + ".",
                price={"min": 1, "max": 2}, moq={"quantity": 1},
            )  # fmt: skip
            product = Product(external_id=record.id)
            repo.apply_product_record(product, record, supplier_id=supplier.id, digest="d")
            session.add(product)
        session.commit()
    yield factory
    engine.dispose()


def products(sessions: sessionmaker[Session]) -> list[Product]:
    with sessions() as session:
        return list(session.query(Product).order_by(Product.id))


def texts_with(
    translator: ArgosTranslator, sessions: sessionmaker[Session], jobs: list[Callable[[], None]]
) -> ProductTexts:
    return ProductTexts(
        translator=lambda: translator, sessions=sessions, catalog_language="en",
        languages={"en", "es", "zh"}, background=jobs.append,
        limits=TextLimits(title_budget=2, description_chars=300),
    )  # fmt: skip


def test_titles_beyond_the_budget_come_later_and_are_kept(
    translator: ArgosTranslator, sessions: sessionmaker[Session]
) -> None:
    jobs: list[Callable[[], None]] = []
    texts = texts_with(translator, sessions, jobs)
    first = texts.titles(products(sessions), "es")
    assert sum(1 for t in first.values() if t.title) == 2
    assert sum(1 for t in first.values() if t.untranslated_reason) == 3
    assert len(jobs) == 1
    jobs.pop()()  # the background translation runs
    again = texts.titles(products(sessions), "es")
    assert all(t.title for t in again.values())
    assert jobs == []  # nothing left to do: every title came from the database


def test_a_long_description_is_translated_in_part_now_and_whole_later(
    translator: ArgosTranslator, sessions: sessionmaker[Session]
) -> None:
    jobs: list[Callable[[], None]] = []
    texts = texts_with(translator, sessions, jobs)
    product = products(sessions)[0]
    partial = texts.for_reader("es", product)
    assert partial is not None
    assert partial.description
    assert partial.untranslated_reason is not None
    assert "first" in partial.untranslated_reason
    for job in jobs:
        job()
    whole = texts.for_reader("es", product)
    assert whole is not None
    assert whole.untranslated_reason is None
    assert whole.description
    assert len(whole.description) > len(partial.description)
