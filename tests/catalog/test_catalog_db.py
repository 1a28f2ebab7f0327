"""The catalog on SQLite and on the real PostgreSQL server: migrations, upserts, keyword search."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from sesame.catalog import repository as repo
from sesame.catalog.db import make_engine, make_session_factory, migrate
from sesame.catalog.keyword import keyword_search, query_terms
from sesame.catalog.models import Product
from sesame.catalog.records import ProductRecord, SupplierRecord
from sesame.core.filters import Filters

SUPPLIERS = [
    SupplierRecord(
        id="s-cn",
        name="Foshan Iron",
        country="cn",
        province="Guangdong",
        city="Foshan",
        verified=True,
        rating=4.8,
    ),
    SupplierRecord(
        id="s-vn",
        name="Hanoi Ceramics",
        country="VN",
        province="Hanoi",
        city="Bat Trang",
        rating=3.9,
    ),
]
PRODUCTS = [
    ("p1", "s-cn", "Red ceramic mug", "A red mug for coffee.", "kitchenware", 12.0, "CNY", 500),
    ("p2", "s-vn", "Blue wooden chair", "Solid wood dining chair.", "furniture", 30.0, "USD", 50),
    (
        "p3",
        "s-vn",
        "Red striped mugs",
        "Mugs with stripes, set of six.",
        "kitchenware",
        3.0,
        "USD",
        100,
    ),
    (
        "p4",
        "s-cn",
        "Wrought iron table legs",
        "Hand-forged table legs.",
        "furniture",
        80.0,
        "CNY",
        20,
    ),
]


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    migrate(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        ids = {rec.id: repo.upsert_supplier(session, rec)[0].id for rec in SUPPLIERS}
        for pid, sid, title, desc, category, price, currency, moq in PRODUCTS:
            record = ProductRecord(
                id=pid,
                supplier_id=sid,
                title=title,
                description=desc,
                category=category,
                price={"min": price, "max": price * 1.5, "currency": currency},
                moq={"quantity": moq},
            )
            product = Product(external_id=pid)
            repo.apply_product_record(product, record, supplier_id=ids[sid], digest=pid)
            session.add(product)
        session.commit()
        yield session
    engine.dispose()


def external(session: Session, hits: list[tuple[int, float]]) -> list[str]:
    products = repo.products_by_ids(session, [pid for pid, _ in hits])
    return [products[pid].external_id for pid, _ in hits]


def test_migrations_are_idempotent_and_create_the_catalog(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    migrate(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"suppliers", "products", "product_images", "embeddings"} <= tables
    engine.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_keyword_search_ranks_products_matching_more_words_first(session: Session) -> None:
    found = external(session, keyword_search(session, "red mug"))
    assert set(found) == {"p1", "p3"}
    assert found[0] == "p1"  # "red" and "mug" both in title and description


def test_keyword_search_stems_plurals(session: Session) -> None:
    assert set(external(session, keyword_search(session, "mugs"))) == {"p1", "p3"}


def test_keyword_search_applies_every_filter(session: Session) -> None:
    def found(**kwargs: object) -> set[str]:
        return set(
            external(session, keyword_search(session, "red mug table", filters=Filters(**kwargs)))
        )  # type: ignore[arg-type]

    assert found(countries=frozenset({"VN"})) == {"p3"}
    assert found(categories=frozenset({"furniture"})) == {"p4"}
    assert found(verified_only=True) == {"p1", "p4"}
    assert found(min_rating=4.0) == {"p1", "p4"}
    assert found(max_moq=100) == {"p3", "p4"}
    # p1 costs 12-18 CNY, about 1.7-2.5 USD; p3 3-4.5 USD; p4 80-120 CNY, about 11-17 USD.
    assert found(price_min_usd=2.6, price_max_usd=5.0) == {"p3"}
    assert found(price_max_usd=2.0) == {"p1"}
    assert found(provinces=frozenset({"Guangdong"})) == {"p1", "p4"}
    assert found(cities=frozenset({"Bat Trang"})) == {"p3"}
    assert found(provinces=frozenset({"Hanoi"}), cities=frozenset({"Foshan"})) == set()


def test_keyword_search_ignores_query_syntax_and_injection(session: Session) -> None:
    for query in [
        '"; DROP TABLE products; --',
        "mug OR 1=1",
        "NEAR(red mug)",
        "'",
        "*",
        "red & !mug",
    ]:
        keyword_search(session, query)  # must not raise
    assert repo.count_products(session) == 4
    assert query_terms("Red, RED mug!") == ["red", "mug"]


def test_prices_are_converted_to_usd(session: Session) -> None:
    product = repo.product_by_external_id(session, "p1")
    assert product is not None
    assert product.currency == "CNY"
    assert product.price_min_usd == pytest.approx(12.0 / 7.2, rel=1e-3)


def test_unchanged_supplier_is_not_rewritten(session: Session) -> None:
    _, changed = repo.upsert_supplier(session, SUPPLIERS[0])
    assert changed is False
    _, changed = repo.upsert_supplier(session, SUPPLIERS[0].model_copy(update={"rating": 4.1}))
    assert changed is True


def test_owners_and_trust_name_each_existing_products_supplier(session: Session) -> None:
    products = {p.external_id: p for p in session.query(Product)}
    gone = products["p3"].id
    session.delete(products["p3"])
    session.commit()
    ids = [p.id for p in products.values()] + [10_000_000]  # one deleted, one never made
    owners, trust = repo.owners_and_trust(session, ids + ids[:2])  # repeats count once
    assert owners == {p.id: p.supplier_id for key, p in products.items() if key != "p3"}
    assert gone not in owners
    foshan = products["p1"].supplier_id
    assert set(trust) == set(owners.values())
    assert trust[foshan] == {"verified": True, "rating": 4.8, "review_count": 0}
    assert repo.owners_and_trust(session, []) == ({}, {})
